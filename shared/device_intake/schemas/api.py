"""HTTP API bodies (``docs/api.md``): request models validated by Powertools, response models.

Separate from the app records on purpose: the API shape is a public contract with the web
pages, the records are our storage model; ``adapters.http_api`` maps between them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from device_intake.app.records import DecisionValue, DocumentStatus, RegistrationStatus
from device_intake.domain.documents import DocumentKind
from device_intake.domain.imei import classify_identifier
from device_intake.domain.plans import Category

ReviewerDecisionValue = Literal["APPROVED", "REJECTED", "NEEDS_RESUBMISSION"]
ContentType = Literal[
    "image/jpeg", "image/png", "image/heic", "image/heif", "image/webp", "application/pdf"
]

_MOBILE = re.compile(r"^0[789]0\d{8}$")


def _japanese_mobile(value: str) -> str:
    """070/080/090 + 8 digits (the number must receive SMS); hyphens and spaces allowed."""
    digits = re.sub(r"[\s\-‐－]", "", value)
    if not _MOBILE.match(digits):
        raise ValueError("must be a Japanese mobile number: 070/080/090 followed by 8 digits")
    return digits


MobilePhone = Annotated[str, AfterValidator(_japanese_mobile)]


class DeclaredFacts(BaseModel):
    """Plan-specific facts (mobile-anshin-value); all optional for other plans."""

    model_config = ConfigDict(extra="forbid")

    carrier: str | None = Field(None, max_length=40)
    contract_type: Literal["new", "model_change", "mnp"] | None = None
    carrier_guarantee: bool | None = None
    sold_by_operator: bool | None = None


class RegistrationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    maker: str = Field(min_length=1, max_length=80)
    model: str = Field(min_length=1, max_length=120)
    model_id: str | None = Field(None, max_length=120)
    model_free_text: str | None = Field(None, max_length=200)
    imei: str | None = Field(None, max_length=40)
    serial: str | None = Field(None, max_length=40)
    purchased_after_enrollment: bool
    release_over_5_years: bool
    declared: DeclaredFacts = Field(default_factory=DeclaredFacts)

    @model_validator(mode="after")
    def _identifier(self) -> RegistrationRequest:
        if not (self.imei or self.serial):
            raise ValueError("imei or serial is required")
        if self.imei:
            ident = classify_identifier(self.imei)
            if ident is None or ident.imei is None:
                raise ValueError("imei must be 15 digits with a valid check digit (or an IMEISV)")
            self.imei = ident.imei
        return self


class PhoneUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: MobilePhone


class PhoneView(BaseModel):
    phone: str


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: ContentType
    filename: str | None = Field(None, max_length=255)


class UploadTicket(BaseModel):
    url: str
    fields: dict[str, str]
    key: str
    max_bytes: int
    content_types: list[str]
    expires_at: str


class Message(BaseModel):
    code: str
    title: str
    action: str


class DeviceView(BaseModel):
    category: str
    maker: str
    model: str
    model_id: str | None
    imei_masked: str | None
    serial: str | None
    imei: str | None = None  # reviewer view only


class DocumentView(BaseModel):
    kind: DocumentKind
    status: DocumentStatus
    flags: list[str] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    uploaded_at: str | None = None
    version: int = 0
    # reviewer view only
    image_url: str | None = None
    fields: dict[str, object] | None = None
    boxes: list[dict[str, object]] | None = None
    image_size: tuple[int, int] | None = None


class DecisionView(BaseModel):
    decision: DecisionValue
    reasons: list[Message]
    coverage_starts_on: date | None
    decided_at: str
    by: Literal["system", "reviewer"]


class AuditView(BaseModel):
    at: str
    actor: str
    action: str
    before: object | None = None
    after: object | None = None
    note: str | None = None


class RegistrationView(BaseModel):
    id: str
    status: RegistrationStatus
    created_at: str
    updated_at: str
    device: DeviceView
    required_documents: list[DocumentKind]
    optional_documents: list[DocumentKind]
    documents: list[DocumentView]
    decision: DecisionView | None
    uploads: dict[str, UploadTicket] | None = None
    # reviewer view only
    subscriber_id: str | None = None
    plan: str | None = None
    enrolled_on: date | None = None
    purchased_after_enrollment: bool | None = None
    release_over_5_years: bool | None = None
    declared: dict[str, object] | None = None
    audit: list[AuditView] | None = None


class RegistrationSummary(BaseModel):
    id: str
    status: RegistrationStatus
    created_at: str
    updated_at: str
    device: DeviceView
    decision: DecisionView | None


class RegistrationList(BaseModel):
    items: list[RegistrationSummary]


class DocumentRowView(BaseModel):
    purchased_after_enrollment: bool | None
    release_over_years: bool | None
    alternatives: list[list[DocumentKind]]


class MeView(BaseModel):
    subscriber_id: str
    plan: str
    plan_name: str
    enrolled_on: date
    phone: str | None
    categories: list[str] = Field(default_factory=list)
    document_rows: list[DocumentRowView] = Field(default_factory=list)


class CatalogModelView(BaseModel):
    id: str
    maker: str
    name: str
    category: str
    released_on: date | None


class CatalogView(BaseModel):
    makers: list[str]
    models: list[CatalogModelView]


class ReviewQueueEntry(BaseModel):
    registration_id: str
    plan: str
    status: RegistrationStatus
    reasons: list[str]
    flags: list[str]
    queued_at: str
    age_seconds: int
    claimed_by: str | None
    lease_expires_at: str | None
    sample: bool


class ReviewQueueView(BaseModel):
    items: list[ReviewQueueEntry]


class LeaseView(BaseModel):
    lease_expires_at: str


class ReviewerDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: ReviewerDecisionValue
    reasons: list[str] = Field(default_factory=list)
    note: str | None = Field(None, max_length=2000)
    field_edits: dict[DocumentKind, dict[str, str | None]] = Field(default_factory=dict)


class ReviewerLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str
