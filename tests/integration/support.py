"""Integration helpers; the fixtures (one local stack per run) live in conftest.py.

Inspection is a scripted double by default (fast, deterministic): each test registers what
the "engine" answers for the bytes it uploads; ``"real"`` routes an upload through the real
OCR engine. Everything else - API, presigned POST, S3 notifications, SQS, DynamoDB, retries,
DLQ - is the code that runs in Lambda.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import requests
from device_intake.domain.documents import DocumentFields, DocumentKind, InspectionResult

from infra.local_stack import LocalStack

ENROLLED = date(2025, 4, 1)
IMEI = "352099001761481"  # Luhn-valid; test registrations use fresh ones from ``fresh_imei``

Action = InspectionResult | Exception | str | Callable[[DocumentKind, bytes], InspectionResult]


@dataclass
class ScriptedInspector:
    """Answers by the SHA-256 of the uploaded bytes; unknown bytes pass with no fields."""

    script: dict[str, Action] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, data: bytes, action: Action) -> bytes:
        self.script[hashlib.sha256(data).hexdigest()] = action
        return data

    def __call__(
        self, kind: DocumentKind, data: bytes, filename: str | None, content_type: str | None
    ) -> InspectionResult:
        digest = hashlib.sha256(data).hexdigest()
        with self.lock:
            self.calls.append((str(kind), digest))
        action = self.script.get(digest)
        if action is None:
            return InspectionResult(kind=kind)
        if action == "real":
            from device_intake.app.inspect_document import inspect_bytes

            return inspect_bytes(kind, data, filename=filename, content_type=content_type)
        if isinstance(action, Exception):
            raise action
        if callable(action) and not isinstance(action, InspectionResult):
            return action(kind, data)
        assert isinstance(action, InspectionResult)
        return action

    def count(self, data: bytes) -> int:
        digest = hashlib.sha256(data).hexdigest()
        return sum(1 for _, d in self.calls if d == digest)


_counter = itertools.count(1)


def unique_jpeg(size: tuple[int, int] = (48, 48)) -> bytes:
    """A small valid JPEG whose bytes differ from every other call's."""
    from PIL import Image

    n = next(_counter)
    img = Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    img.putpixel((0, 0), (n % 256, (n // 256) % 256, 7))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95, comment=f"test-{n}".encode())
    return out.getvalue()


def fresh_imei() -> str:
    from device_intake.domain.imei import luhn_check_digit

    body = f"35209900{next(_counter) + 100000:06d}"
    return body + str(luhn_check_digit(body))


def good(kind: DocumentKind, **fields: Any) -> InspectionResult:
    return InspectionResult(kind=kind, fields=DocumentFields(**fields))


class Client:
    """A subscriber (or reviewer) talking to the local stack's HTTP API."""

    def __init__(self, stack: LocalStack, token: str) -> None:
        self.base = stack.api_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.session.post(self.base + path, json=body, timeout=30, **kw)

    def put(self, path: str, body: Any = None) -> requests.Response:
        return self.session.put(self.base + path, json=body, timeout=30)


def registration_body(imei: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "smartphone",
        "maker": "Apple",
        "model": "iPhone 15",
        "model_id": "iphone-15",
        "model_free_text": None,
        "imei": imei,
        "serial": None,
        "purchased_after_enrollment": False,
        "release_over_5_years": False,
        "declared": {},
    }
    body.update(overrides)
    return body


def upload(ticket: dict[str, Any], data: bytes, filename: str = "photo.jpg",
           content_type: str = "image/jpeg") -> requests.Response:
    """What the browser does: multipart/form-data with the ticket's fields, then the file."""
    response = requests.post(
        ticket["url"], data=ticket["fields"], files={"file": (filename, data, content_type)},
        timeout=30,
    )
    assert response.status_code in (200, 201, 204), response.text
    return response


