"""Pipeline use cases: an uploaded object is inspected; a ready registration is decided.

Upload policy is enforced here, not trusted to the presigned POST (moto does not enforce
POST policies, and a leaked ticket must not widen what we accept): the key must be the live
ticket of a known registration's slot (``uploads/<registration>/<kind>/<uuid>``), the object
at most ``max_bytes``, and its magic bytes one of the accepted formats. Each breach is a
reason code recorded on the document (or, for an object that belongs to no slot, on its
processed marker).

Idempotency is keyed on bucket/key/version-id: the result and the marker are written in one
conditional transaction, so a duplicate S3 event changes nothing.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from device_intake.app.ports import (
    DecisionQueue,
    DocumentStore,
    Inspector,
    LocationStripper,
    RegistrationRepository,
)
from device_intake.app.records import (
    IN_FLIGHT,
    AuditEntry,
    DecisionRecord,
    Registration,
    RejectedObject,
    ReviewItem,
    iso,
)
from device_intake.domain.documents import DocumentKind, InspectionResult
from device_intake.domain.reasons import ReasonCode

log = logging.getLogger(__name__)

_KEY = re.compile(
    r"^uploads/(?P<registration>[0-9A-HJKMNP-TV-Z]{26})/(?P<kind>[a-z]+)/[0-9a-f]{32}$"
)

ACCEPTED_FORMATS = frozenset({"jpeg", "png", "webp", "heic", "pdf"})
_CLEAN_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "pdf": "application/pdf",
}


class Outcome(StrEnum):
    INSPECTED = "INSPECTED"
    REJECTED_FILE = "REJECTED_FILE"  # recorded on the document with a reason code
    REJECTED_OBJECT = "REJECTED_OBJECT"  # belongs to no slot: recorded on its marker
    DUPLICATE = "DUPLICATE"  # this object version was processed before: nothing changes


@dataclass(frozen=True, slots=True)
class UploadedObject:
    bucket: str
    key: str  # already URL-decoded
    version_id: str | None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class InspectDeps:
    repo: RegistrationRepository
    store: DocumentStore
    queue: DecisionQueue
    inspector: Inspector
    strip_location: LocationStripper
    sniff: Callable[[bytes], str | None]
    max_bytes: int


_FILE_LEVEL_FLAGS = frozenset(
    {ReasonCode.CORRUPT_FILE, ReasonCode.FILE_TOO_LARGE, ReasonCode.UNSUPPORTED_FORMAT}
)


def parse_upload_key(key: str) -> tuple[str, DocumentKind] | None:
    match = _KEY.match(key)
    if match is None or match["kind"] not in DocumentKind.__members__.values():
        return None
    return match["registration"], DocumentKind(match["kind"])


def handle_uploaded_object(obj: UploadedObject, deps: InspectDeps, *, now: datetime) -> Outcome:
    """Inspect one uploaded object version (once), then ask for a decision when ready."""
    repo = deps.repo
    if obj.version_id is None:
        # Some emulators omit versionId from the event; the bucket is versioned, so ask it.
        head = deps.store.head(obj.key, None)
        if head is not None and head.version_id not in (None, "null"):
            obj = UploadedObject(obj.bucket, obj.key, head.version_id, obj.size)
    if repo.processed_object(obj.bucket, obj.key, obj.version_id) is not None:
        return Outcome.DUPLICATE
    parsed = parse_upload_key(obj.key)
    registration = repo.get(parsed[0]) if parsed else None
    slot = registration.slot(parsed[1]) if registration and parsed else None
    if parsed is None or slot is None or slot.expected_key != obj.key:
        # Not a live ticket of a known slot (forged key, unknown registration, stale ticket).
        # Tagged for the lifecycle rule before the marker is written: a crash between the
        # two then leaves no marker, the redelivered event tags again (idempotent) and
        # records it, instead of a marker whose object is never expired.
        if deps.store.head(obj.key, obj.version_id) is not None:
            deps.store.mark_abandoned(obj.key, obj.version_id)
        written = repo.record_rejected_object(
            RejectedObject(
                bucket=obj.bucket,
                key=obj.key,
                version_id=obj.version_id,
                reason=ReasonCode.UPLOAD_OUTSIDE_PREFIX,
                at=iso(now),
            )
        )
        log.warning("upload outside prefix", extra={"reason": ReasonCode.UPLOAD_OUTSIDE_PREFIX})
        return Outcome.REJECTED_OBJECT if written else Outcome.DUPLICATE
    registration_id, kind = parsed
    if not repo.begin_inspection(registration_id, kind, obj.key, obj.version_id, iso(now)):
        return Outcome.DUPLICATE
    result, clean_key = _inspect(obj, kind, deps, registration_id)
    # No stored copy means the file itself was refused (size, format, unreadable).
    status = "INSPECTED" if clean_key is not None else "REJECTED_FILE"
    written = repo.record_inspection(
        registration_id,
        kind,
        bucket=obj.bucket,
        key=obj.key,
        version_id=obj.version_id,
        status=status,  # type: ignore[arg-type]
        flags=[str(f) for f in result.flags],
        inspection=result,
        clean_key=clean_key,
        at=iso(now),
    )
    if not written:
        return Outcome.DUPLICATE
    _advance(registration_id, deps.repo, deps.queue)
    return Outcome.INSPECTED if status == "INSPECTED" else Outcome.REJECTED_FILE


def _inspect(
    obj: UploadedObject, kind: DocumentKind, deps: InspectDeps, registration_id: str
) -> tuple[InspectionResult, str | None]:
    """(result, key of the GPS-stripped copy or None when the file was refused)."""
    head = deps.store.head(obj.key, obj.version_id)
    size = head.size if head else obj.size
    if size is None or size > deps.max_bytes:
        return InspectionResult(kind=kind, flags=[ReasonCode.FILE_TOO_LARGE]), None
    data = deps.store.read(obj.key, obj.version_id)
    if len(data) > deps.max_bytes:  # the object changed size between head and get
        return InspectionResult(kind=kind, flags=[ReasonCode.FILE_TOO_LARGE]), None
    fmt = deps.sniff(data)
    if fmt not in ACCEPTED_FORMATS:
        # The Content-Type header is the client's claim; the magic bytes are the truth.
        return InspectionResult(kind=kind, flags=[ReasonCode.UNSUPPORTED_FORMAT]), None
    result = deps.inspector(
        kind, data, obj.key.rsplit("/", 1)[-1], head.content_type if head else None
    )
    if _FILE_LEVEL_FLAGS.intersection(result.flags):
        # Nothing a reviewer could look at: a corrupt file, a pixel bomb or an unsupported
        # container must not be decoded again just to make the stored copy.
        return result, None
    clean = deps.strip_location(data)
    clean_fmt = deps.sniff(clean) or fmt
    clean_key = f"clean/{registration_id}/{kind.value}/{obj.key.rsplit('/', 1)[-1]}"
    deps.store.put(clean_key, clean, _CLEAN_TYPES.get(clean_fmt, "application/octet-stream"))
    return result, clean_key


def _advance(registration_id: str, repo: RegistrationRepository, queue: DecisionQueue) -> None:
    """After a document finished: ask for a decision once every needed document is done.

    Two documents finishing together may both ask; the decision itself is written once per
    document-version fingerprint, so the second request is a no-op.
    """
    registration = repo.get(registration_id)
    if registration is None or registration.status not in IN_FLIGHT:
        return
    if registration.ready_for_decision():
        repo.set_status(registration_id, "DECIDING")
        queue.request_decision(registration_id)
    else:
        in_progress = any(
            s.status in ("UPLOADED", "INSPECTING", "INSPECTED", "REJECTED_FILE")
            for s in registration.documents.values()
        )
        repo.set_status(registration_id, "INSPECTING" if in_progress else "AWAITING_UPLOADS")


def mark_inspection_failed(
    obj: UploadedObject, repo: RegistrationRepository, now: datetime
) -> None:
    """The last retry of an object crashed: make it visible (FAILED + review) instead of lost."""
    parsed = parse_upload_key(obj.key)
    if parsed is None:
        return
    registration_id, kind = parsed
    _fail(registration_id, kind, repo, now)


def _fail(
    registration_id: str, kind: DocumentKind | None, repo: RegistrationRepository, now: datetime
) -> None:
    registration = repo.get(registration_id)
    if registration is None:
        return
    # Review item and audit first, the FAILED status last: whoever sees FAILED finds both.
    repo.enqueue_review(
        ReviewItem(
            registration_id=registration_id,
            plan=registration.plan,
            status="FAILED",
            reasons=[ReasonCode.INSPECTION_FAILED],
            flags=[],
            queued_at=iso(now),
        )
    )
    repo.append_audit(
        AuditEntry(
            registration_id=registration_id,
            at=iso(now),
            actor="system",
            action="failed",
            before={"status": registration.status},
            after={"status": "FAILED", "reason": ReasonCode.INSPECTION_FAILED},
        )
    )
    repo.mark_failed(registration_id, kind, ReasonCode.INSPECTION_FAILED, iso(now))


def mark_decision_failed(registration_id: str, repo: RegistrationRepository, now: datetime) -> None:
    _fail(registration_id, None, repo, now)


@dataclass(frozen=True, slots=True)
class DecideDeps:
    repo: RegistrationRepository
    sample_rate: float
    rng: random.Random


def decide_registration(
    registration_id: str, deps: DecideDeps, *, now: datetime, today: date | None = None
) -> DecisionRecord | None:
    """Apply the plan's rules to a registration whose documents are all done.

    Returns the stored decision, or None when there was nothing to do (not ready, already
    decided for these document versions, or no longer in flight).
    """
    repo = deps.repo
    registration = repo.get(registration_id)
    if registration is None or registration.status not in IN_FLIGHT:
        return None
    if not registration.ready_for_decision():
        return None
    outcome = _evaluate(registration, repo, today or now.date())
    record = DecisionRecord(
        decision=outcome.decision,
        reasons=[str(r) for r in outcome.reasons],
        coverage_starts_on=outcome.coverage_starts_on,
        decided_at=iso(now),
        by="system",
        fingerprint=registration.fingerprint(),
    )
    audit = AuditEntry(
        registration_id=registration_id,
        at=iso(now),
        actor="system",
        action="decide",
        before={"status": registration.status},
        after={"status": record.decision, "reasons": record.reasons},
    )
    sample = record.decision == "APPROVED" and deps.rng.random() < deps.sample_rate
    review = None
    if record.decision == "NEEDS_REVIEW" or sample:
        review = ReviewItem(
            registration_id=registration_id,
            plan=registration.plan,
            status=record.decision,
            reasons=record.reasons,
            flags=sorted({f for s in registration.documents.values() for f in s.flags}),
            queued_at=iso(now),
            sample=sample,
        )
    if not repo.save_decision(registration_id, record, record.decision, audit=audit,
                              review=review):
        return None
    return record


@dataclass(frozen=True, slots=True)
class _Outcome:
    decision: str
    reasons: list[str]
    coverage_starts_on: date | None


def _evaluate(registration: Registration, repo: RegistrationRepository, today: date) -> _Outcome:
    from device_intake.app.facts import decide_with_domain

    others = []
    if registration.device.imei:
        others = [
            sub
            for reg_id, sub in repo.imei_holders(registration.device.imei)
            if sub != registration.subscriber_id and reg_id != registration.id
        ]
    decision = decide_with_domain(registration, imei_registered_elsewhere=bool(others), today=today)
    return _Outcome(
        decision=str(decision.decision),
        reasons=[str(r) for r in decision.reasons],
        coverage_starts_on=decision.coverage_starts_on,
    )
