"""Ports: what the use cases need from the outside world, named by role.

Adapters (``device_intake.adapters``) implement them with AWS; ``tests/fakes`` implements
them in memory. One contract test (``tests/integration/test_repository_contract.py``) runs
the same cases against both so the fake cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from device_intake.app.records import (
    AuditEntry,
    DecisionRecord,
    DocumentSlot,
    DocumentStatus,
    Registration,
    RegistrationStatus,
    RejectedObject,
    ReviewItem,
    SubscriberProfile,
)
from device_intake.domain.documents import DocumentKind, InspectionResult


@dataclass(frozen=True, slots=True)
class ProcessedObject:
    """The idempotency marker of one S3 object version (bucket/key/version-id)."""

    bucket: str
    key: str
    version_id: str | None
    outcome: str  # "INSPECTED" | "REJECTED_FILE" | "REJECTED_OBJECT"
    reason: str | None
    at: str


class RegistrationRepository(Protocol):
    """Registrations, their document slots, decisions, the review queue and the audit trail."""

    def add(self, registration: Registration) -> None: ...

    def get(self, registration_id: str) -> Registration | None: ...

    def list_for_subscriber(self, subscriber_id: str) -> list[Registration]:
        """Newest first."""
        ...

    def start_upload(
        self, registration_id: str, kind: DocumentKind, key: str, at: str
    ) -> DocumentSlot:
        """Issue a new ticket for a slot: bump its version, forget the old upload, clear the
        registration's decision and put it back to ``AWAITING_UPLOADS``."""
        ...

    def begin_inspection(
        self, registration_id: str, kind: DocumentKind, key: str, version_id: str | None, at: str
    ) -> bool:
        """Mark the slot ``INSPECTING`` if ``key`` is its live ticket; False for a stale key."""
        ...

    def processed_object(
        self, bucket: str, key: str, version_id: str | None
    ) -> ProcessedObject | None: ...

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
        """Atomically store the result and the object's processed marker.

        False (and nothing written) when the object version was already processed or the key
        is no longer the slot's live ticket.
        """
        ...

    def record_rejected_object(self, rejected: RejectedObject) -> bool:
        """Store the processed marker of an object that belongs to no slot; False if seen."""
        ...

    def set_status(self, registration_id: str, status: RegistrationStatus) -> bool:
        """Move a registration that is still in flight (not decided, not failed)."""
        ...

    def save_decision(
        self,
        registration_id: str,
        decision: DecisionRecord,
        status: RegistrationStatus,
        *,
        audit: AuditEntry | None = None,
        review: ReviewItem | None = None,
    ) -> bool:
        """Store a system decision once per ``decision.fingerprint``; False if already made
        or if the documents changed since (the fingerprint no longer matches).

        ``audit`` and ``review`` are written in the same atomic step: whoever sees the new
        status also finds its audit entry and review item.
        """
        ...

    def mark_failed(
        self, registration_id: str, kind: DocumentKind | None, reason: str, at: str
    ) -> None: ...

    def imei_holders(self, imei: str) -> list[tuple[str, str]]:
        """(registration_id, subscriber_id) of every registration declaring this IMEI."""
        ...

    def get_profile(self, subscriber_id: str) -> SubscriberProfile | None: ...

    def save_profile(self, profile: SubscriberProfile) -> None: ...

    # --- review queue and audit trail ---
    def enqueue_review(self, item: ReviewItem) -> None: ...

    def review_queue(self, limit: int) -> list[ReviewItem]:
        """Open items, oldest first."""
        ...

    def get_review(self, registration_id: str) -> ReviewItem | None: ...

    def claim(self, registration_id: str, reviewer: str, now: str, until: str) -> ReviewItem:
        """Take or extend the lease; ``Conflict`` if another reviewer holds a live one."""
        ...

    def release(self, registration_id: str, reviewer: str, now: str) -> None: ...

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
        """Apply a reviewer decision atomically; ``Conflict`` unless ``reviewer`` holds a
        live lease."""
        ...

    def append_audit(self, entry: AuditEntry) -> None: ...

    def audit_trail(self, registration_id: str) -> list[AuditEntry]: ...


@dataclass(frozen=True, slots=True)
class PresignedUpload:
    url: str
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class StoredObject:
    size: int
    content_type: str | None
    version_id: str | None = None


class DocumentStore(Protocol):
    """The uploads bucket."""

    bucket: str

    def presigned_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload: ...

    def head(self, key: str, version_id: str | None) -> StoredObject | None: ...

    def read(self, key: str, version_id: str | None) -> bytes: ...

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def presigned_view(self, key: str, expires_in: int) -> str: ...

    def mark_abandoned(self, key: str, version_id: str | None) -> None:
        """Tag an object no slot will ever use, so the bucket's lifecycle rule expires it."""
        ...


class DecisionQueue(Protocol):
    def request_decision(self, registration_id: str) -> None: ...


Inspector = Callable[[DocumentKind, bytes, str | None, str | None], InspectionResult]
"""(kind, data, filename, content_type) -> InspectionResult; never raises for bad input."""

LocationStripper = Callable[[bytes], bytes]
"""Returns the same image without GPS/location metadata (for the reviewer console)."""

Clock = Callable[[], datetime]
