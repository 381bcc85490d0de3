"""``device-intake process FILES... --plan P --enrolled YYYY-MM-DD``: push registrations
through the pipeline from the shell, the way the web form does (docs/pipeline.md).

Each FILE is one registration in the shape of ``device-intake decide`` (shared/spec/cli.md),
with every document given as a ``path`` (relative to the JSON file)::

    {"device": {"category": "smartphone", "maker": "Apple", "model": "iPhone 15",
                "model_id": "iphone-15", "imei": "352099001761481", "serial": null},
     "declared": {"purchased_after_enrollment": false, "release_over_5_years": false},
     "documents": [{"kind": "front", "path": "front.jpg"}, {"kind": "back", "path": "back.jpg"}]}

``plan`` / ``enrolled_on`` / ``submitted_on`` in the file are ignored: the plan and the
enrollment date come from ``--plan`` / ``--enrolled`` (as they come from the operator's
token in production). With ``--api URL`` the files go to a running stack (``make run``),
whose local-only ``POST /local/subscriber-token`` issues the token; without it an embedded
local stack is started for the run. Prints one JSON object: ``{"results": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TERMINAL = {"APPROVED", "NEEDS_RESUBMISSION", "NEEDS_REVIEW", "REJECTED", "FAILED"}
EXIT_OK, EXIT_USAGE = 0, 2


class ProcessFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Submission:
    file: Path
    body: dict[str, Any]
    documents: list[tuple[str, Path]]
    registration_id: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


def read_registration(path: Path) -> Submission:
    """Parse one FILE into the API request and the document paths (checked to exist)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ProcessFileError(f"{path}: not a readable JSON file") from exc
    if not isinstance(data, dict) or not isinstance(data.get("device"), dict):
        raise ProcessFileError(f"{path}: needs a 'device' object")
    device, declared = data["device"], dict(data.get("declared") or {})
    body = {
        "category": device.get("category"),
        "maker": device.get("maker"),
        "model": device.get("model"),
        "model_id": device.get("model_id"),
        "model_free_text": device.get("model_free_text"),
        "imei": device.get("imei"),
        "serial": device.get("serial"),
        "purchased_after_enrollment": bool(declared.pop("purchased_after_enrollment", False)),
        "release_over_5_years": bool(declared.pop("release_over_5_years", False)),
        "declared": declared,
    }
    documents = []
    for doc in data.get("documents") or []:
        if "path" not in doc:
            raise ProcessFileError(f"{path}: every document needs a 'path' (files are uploaded)")
        doc_path = (path.parent / doc["path"]).resolve()
        if not doc_path.is_file():
            raise ProcessFileError(f"{path}: no such document file {doc['path']}")
        documents.append((str(doc["kind"]), doc_path))
    return Submission(file=path, body=body, documents=documents)


class _Api:
    def __init__(self, base: str, token: str) -> None:
        import requests

        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self.http.request(method, self.base + path, json=body, timeout=60)
        if response.status_code >= 400:
            error = response.json().get("error", {}) if response.content else {}
            raise ProcessFileError(f"{method} {path}: {response.status_code} "
                                   f"{error.get('code', '')} {error.get('message', '')}")
        data: dict[str, Any] = response.json() if response.content else {}
        return data


def _submit(api: _Api, sub: Submission) -> None:
    import requests

    created = api.call("POST", "/api/registrations", sub.body)
    sub.registration_id = created["id"]
    for kind, doc_path in sub.documents:
        content_type = mimetypes.guess_type(doc_path.name)[0] or "application/octet-stream"
        ticket = api.call("POST", f"/api/registrations/{created['id']}/documents/{kind}/upload",
                          {"content_type": content_type, "filename": doc_path.name})
        with doc_path.open("rb") as fh:
            posted = requests.post(ticket["url"], data=ticket["fields"],
                                   files={"file": (doc_path.name, fh, content_type)}, timeout=120)
        if posted.status_code >= 300:
            raise ProcessFileError(f"upload of {doc_path.name} failed: {posted.status_code}")


