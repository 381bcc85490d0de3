"""The HTTP API (docs/api.md) as a Powertools resolver: routes validate bodies with the
pydantic models of ``schemas.api``, call one use case each and map records to views.

``functions/api/app.py`` hands it a cached ``deps()``; the local stack runs the very same
resolver behind a small stdlib HTTP server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query

from device_intake.adapters.tokens import (
    Reviewer,
    ReviewerTokenVerifier,
    SubscriberTokenVerifier,
    bearer,
)
from device_intake.app import registrations as reg_uc
from device_intake.app import review as review_uc
from device_intake.app.errors import AppError, Forbidden
from device_intake.app.ports import DocumentStore, RegistrationRepository
from device_intake.app.records import DecisionRecord, DocumentSlot, Registration, ReviewItem
from device_intake.app.records import parse_iso as _parse_iso
from device_intake.app.registrations import Subscriber, Ticket
from device_intake.domain.documents import DocumentKind
from device_intake.domain.imei import mask
from device_intake.schemas import api as s

_STATUS = {"VALIDATION_ERROR": 422, "UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
           "CONFLICT": 409}
_JA = {
    "VALIDATION_ERROR": "入力内容を確認してください。",
    "UNAUTHORIZED": "ログインの有効期限が切れました。マイページから開き直してください。",
    "FORBIDDEN": "この操作は許可されていません。",
    "NOT_FOUND": "お探しの端末登録が見つかりません。",
    "CONFLICT": "ほかの操作と重なりました。もう一度お試しください。",
}


@dataclass(frozen=True, slots=True)
class ApiDeps:
    repo: RegistrationRepository
    store: DocumentStore
    subscribers: SubscriberTokenVerifier
    reviewers: ReviewerTokenVerifier
    upload_policy: reg_uc.UploadPolicy
    review_lease_seconds: int
    image_url_ttl_seconds: int
    clock: Callable[[], datetime]


def _message(code: str) -> s.Message:
    from device_intake.domain.reasons import describe

    try:
        text = describe(code)
        return s.Message(code=code, title=text.title_ja, action=text.action_ja)
    except (KeyError, ValueError):
        return s.Message(code=code, title=code, action="")


def _device(reg: Registration, *, full: bool) -> s.DeviceView:
    d = reg.device
    return s.DeviceView(
        category=d.category, maker=d.maker, model=d.model, model_id=d.model_id,
        imei_masked=mask(d.imei) if d.imei else None, serial=d.serial,
        imei=d.imei if full else None,
    )


def _decision(decision: DecisionRecord | None) -> s.DecisionView | None:
    if decision is None:
        return None
    return s.DecisionView(
        decision=decision.decision,
        reasons=[_message(code) for code in decision.reasons],
        coverage_starts_on=decision.coverage_starts_on,
        decided_at=decision.decided_at,
        by=decision.by,
    )


def _document(slot: DocumentSlot, *, reviewer: bool, deps: ApiDeps | None) -> s.DocumentView:
    view = s.DocumentView(
        kind=slot.kind, status=slot.status, flags=list(slot.flags),
        messages=[_message(f) for f in slot.flags], uploaded_at=slot.uploaded_at,
        version=slot.version,
    )
    if reviewer and deps is not None:
        inspection = slot.inspection
        fields = inspection.fields.model_dump(mode="json") if inspection else {}
        view.fields = {**fields, **slot.field_edits}
        view.boxes = [b.model_dump(mode="json") for b in inspection.boxes] if inspection else []
        view.image_size = inspection.image_size if inspection else None
        if slot.clean_key:
            view.image_url = deps.store.presigned_view(slot.clean_key, deps.image_url_ttl_seconds)
    return view


def registration_view(
    reg: Registration, *, tickets: dict[DocumentKind, Ticket] | None = None,
    reviewer_deps: ApiDeps | None = None,
) -> s.RegistrationView:
    reviewer = reviewer_deps is not None
    view = s.RegistrationView(
        id=reg.id, status=reg.status, created_at=reg.created_at, updated_at=reg.updated_at,
        device=_device(reg, full=reviewer), required_documents=reg.required,
        optional_documents=reg.optional,
        documents=[_document(slot, reviewer=reviewer, deps=reviewer_deps)
                   for slot in reg.documents.values()],
        decision=_decision(reg.decision),
    )
    if tickets is not None:
        view.uploads = {kind.value: _ticket(t) for kind, t in tickets.items()}
    if reviewer_deps is not None:
        view.subscriber_id = reg.subscriber_id
        view.plan = reg.plan
        view.enrolled_on = reg.enrolled_on
        view.purchased_after_enrollment = reg.purchased_after_enrollment
        view.release_over_5_years = reg.release_over_5_years
        view.declared = dict(reg.declared)
        view.audit = [
            s.AuditView(at=e.at, actor=e.actor, action=e.action, before=e.before, after=e.after,
                        note=e.note)
            for e in reviewer_deps.repo.audit_trail(reg.id)
        ]
    return view


def _ticket(t: Ticket) -> s.UploadTicket:
    return s.UploadTicket(url=t.url, fields=t.fields, key=t.key, max_bytes=t.max_bytes,
                          content_types=list(t.content_types), expires_at=t.expires_at)


def _queue_entry(item: ReviewItem, now: datetime) -> s.ReviewQueueEntry:
    if item.lease_expires_at is not None and _parse_iso(item.lease_expires_at) <= now:
        # An expired lease is free for anyone: do not show a stale holder.
        item = item.model_copy(update={"claimed_by": None, "lease_expires_at": None})
    return s.ReviewQueueEntry(
        registration_id=item.registration_id, plan=item.plan, status=item.status,
        reasons=item.reasons, flags=item.flags, queued_at=item.queued_at,
        age_seconds=max(0, int((now - _parse_iso(item.queued_at)).total_seconds())),
        claimed_by=item.claimed_by, lease_expires_at=item.lease_expires_at, sample=item.sample,
    )


def _error(code: str, message: str) -> Response[str]:
    return Response(
        status_code=_STATUS.get(code, 400),
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False),
    )


def build_resolver(deps: Callable[[], ApiDeps]) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)

    def subscriber() -> Subscriber:
        who = deps().subscribers.verify(bearer(app.current_event.headers or {}))
        from device_intake.domain.plans import UnknownPlanError, load_plan

        try:
            load_plan(who.plan, on=deps().clock().date())
        except UnknownPlanError as exc:
            raise Forbidden("this contract's plan is not covered by device registration") from exc
        return who

    def reviewer() -> Reviewer:
        return deps().reviewers.verify(bearer(app.current_event.headers or {}))

    def is_reviewer_route() -> bool:
        return app.current_event.path.startswith("/api/review")

    @app.exception_handler(AppError)
    def _app_error(exc: AppError) -> Response[str]:
        if is_reviewer_route():
            return _error(exc.code, exc.message)
        return _error(exc.code, _JA.get(exc.code, exc.message))

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        # Which fields failed, never the submitted values (they may hold an IMEI).
        where = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        detail = ", ".join(w for w in where if w) or "body"
        if is_reviewer_route():
            return _error("VALIDATION_ERROR", f"invalid: {detail}")
        return _error("VALIDATION_ERROR", f"{_JA['VALIDATION_ERROR']} ({detail})")

    @app.not_found
    def _no_route(exc: Exception) -> Response[str]:
        return _error("NOT_FOUND", "no such route" if is_reviewer_route() else _JA["NOT_FOUND"])

    @app.get("/api/openapi.json")
    def openapi() -> Response[str]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                        body=app.get_openapi_json_schema(title="device-intake", version="1"))

    # ---------------------------------------------------------------- subscriber
    @app.get("/api/catalog/models")
    def catalog(
        category: Annotated[s.Category, Query()],
        maker: Annotated[str | None, Query()] = None,
        q: Annotated[str | None, Query(max_length=80)] = None,
    ) -> s.CatalogView:
        subscriber()
        from device_intake.domain.catalog import ModelCatalog

        catalog = ModelCatalog.load()
        models = catalog.list(category=category, maker=maker)
        if q:
            needle = q.casefold()
            models = [m for m in models
                      if needle in m.name.casefold()
                      or any(needle in a.casefold() for a in (m.aliases or []))]
        return s.CatalogView(
            makers=list(catalog.makers(category)),
            models=[s.CatalogModelView(id=m.id, maker=m.maker, name=m.name, category=m.category,
                                       released_on=m.released_on) for m in models],
        )

    @app.get("/api/me")
    def me() -> s.MeView:
        who = subscriber()
        from device_intake.domain.plans import load_plan

        plan = load_plan(who.plan, on=deps().clock().date())  # the terms in force today
        return s.MeView(
            subscriber_id=who.subscriber_id, plan=who.plan,
            plan_name=plan.name_ja, enrolled_on=who.enrolled_on,
            phone=reg_uc.current_phone(who, repo=deps().repo),
            categories=[str(c) for c in plan.covered_categories],
            document_rows=[
                s.DocumentRowView(
                    purchased_after_enrollment=row.purchased_after_enrollment,
                    release_over_years=row.release_over_years,
                    alternatives=[list(alt) for alt in row.alternatives],
                )
                for row in plan.documents
            ],
        )

    @app.put("/api/me/phone")
    def put_phone(body: s.PhoneUpdate) -> s.PhoneView:
        who = subscriber()
        d = deps()
        return s.PhoneView(phone=reg_uc.update_phone(who, body.phone, repo=d.repo, now=d.clock()))

    @app.post("/api/registrations")
    def create(body: s.RegistrationRequest) -> tuple[s.RegistrationView, int]:
        who = subscriber()
        d = deps()
        reg, tickets = reg_uc.create_registration(
            who,
            reg_uc.NewRegistration(
                category=body.category, maker=body.maker, model=body.model,
                model_id=body.model_id, model_free_text=body.model_free_text, imei=body.imei,
                serial=body.serial, purchased_after_enrollment=body.purchased_after_enrollment,
                release_over_5_years=body.release_over_5_years,
                declared=body.declared.model_dump(exclude_none=True),
            ),
            repo=d.repo, store=d.store, policy=d.upload_policy, now=d.clock(),
        )
        return registration_view(reg, tickets=tickets), 201

    @app.get("/api/registrations")
    def list_mine() -> s.RegistrationList:
        who = subscriber()
        regs = reg_uc.list_registrations(who, repo=deps().repo)
        return s.RegistrationList(items=[
            s.RegistrationSummary(id=r.id, status=r.status, created_at=r.created_at,
                                  updated_at=r.updated_at, device=_device(r, full=False),
                                  decision=_decision(r.decision))
            for r in regs
        ])

    @app.get("/api/registrations/<registration_id>")
    def get_one(registration_id: str) -> s.RegistrationView:
        who = subscriber()
        return registration_view(
            reg_uc.get_own_registration(who, registration_id, repo=deps().repo)
        )

    @app.post("/api/registrations/<registration_id>/documents/<kind>/upload")
    def upload(registration_id: str, kind: DocumentKind, body: s.UploadRequest) -> s.UploadTicket:
        who = subscriber()
        d = deps()
        ticket = reg_uc.request_upload(
            who, registration_id, kind, body.content_type, repo=d.repo, store=d.store,
            policy=d.upload_policy, now=d.clock(),
        )
        return _ticket(ticket)

    # ---------------------------------------------------------------- reviewer
    @app.get("/api/review/queue")
    def queue(
        plan: Annotated[str | None, Query()] = None,
        reason: Annotated[str | None, Query()] = None,
        flag: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> s.ReviewQueueView:
        reviewer()
        d = deps()
        items = review_uc.review_queue(
            review_uc.QueueFilter(plan=plan, reason=reason, flag=flag, limit=limit), repo=d.repo
        )
        now = d.clock()
        return s.ReviewQueueView(items=[_queue_entry(i, now) for i in items])

    @app.post("/api/review/items/<registration_id>/claim")
    def claim(registration_id: str) -> s.LeaseView:
        who = reviewer()
        d = deps()
        item = review_uc.claim(registration_id, who.username, repo=d.repo, now=d.clock(),
                               lease_seconds=d.review_lease_seconds)
        return s.LeaseView(lease_expires_at=item.lease_expires_at or "")

    @app.post("/api/review/items/<registration_id>/release")
    def release(registration_id: str) -> Response[str]:
        who = reviewer()
        d = deps()
        review_uc.release(registration_id, who.username, repo=d.repo, now=d.clock())
        return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body="")

    @app.get("/api/review/registrations/<registration_id>")
    def review_registration(registration_id: str) -> s.RegistrationView:
        reviewer()
        d = deps()
        reg = d.repo.get(registration_id)
        if reg is None:
            raise review_uc.NotFound("registration not found")
        return registration_view(reg, reviewer_deps=d)

    @app.post("/api/review/items/<registration_id>/decision")
    def decide(registration_id: str, body: s.ReviewerDecisionRequest) -> s.RegistrationView:
        who = reviewer()
        d = deps()
        reg = review_uc.decide(
            registration_id, who.username, decision=body.decision, reasons=body.reasons,
            note=body.note, field_edits=dict(body.field_edits), repo=d.repo, now=d.clock(),
        )
        return registration_view(reg, reviewer_deps=d)

    return app


def handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
