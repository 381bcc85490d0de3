"""Subscriber use cases: register a device, list and read registrations, upload tickets, phone.

Plan and enrollment date come from the subscriber's token (the operator's contract), never
from the form. The documents a registration needs follow ``domain.required_documents``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from device_intake.app.errors import NotFound
from device_intake.app.ports import DocumentStore, RegistrationRepository
from device_intake.app.records import (
    DeviceRecord,
    DocumentSlot,
    Registration,
    SubscriberProfile,
    iso,
    new_id,
)
from device_intake.domain.documents import DocumentKind

CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/heic",
    "image/heif",
    "image/webp",
    "application/pdf",
)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Who is calling, from the verified operator-issued token."""

    subscriber_id: str
    plan: str
    enrolled_on: date
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class NewRegistration:
    category: str
    maker: str
    model: str
    imei: str | None
    serial: str | None
    purchased_after_enrollment: bool
    release_over_5_years: bool
    model_id: str | None = None
    model_free_text: str | None = None
    declared: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ticket:
    url: str
    fields: dict[str, str]
    key: str
    max_bytes: int
    content_types: tuple[str, ...]
    expires_at: str


@dataclass(frozen=True, slots=True)
class UploadPolicy:
    max_bytes: int
    expires_in: int


def upload_key(registration_id: str, kind: DocumentKind) -> str:
    """Every upload of a slot lives under ``uploads/<registration>/<kind>/``."""
    return f"uploads/{registration_id}/{kind.value}/{uuid.uuid4().hex}"


def documents_for(
    plan_id: str, submitted_on: date, purchased_after_enrollment: bool, release_over_5_years: bool
) -> tuple[list[DocumentKind], list[DocumentKind], list[list[DocumentKind]]]:
    """(required, optional, alternatives) for a registration: the plan's documents row, in
    the plan version in force on the submission day."""
    from device_intake.domain.plans import load_plan
    from device_intake.domain.requirements import document_requirement

    row = document_requirement(
        load_plan(plan_id, on=submitted_on), purchased_after_enrollment, release_over_5_years
    )
    order = list(DocumentKind)
    alternatives = [sorted(alt, key=order.index) for alt in row.alternatives]
    return row.required, row.optional, alternatives


def _issue_ticket(
    store: DocumentStore,
    repo: RegistrationRepository,
    registration_id: str,
    kind: DocumentKind,
    content_type: str,
    policy: UploadPolicy,
    now: datetime,
) -> Ticket:
    key = upload_key(registration_id, kind)
    repo.start_upload(registration_id, kind, key, iso(now))
    signed = store.presigned_upload(
        key, content_type=content_type, max_bytes=policy.max_bytes, expires_in=policy.expires_in
    )
    return Ticket(
        url=signed.url,
        fields=signed.fields,
        key=key,
        max_bytes=policy.max_bytes,
        content_types=CONTENT_TYPES,
        expires_at=iso(now + timedelta(seconds=policy.expires_in)),
    )


def create_registration(
    subscriber: Subscriber,
    request: NewRegistration,
    *,
    repo: RegistrationRepository,
    store: DocumentStore,
    policy: UploadPolicy,
    now: datetime,
) -> tuple[Registration, dict[DocumentKind, Ticket]]:
    """Store a new registration with one empty slot per document and a ticket for each."""
    required, optional, alternatives = documents_for(
        subscriber.plan,
        now.date(),
        request.purchased_after_enrollment,
        request.release_over_5_years,
    )
    stamp = iso(now)
    profile = repo.get_profile(subscriber.subscriber_id)
    registration = Registration(
        id=new_id(),
        subscriber_id=subscriber.subscriber_id,
        plan=subscriber.plan,
        enrolled_on=subscriber.enrolled_on,
        phone=(profile.phone if profile and profile.phone else subscriber.phone),
        created_at=stamp,
        updated_at=stamp,
        device=DeviceRecord(
            category=request.category,
            maker=request.maker,
            model=request.model,
            model_id=request.model_id,
            model_free_text=request.model_free_text,
            imei=request.imei,
            serial=request.serial,
        ),
        purchased_after_enrollment=request.purchased_after_enrollment,
        release_over_5_years=request.release_over_5_years,
        declared=dict(request.declared),
        required=required,
        optional=optional,
        alternatives=alternatives,
        documents={kind: DocumentSlot(kind=kind) for kind in [*required, *optional]},
    )
    repo.add(registration)
    tickets = {
        kind: _issue_ticket(store, repo, registration.id, kind, "image/jpeg", policy, now)
        for kind in registration.documents
    }
    fresh = repo.get(registration.id)
    assert fresh is not None  # just written
    return fresh, tickets


def get_own_registration(
    subscriber: Subscriber, registration_id: str, *, repo: RegistrationRepository
) -> Registration:
    """A subscriber sees only their own registrations: anyone else's is NOT_FOUND, not 403."""
    registration = repo.get(registration_id)
    if registration is None or registration.subscriber_id != subscriber.subscriber_id:
        raise NotFound("registration not found")
    return registration


def list_registrations(
    subscriber: Subscriber, *, repo: RegistrationRepository
) -> list[Registration]:
    return repo.list_for_subscriber(subscriber.subscriber_id)


def request_upload(
    subscriber: Subscriber,
    registration_id: str,
    kind: DocumentKind,
    content_type: str,
    *,
    repo: RegistrationRepository,
    store: DocumentStore,
    policy: UploadPolicy,
    now: datetime,
) -> Ticket:
    """A ticket for the first upload or a resubmission of one slot (resets that slot)."""
    registration = get_own_registration(subscriber, registration_id, repo=repo)
    if kind not in registration.documents:
        raise NotFound("this registration has no such document")
    return _issue_ticket(store, repo, registration_id, kind, content_type, policy, now)


def current_phone(subscriber: Subscriber, *, repo: RegistrationRepository) -> str | None:
    profile = repo.get_profile(subscriber.subscriber_id)
    return profile.phone if profile and profile.phone else subscriber.phone


def update_phone(
    subscriber: Subscriber, phone: str, *, repo: RegistrationRepository, now: datetime
) -> str:
    repo.save_profile(
        SubscriberProfile(subscriber_id=subscriber.subscriber_id, phone=phone, updated_at=iso(now))
    )
    return phone