def _outcome(view: dict[str, Any]) -> dict[str, Any]:
    decision = view.get("decision") or {}
    return {
        "registration_id": view["id"],
        "status": view["status"],
        "decision": decision.get("decision"),
        "reasons": [r["code"] for r in decision.get("reasons", [])],
        "coverage_starts_on": decision.get("coverage_starts_on"),
        "documents": {d["kind"]: {"status": d["status"], "flags": d["flags"]}
                      for d in view.get("documents", [])},
    }


@contextmanager
def _target(api_url: str | None) -> Iterator[tuple[str, Callable[[str, str], str]]]:
    """(API base URL, mint(plan, enrolled_on) -> subscriber token)."""
    if api_url:
        import requests

        def remote_token(plan: str, enrolled: str) -> str:
            response = requests.post(f"{api_url.rstrip('/')}/local/subscriber-token",
                                     json={"plan": plan, "enrolled_on": enrolled}, timeout=30)
            if response.status_code != 200:
                raise ProcessFileError(f"{api_url} issued no token ({response.status_code}):"
                                       " is it a local stack (make run)?")
            token: str = response.json()["token"]
            return token

        yield api_url, remote_token
        return
    root = Path(__file__).resolve().parents[3]
    if not (root / "infra" / "local_stack.py").is_file():
        raise ProcessFileError("no --api given and no repository checkout to embed a stack from")
    # The embedded stack is development tooling that lives next to the package, not in it.
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from infra.local_stack import LocalStack

    with LocalStack(port=0) as stack:
        yield stack.api_url, lambda plan, enrolled: stack.mint_subscriber_token(
            plan, enrolled, f"cli-{uuid.uuid4().hex[:8]}")


def process(
    files: list[Path], *, plan: str, enrolled: str, api_url: str | None, timeout: float,
    progress: bool,
) -> list[dict[str, Any]]:
    from tqdm import tqdm

    subs = [read_registration(p) for p in files]
    with _target(api_url) as (base, mint):
        api = _Api(base, mint(plan, enrolled))
        for sub in tqdm(subs, desc="upload", unit="reg", disable=not progress, file=sys.stderr):
            try:
                _submit(api, sub)
            except ProcessFileError as exc:
                sub.result = {"error": exc.message}
        pending = [s for s in subs if s.registration_id and not s.result]
        deadline = time.monotonic() + timeout
        with tqdm(total=len(pending), desc="decide", unit="reg", disable=not progress,
                  file=sys.stderr) as bar:
            while pending and time.monotonic() < deadline:
                for sub in list(pending):
                    view = api.call("GET", f"/api/registrations/{sub.registration_id}")
                    if view["status"] in _TERMINAL:
                        sub.result = _outcome(view)
                        pending.remove(sub)
                        bar.update(1)
                time.sleep(0.5 if pending else 0)
        for sub in pending:
            view = api.call("GET", f"/api/registrations/{sub.registration_id}")
            sub.result = {**_outcome(view), "error": "timed out waiting for a decision"}
    return [{"file": str(s.file), **s.result} for s in subs]


def run_process(args: argparse.Namespace) -> int:
    """Entry point of ``device-intake process`` (cli.py)."""
    from datetime import date

    try:
        enrolled = date.fromisoformat(args.enrolled).isoformat()
    except ValueError:
        print("device-intake: --enrolled must be YYYY-MM-DD", file=sys.stderr)
        return EXIT_USAGE
    try:
        results = process(
            [Path(f) for f in args.files], plan=args.plan, enrolled=enrolled,
            api_url=getattr(args, "api", None), timeout=float(getattr(args, "timeout", 300)),
            progress=len(args.files) > 1 and sys.stderr.isatty(),
        )
    except ProcessFileError as exc:
        print(f"device-intake: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    out = {"results": results}
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
