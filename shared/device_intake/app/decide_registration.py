"""Use case: decide one registration described by a JSON file (``device-intake decide``).

Input and output keys: ``shared/spec/cli.md``. Documents given as ``path`` (relative to the
JSON file) are inspected first; inline documents are inspection results in the shape
``device-intake inspect`` prints. Output keeps the contract keys first
(``decision``, ``reasons``, ``coverage_starts_on``) and adds ``explanations`` (the message
for every reason), ``limits``, ``checks``, ``plan_version`` and ``documents``.

Optional input key beyond the contract: ``decided_on`` (ISO date, default today) — the
decision date, which is the approval date for plans whose cover starts on approval.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from device_intake.domain.documents import InspectionResult
from device_intake.domain.eligibility import Decision, decide
from device_intake.domain.plans import UnknownPlanError, load_plan
from device_intake.domain.reasons import describe
from device_intake.domain.registration import RegistrationFacts


class RegistrationFileError(Exception):
    """The registration file cannot be decided (unreadable, invalid, unknown plan...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _validation_summary(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistrationFileError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RegistrationFileError(f"{path} is not valid JSON (line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise RegistrationFileError(f"{path} must hold one JSON object")
    return data


def _inspect_path(kind: str, doc_path: Path) -> InspectionResult:
    if not doc_path.is_file():
        raise RegistrationFileError(f"document not found: {doc_path}")
    try:
        # Imported on demand: the imaging stack is heavy and only needed for path documents.
        from device_intake.app.inspect_document import inspect_file
    except ImportError as exc:
        raise RegistrationFileError(
            f"cannot inspect {doc_path.name}: document inspection is not available ({exc.name})"
        ) from exc
    try:
        return inspect_file(kind, doc_path)
    except OSError as exc:
        raise RegistrationFileError(f"cannot read {doc_path}: {exc.strerror}") from exc


def load_documents(items: object, base: Path) -> list[InspectionResult]:
    """Turn the ``documents`` array into inspection results (inspecting ``path`` entries)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise RegistrationFileError("documents must be a list")
    results: list[InspectionResult] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "kind" not in item:
            raise RegistrationFileError(f"documents[{index}] must be an object with a kind")
        kind = item["kind"]
        if kind not in ("front", "back", "proof"):
            raise RegistrationFileError(f"documents[{index}].kind must be front, back or proof")
        if "path" in item:
            extra = set(item) - {"kind", "path"}
            if extra:
                raise RegistrationFileError(
                    f"documents[{index}] has a path and inline keys {sorted(extra)}: pick one"
                )
            results.append(_inspect_path(kind, base / str(item["path"])))
            continue
        try:
            results.append(InspectionResult.model_validate(item))
        except ValidationError as exc:
            raise RegistrationFileError(
                f"documents[{index}]: {_validation_summary(exc)}"
            ) from exc
    return results


def decision_json(decision: Decision, documents: list[InspectionResult]) -> dict[str, Any]:
    """The CLI object: contract keys first, then the explanations and reviewer details."""
    explanations = []
    for code in decision.reasons:
        text = describe(code)
        explanations.append(
            {
                "code": code.value,
                "title_ja": text.title_ja,
                "action_ja": text.action_ja,
                "reviewer_en": text.reviewer_en,
            }
        )
    return {
        "decision": decision.decision.value,
        "reasons": [code.value for code in decision.reasons],
        "coverage_starts_on": (
            decision.coverage_starts_on.isoformat() if decision.coverage_starts_on else None
        ),
        "explanations": explanations,
        "plan_version": decision.plan_version,
        "model_id": decision.model_id,
        "released_on": decision.released_on.isoformat() if decision.released_on else None,
        "purchase_date": decision.purchase_date.isoformat() if decision.purchase_date else None,
        "limits": decision.limits.model_dump(mode="json"),
        "checks": [check.model_dump(mode="json") for check in decision.checks],
        "documents": [doc.contract_json() for doc in documents],
    }


def decide_file(path: Path | str) -> dict[str, Any]:
    """Decide the registration in the JSON file at ``path``; the ``decide --json`` object.

    Raises :class:`RegistrationFileError` (exit 2) when the file cannot be decided at all:
    unreadable, not matching the contract, an unknown plan, a missing document file, or no
    inspection engine for a ``path`` document. Never guesses a result.
    """
    file_path = Path(path)
    data = _load_json(file_path)
    documents_raw = data.pop("documents", None)
    decided_on_raw = data.pop("decided_on", None)
    try:
        facts = RegistrationFacts.model_validate(data)
    except ValidationError as exc:
        raise RegistrationFileError(f"invalid registration: {_validation_summary(exc)}") from exc
    try:
        today = date.fromisoformat(decided_on_raw) if decided_on_raw else date.today()
    except (TypeError, ValueError) as exc:
        raise RegistrationFileError("decided_on must be an ISO date (YYYY-MM-DD)") from exc
    try:
        # The terms in force on the day the registration was submitted apply.
        plan = load_plan(facts.plan, on=facts.submitted_on)
    except UnknownPlanError as exc:
        raise RegistrationFileError(str(exc)) from exc
    documents = load_documents(documents_raw, file_path.parent)
    decision = decide(facts, documents, plan=plan, today=today)
    return decision_json(decision, documents)
