"""Reviewer use cases: the queue, leases, decisions with an audit trail.

A lease (default 15 min) keeps two reviewers from deciding the same registration; the holder
re-claiming extends it. Every reviewer action appends an audit entry (who, what, when,
before → after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from device_intake.app.errors import Conflict, InvalidInput, NotFound
from device_intake.app.ports import RegistrationRepository
from device_intake.app.records import (
    AuditEntry,
    DecisionRecord,
    Registration,
    ReviewItem,
    iso,
    parse_iso,
)
from device_intake.domain.documents import DocumentKind
from device_intake.domain.reasons import ReasonCode


@dataclass(frozen=True, slots=True)
class QueueFilter:
    plan: str | None = None
    reason: str | None = None
    flag: str | None = None
    limit: int = 50


def review_queue(
    query: QueueFilter, *, repo: RegistrationRepository
) -> list[ReviewItem]:
    """Open review items, oldest first, filtered by plan / reason / flag."""
    # Filters are applied after the (oldest-first) GSI read: the open queue is small, and a
    # GSI per filter would cost more than it saves.
    items = repo.review_queue(limit=max(query.limit * 4, 200))
    picked = [
        item
        for item in items
        if (query.plan is None or item.plan == query.plan)
        and (query.reason is None or query.reason in item.reasons)
        and (query.flag is None or query.flag in item.flags)
    ]
    return picked[: query.limit]


def claim(
    registration_id: str,
    reviewer: str,
    *,
    repo: RegistrationRepository,
    now: datetime,
    lease_seconds: int,
) -> ReviewItem:
    if repo.get_review(registration_id) is None:
        raise NotFound("no review item for this registration")
    item = repo.claim(
        registration_id, reviewer, iso(now), iso(now + timedelta(seconds=lease_seconds))
    )
    repo.append_audit(
        AuditEntry(
            registration_id=registration_id,
            at=iso(now),
            actor=reviewer,
            action="claim",
            after={"lease_expires_at": item.lease_expires_at},
        )
    )
    return item


def release(
    registration_id: str, reviewer: str, *, repo: RegistrationRepository, now: datetime
) -> None:
    if repo.get_review(registration_id) is None:
        raise NotFound("no review item for this registration")
    repo.release(registration_id, reviewer, iso(now))
    repo.append_audit(
        AuditEntry(registration_id=registration_id, at=iso(now), actor=reviewer, action="release")
    )


def holds_live_lease(item: ReviewItem, reviewer: str, now: datetime) -> bool:
    return (
        item.claimed_by == reviewer
        and item.lease_expires_at is not None
        and parse_iso(item.lease_expires_at) > now
    )


def decide(
    registration_id: str,
    reviewer: str,
    *,
    decision: str,
    reasons: list[str],
    note: str | None,
    field_edits: dict[DocumentKind, dict[str, str | None]],
    repo: RegistrationRepository,
    now: datetime,
) -> Registration:
    """Record a reviewer's decision; ``Conflict`` unless the reviewer holds the lease."""
    registration = repo.get(registration_id)
    item = repo.get_review(registration_id)
    if registration is None or item is None:
        raise NotFound("no review item for this registration")
    if not holds_live_lease(item, reviewer, now):
        raise Conflict("claim the item before deciding it")
    unknown = [r for r in reasons if r not in ReasonCode.__members__]
    if unknown:
        raise InvalidInput(f"unknown reason codes: {', '.join(unknown)}")
    if decision == "NEEDS_RESUBMISSION" and not reasons:
        raise InvalidInput("a resubmission request needs at least one reason")
    for kind in field_edits:
        if kind not in registration.documents:
            raise InvalidInput(f"registration has no {kind.value} document")
    previous = registration.decision
    record = DecisionRecord(
        decision=decision,
        reasons=reasons,
        coverage_starts_on=_coverage_start(registration, now) if decision == "APPROVED" else None,
        decided_at=iso(now),
        by="reviewer",
        fingerprint=registration.fingerprint(),
        reviewer=reviewer,
        note=note,
    )
    audit = AuditEntry(
        registration_id=registration_id,
        at=iso(now),
        actor=reviewer,
        action="decide",
        before={
            "status": registration.status,
            "decision": previous.decision if previous else None,
            "reasons": previous.reasons if previous else [],
        },
        after={
            "status": decision,
            "decision": decision,
            "reasons": reasons,
            "field_edits": {k.value: v for k, v in field_edits.items()},
        },
        note=note,
    )
    repo.complete_review(
        registration_id, reviewer, iso(now), record, decision, field_edits, audit  # type: ignore[arg-type]
    )
    fresh = repo.get(registration_id)
    assert fresh is not None
    return fresh


def _coverage_start(registration: Registration, now: datetime) -> date | None:
    """A reviewer approval starts cover by the plan's rule, with today as approval date."""
    from device_intake.domain.plans import load_plan

    submitted_on = max(parse_iso(registration.created_at).date(), registration.enrolled_on)
    plan = load_plan(registration.plan, on=submitted_on)
    return plan.coverage_starts_on(registration.enrolled_on, approved_on=now.date())
