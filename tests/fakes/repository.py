"""In-memory doubles of the pipeline's ports, for fast unit tests of the use cases.

They implement the port semantics (once-only markers, leases, optimistic updates), not
DynamoDB's expression language; ``tests/integration/test_repository_contract.py`` runs the
same cases against this fake and the DynamoDB adapter so they cannot drift.
"""

from __future__ import annotations

import threading
from datetime import datetime

from device_intake.app.errors import Conflict, NotFound
from device_intake.app.ports import PresignedUpload, ProcessedObject, StoredObject
from device_intake.app.records import (
    IN_FLIGHT,
    AuditEntry,
    DecisionRecord,
    DocumentSlot,
    DocumentStatus,
    Registration,
    RegistrationStatus,
    RejectedObject,
    ReviewItem,
    SubscriberProfile,
    parse_iso,
)
from device_intake.domain.documents import DocumentKind, InspectionResult


class InMemoryRegistrationRepository:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._regs: dict[str, Registration] = {}
        self._markers: dict[tuple[str, str, str | None], ProcessedObject] = {}
        self._decisions: set[tuple[str, str]] = set()
        self._reviews: dict[str, ReviewItem] = {}
        self._audit: list[AuditEntry] = []
        self._profiles: dict[str, SubscriberProfile] = {}

    def add(self, registration: Registration) -> None:
        with self._lock:
            if registration.id in self._regs:
                raise Conflict("exists")
            self._regs[registration.id] = registration.model_copy(deep=True)

    def get(self, registration_id: str) -> Registration | None:
        with self._lock:
            reg = self._regs.get(registration_id)
            return reg.model_copy(deep=True) if reg else None

    def list_for_subscriber(self, subscriber_id: str) -> list[Registration]:
        with self._lock:
            mine = [r for r in self._regs.values() if r.subscriber_id == subscriber_id]
            mine.sort(key=lambda r: (r.created_at, r.id), reverse=True)
            return [r.model_copy(deep=True) for r in mine]

    def _slot(self, registration_id: str, kind: DocumentKind) -> tuple[Registration, DocumentSlot]:
        reg = self._regs.get(registration_id)
        if reg is None or kind not in reg.documents:
            raise NotFound("document slot not found")
        return reg, reg.documents[kind]

    def start_upload(
        self, registration_id: str, kind: DocumentKind, key: str, at: str
    ) -> DocumentSlot:
        with self._lock:
            reg, slot = self._slot(registration_id, kind)
            fresh = DocumentSlot(kind=kind, version=slot.version + 1, expected_key=key)
            reg.documents[kind] = fresh
            reg.status = "AWAITING_UPLOADS"
            reg.decision = None
            reg.failure = None
            reg.updated_at = at
            review = self._reviews.get(registration_id)
            if review is not None:
                review.open = False
            return fresh.model_copy(deep=True)

    def begin_inspection(
        self, registration_id: str, kind: DocumentKind, key: str, version_id: str | None, at: str
    ) -> bool:
        with self._lock:
            _, slot = self._slot(registration_id, kind)
            if slot.expected_key != key or slot.status in ("INSPECTED", "REJECTED_FILE"):
                return False
            slot.status = "INSPECTING"
            slot.object_key = key
            slot.object_version = version_id
            slot.uploaded_at = slot.uploaded_at or at
            return True

    def processed_object(
        self, bucket: str, key: str, version_id: str | None
    ) -> ProcessedObject | None:
        with self._lock:
            return self._markers.get((bucket, key, version_id))

    def record_inspection(
        self,
        registration_id: str,
        kind: DocumentKind,
        *,
        bucket: str,
        key: str,
        version_id: str | None,
        status: DocumentStatus,
        flags: list[str],
        inspection: InspectionResult | None,
        clean_key: str | None,
        at: str,
    ) -> bool:
        with self._lock:
            if (bucket, key, version_id) in self._markers:
                return False
            reg = self._regs.get(registration_id)
            slot = reg.documents.get(kind) if reg else None
            if slot is None or slot.expected_key != key:
                return False
            self._markers[(bucket, key, version_id)] = ProcessedObject(
                bucket, key, version_id, status,
                flags[0] if status == "REJECTED_FILE" and flags else None, at,
            )
            slot.status = status
            slot.flags = list(flags)
            slot.inspection = inspection
            slot.clean_key = clean_key
            slot.inspected_at = at
            slot.object_key = key
            slot.object_version = version_id
            slot.uploaded_at = slot.uploaded_at or at
            return True

    def record_rejected_object(self, rejected: RejectedObject) -> bool:
        with self._lock:
            k = (rejected.bucket, rejected.key, rejected.version_id)
            if k in self._markers:
                return False
            self._markers[k] = ProcessedObject(
                rejected.bucket, rejected.key, rejected.version_id, "REJECTED_OBJECT",
                rejected.reason, rejected.at,
            )
            return True

    def set_status(self, registration_id: str, status: RegistrationStatus) -> bool:
        with self._lock:
            reg = self._regs.get(registration_id)
            if reg is None:
                raise NotFound("registration not found")
            if reg.status not in IN_FLIGHT or reg.status == status:
                return False
            reg.status = status
            return True

    def save_decision(
        self,
        registration_id: str,
        decision: DecisionRecord,
        status: RegistrationStatus,
        *,
        audit: AuditEntry | None = None,
        review: ReviewItem | None = None,
    ) -> bool:
        with self._lock:
            reg = self._regs.get(registration_id)
            if reg is None or reg.status not in IN_FLIGHT:
                return False
            if (registration_id, decision.fingerprint) in self._decisions:
                return False
            if reg.fingerprint() != decision.fingerprint:
                return False
            self._decisions.add((registration_id, decision.fingerprint))
            reg.status = status
            reg.decision = decision.model_copy(deep=True)
            reg.updated_at = decision.decided_at
            if audit is not None:
                self._audit.append(audit.model_copy(deep=True))
            if review is not None:
                self._reviews[registration_id] = review.model_copy(deep=True)
            return True

    def mark_failed(
        self, registration_id: str, kind: DocumentKind | None, reason: str, at: str
    ) -> None:
        with self._lock:
            reg = self._regs.get(registration_id)
            if reg is None:
                raise NotFound("registration not found")
            if kind is not None and kind in reg.documents:
                reg.documents[kind].status = "REJECTED_FILE"
                reg.documents[kind].flags = [reason]
            reg.status = "FAILED"
            reg.failure = reason
            reg.updated_at = at

    def imei_holders(self, imei: str) -> list[tuple[str, str]]:
        with self._lock:
            return [(r.id, r.subscriber_id) for r in self._regs.values() if r.device.imei == imei]

    def get_profile(self, subscriber_id: str) -> SubscriberProfile | None:
        with self._lock:
            return self._profiles.get(subscriber_id)

    def save_profile(self, profile: SubscriberProfile) -> None:
        with self._lock:
            self._profiles[profile.subscriber_id] = profile

    # --- review
    def enqueue_review(self, item: ReviewItem) -> None:
        with self._lock:
            self._reviews[item.registration_id] = item.model_copy(deep=True)

    def review_queue(self, limit: int) -> list[ReviewItem]:
        with self._lock:
            items = sorted(
                (i for i in self._reviews.values() if i.open),
                key=lambda i: (i.queued_at, i.registration_id),
            )
            return [i.model_copy(deep=True) for i in items[:limit]]

    def get_review(self, registration_id: str) -> ReviewItem | None:
        with self._lock:
            item = self._reviews.get(registration_id)
            return item.model_copy(deep=True) if item else None

    @staticmethod
    def _held_by_other(item: ReviewItem, reviewer: str, now: str) -> bool:
        return (
            item.claimed_by is not None
            and item.claimed_by != reviewer
            and item.lease_expires_at is not None
            and parse_iso(item.lease_expires_at) > parse_iso(now)
        )

    def claim(self, registration_id: str, reviewer: str, now: str, until: str) -> ReviewItem:
        with self._lock:
            item = self._reviews.get(registration_id)
            if item is None:
                raise NotFound("no review item")
            if not item.open:
                raise Conflict("this item has been decided")
            if self._held_by_other(item, reviewer, now):
                raise Conflict("another reviewer holds this item")
            item.claimed_by = reviewer
            item.lease_expires_at = until
            return item.model_copy(deep=True)

    def _holds(self, item: ReviewItem, reviewer: str, now: str) -> bool:
        return (
            item.claimed_by == reviewer
            and item.lease_expires_at is not None
            and parse_iso(item.lease_expires_at) > parse_iso(now)
        )

    def release(self, registration_id: str, reviewer: str, now: str) -> None:
        with self._lock:
            item = self._reviews.get(registration_id)
            if item is None:
                raise NotFound("no review item")
            if not self._holds(item, reviewer, now):
                raise Conflict("you do not hold this item")
            item.claimed_by = None
            item.lease_expires_at = None

    def complete_review(
        self,
        registration_id: str,
        reviewer: str,
        now: str,
        decision: DecisionRecord,
        status: RegistrationStatus,
        field_edits: dict[DocumentKind, dict[str, str | None]],
        audit: AuditEntry,
    ) -> None:
        with self._lock:
            item = self._reviews.get(registration_id)
            reg = self._regs.get(registration_id)
            if item is None or reg is None:
                raise NotFound("no review item")
            if not self._holds(item, reviewer, now):
                raise Conflict("the lease expired or the registration changed")
            for kind in field_edits:
                if kind not in reg.documents:
                    raise NotFound("document slot not found")
            item.open = False
            item.status = status
            reg.status = status
            reg.decision = decision.model_copy(deep=True)
            reg.updated_at = now
            reg.failure = None
            for kind, edits in field_edits.items():
                reg.documents[kind].field_edits.update(edits)
            self._audit.append(audit.model_copy(deep=True))

    def append_audit(self, entry: AuditEntry) -> None:
        with self._lock:
            self._audit.append(entry.model_copy(deep=True))

    def audit_trail(self, registration_id: str) -> list[AuditEntry]:
        with self._lock:
            mine = [e for e in self._audit if e.registration_id == registration_id]
            return sorted(mine, key=lambda e: parse_iso(e.at))


class InMemoryDocumentStore:
    def __init__(self, bucket: str = "uploads") -> None:
        self.bucket = bucket
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.abandoned: set[str] = set()

    def presigned_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        return PresignedUpload(url=f"memory://{self.bucket}", fields={"key": key})

    def head(self, key: str, version_id: str | None) -> StoredObject | None:
        found = self.objects.get(key)
        return StoredObject(size=len(found[0]), content_type=found[1]) if found else None

    def read(self, key: str, version_id: str | None) -> bytes:
        return self.objects[key][0]

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def presigned_view(self, key: str, expires_in: int) -> str:
        return f"memory://{self.bucket}/{key}"

    def mark_abandoned(self, key: str, version_id: str | None) -> None:
        self.abandoned.add(key)


class InMemoryDecisionQueue:
    def __init__(self) -> None:
        self.requested: list[str] = []

    def request_decision(self, registration_id: str) -> None:
        self.requested.append(registration_id)


def fixed_clock(moment: datetime):
    return lambda: moment
