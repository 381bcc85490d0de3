"""What the pipeline stores about a registration (the app's records, not the API shape).

The repository port (``app.ports``) loads and saves these; ``adapters.dynamodb`` maps them
to items and ``tests/fakes`` keeps them in memory.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from device_intake.domain.documents import DocumentKind, InspectionResult

RegistrationStatus = Literal[
    "AWAITING_UPLOADS",
    "INSPECTING",
    "DECIDING",
    "APPROVED",
    "NEEDS_RESUBMISSION",
    "NEEDS_REVIEW",
    "REJECTED",
    "FAILED",
]
DocumentStatus = Literal["AWAITING_UPLOAD", "UPLOADED", "INSPECTING", "INSPECTED", "REJECTED_FILE"]
DecisionValue = Literal["APPROVED", "NEEDS_RESUBMISSION", "NEEDS_REVIEW", "REJECTED"]

# A registration in one of these can still move on by itself (the pipeline owns it).
IN_FLIGHT: frozenset[str] = frozenset({"AWAITING_UPLOADS", "INSPECTING", "DECIDING"})
TERMINAL_DOCUMENT: frozenset[str] = frozenset({"INSPECTED", "REJECTED_FILE"})

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A ULID (48-bit milliseconds + 80 random bits, Crockford base32): sortable by creation."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class DeviceRecord(BaseModel):
    category: str
    maker: str
    model: str
    model_id: str | None = None
    model_free_text: str | None = None
    imei: str | None = None
    serial: str | None = None
    released_on: date | None = None


class DocumentSlot(BaseModel):
    """One required/optional document of a registration and its latest upload."""

    kind: DocumentKind
    status: DocumentStatus = "AWAITING_UPLOAD"
    version: int = 0  # upload tickets issued so far; a resubmission bumps it
    expected_key: str | None = None  # the key of the live ticket: anything else is stale
    object_key: str | None = None
    object_version: str | None = None
    uploaded_at: str | None = None
    inspected_at: str | None = None
    flags: list[str] = Field(default_factory=list)
    inspection: InspectionResult | None = None
    clean_key: str | None = None  # GPS-stripped copy for the reviewer console
    field_edits: dict[str, str | None] = Field(default_factory=dict)


class DecisionRecord(BaseModel):
    decision: DecisionValue
    reasons: list[str]
    coverage_starts_on: date | None = None
    decided_at: str
    by: Literal["system", "reviewer"] = "system"
    fingerprint: str = ""
    reviewer: str | None = None
    note: str | None = None


class Registration(BaseModel):
    id: str
    subscriber_id: str
    plan: str
    enrolled_on: date
    phone: str | None = None
    status: RegistrationStatus = "AWAITING_UPLOADS"
    created_at: str
    updated_at: str
    device: DeviceRecord
    purchased_after_enrollment: bool
    release_over_5_years: bool
    declared: dict[str, Any] = Field(default_factory=dict)
    required: list[DocumentKind]
    optional: list[DocumentKind]
    # The plan's documents row: any ONE complete alternative is enough (seed 000: proof, or
    # front + back when there is none). Empty means "all of ``required``".
    alternatives: list[list[DocumentKind]] = Field(default_factory=list)
    documents: dict[DocumentKind, DocumentSlot] = Field(default_factory=dict)
    decision: DecisionRecord | None = None
    failure: str | None = None  # reason code when status is FAILED

    def slot(self, kind: DocumentKind) -> DocumentSlot | None:
        return self.documents.get(kind)

    def ready_for_decision(self) -> bool:
        """One alternative of the documents row is complete and nothing is mid-inspection."""
        if any(s.status in ("UPLOADED", "INSPECTING") for s in self.documents.values()):
            return False
        done = {k for k, s in self.documents.items() if s.status in TERMINAL_DOCUMENT}
        alternatives = self.alternatives or [self.required]
        return any(set(alt) <= done for alt in alternatives)

    def fingerprint(self) -> str:
        """Identifies the set of document versions a decision is made on (one decision each)."""
        parts = [
            f"{kind.value}:{slot.version}:{slot.status}"
            for kind, slot in sorted(self.documents.items())
            if slot.status in TERMINAL_DOCUMENT
        ]
        return "|".join(parts) or "none"


class ReviewItem(BaseModel):
    registration_id: str
    plan: str
    status: RegistrationStatus
    reasons: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    queued_at: str
    claimed_by: str | None = None
    lease_expires_at: str | None = None
    sample: bool = False
    open: bool = True


class AuditEntry(BaseModel):
    registration_id: str
    at: str
    actor: str
    action: str
    before: Any = None
    after: Any = None
    note: str | None = None


class RejectedObject(BaseModel):
    """An upload that broke the upload policy and belongs to no document slot."""

    bucket: str
    key: str
    version_id: str | None
    reason: str
    at: str


class SubscriberProfile(BaseModel):
    subscriber_id: str
    phone: str | None = None
    updated_at: str | None = None
