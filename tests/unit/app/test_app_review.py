"""Reviewer use cases with in-memory fakes: leases, decisions, validation, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from device_intake.app import review
from device_intake.app.errors import Conflict, InvalidInput, NotFound
from device_intake.app.records import (
    DecisionRecord,
    DeviceRecord,
    DocumentSlot,
    Registration,
    ReviewItem,
    iso,
    new_id,
)
from device_intake.domain.documents import DocumentKind

from tests.fakes.repository import InMemoryRegistrationRepository

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)


def _queued() -> tuple[InMemoryRegistrationRepository, str]:
    repo = InMemoryRegistrationRepository()
    reg = Registration(
        id=new_id(), subscriber_id="s", plan="keitai-support-plus", enrolled_on=date(2025, 4, 1),
        created_at=iso(NOW), updated_at=iso(NOW),
        device=DeviceRecord(category="smartphone", maker="Apple", model="iPhone 15"),
        purchased_after_enrollment=False, release_over_5_years=False,
        required=[DocumentKind.FRONT], optional=[],
        documents={DocumentKind.FRONT: DocumentSlot(kind=DocumentKind.FRONT)},
    )
    repo.add(reg)
    assert repo.save_decision(
        reg.id, DecisionRecord(decision="NEEDS_REVIEW", reasons=["BLURRY"], decided_at=iso(NOW),
                               fingerprint=reg.fingerprint()), "NEEDS_REVIEW")
    repo.enqueue_review(ReviewItem(registration_id=reg.id, plan=reg.plan,
                                   status="NEEDS_REVIEW", reasons=["BLURRY"],
                                   flags=["BLURRY"], queued_at=iso(NOW)))
    return repo, reg.id


def _decide(repo: InMemoryRegistrationRepository, rid: str, who: str, now: datetime,
            decision: str = "APPROVED", reasons: list[str] | None = None) -> Registration:
    return review.decide(rid, who, decision=decision, reasons=reasons or [], note=None,
                         field_edits={}, repo=repo, now=now)


def test_approval_by_the_lease_holder_starts_cover_by_the_plan_rule() -> None:
    repo, rid = _queued()
    review.claim(rid, "r1", repo=repo, now=NOW, lease_seconds=900)
    done = _decide(repo, rid, "r1", NOW)
    assert done.status == "APPROVED" and done.decision.by == "reviewer"
    assert done.decision.coverage_starts_on == date(2025, 4, 2)  # keitai: day after enrollment
    actions = [e.action for e in repo.audit_trail(rid)]
    assert actions == ["claim", "decide"]


def test_deciding_without_a_live_lease_is_a_conflict() -> None:
    repo, rid = _queued()
    with pytest.raises(Conflict):
        _decide(repo, rid, "r1", NOW)
    review.claim(rid, "r1", repo=repo, now=NOW, lease_seconds=900)
    with pytest.raises(Conflict):
        _decide(repo, rid, "r1", NOW + timedelta(minutes=16))


def test_unknown_reason_codes_and_reasonless_resubmissions_are_refused() -> None:
    repo, rid = _queued()
    review.claim(rid, "r1", repo=repo, now=NOW, lease_seconds=900)
    with pytest.raises(InvalidInput):
        _decide(repo, rid, "r1", NOW, "REJECTED", ["NOT_A_CODE"])
    with pytest.raises(InvalidInput):
        _decide(repo, rid, "r1", NOW, "NEEDS_RESUBMISSION", [])


def test_queue_filters_by_reason_and_plan() -> None:
    repo, rid = _queued()
    assert [i.registration_id for i in review.review_queue(
        review.QueueFilter(reason="BLURRY"), repo=repo)] == [rid]
    assert review.review_queue(review.QueueFilter(plan="smart-care-m"), repo=repo) == []


def test_claiming_an_unknown_item_is_not_found() -> None:
    repo, _ = _queued()
    with pytest.raises(NotFound):
        review.claim(new_id(), "r1", repo=repo, now=NOW, lease_seconds=900)


def test_an_expired_lease_shows_as_unclaimed_in_the_queue() -> None:
    from device_intake.adapters.http_api import _queue_entry

    repo, rid = _queued()
    item = review.claim(rid, "r1", repo=repo, now=NOW, lease_seconds=900)
    assert _queue_entry(item, NOW).claimed_by == "r1"
    later = _queue_entry(item, NOW + timedelta(minutes=16))
    assert later.claimed_by is None and later.lease_expires_at is None
