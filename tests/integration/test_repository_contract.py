"""One contract, two implementations: the in-memory fake and the DynamoDB adapter (moto
server over HTTP, table created from template.yaml) must behave the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from device_intake.app.errors import Conflict
from device_intake.app.ports import RegistrationRepository
from device_intake.app.records import (
    AuditEntry,
    DecisionRecord,
    DeviceRecord,
    DocumentSlot,
    Registration,
    RejectedObject,
    ReviewItem,
    SubscriberProfile,
    new_id,
)
from device_intake.domain.documents import DocumentKind, InspectionResult

from infra.local_stack import LocalStack
from tests.fakes.repository import InMemoryRegistrationRepository
from tests.integration.support import fresh_imei

pytestmark = pytest.mark.integration

FRONT, BACK = DocumentKind.FRONT, DocumentKind.BACK
T0, T1, T2, T3 = ("2025-04-10T00:00:00.000Z", "2025-04-10T00:05:00.000Z",
                  "2025-04-10T00:20:00.000Z", "2025-04-10T00:40:00.000Z")


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request: pytest.FixtureRequest) -> Iterator[RegistrationRepository]:
    if request.param == "memory":
        yield InMemoryRegistrationRepository()
    else:
        stack: LocalStack = request.getfixturevalue("stack")
        yield stack.repository()


def _registration(subscriber: str = "sub-1", created: str = T0, imei: str | None = None
                  ) -> Registration:
    return Registration(
        id=new_id(), subscriber_id=subscriber, plan="keitai-support-plus",
        enrolled_on=date(2025, 4, 1), created_at=created, updated_at=created,
        device=DeviceRecord(category="smartphone", maker="Apple", model="iPhone 15",
                            imei=imei or fresh_imei()),
        purchased_after_enrollment=False, release_over_5_years=False,
        required=[FRONT, BACK], optional=[DocumentKind.PROOF],
        documents={k: DocumentSlot(kind=k) for k in (FRONT, BACK, DocumentKind.PROOF)},
    )


def _decision(fp: str, decision: str = "APPROVED") -> DecisionRecord:
    return DecisionRecord(decision=decision, reasons=[], decided_at=T1,  # type: ignore[arg-type]
                          fingerprint=fp)


def _inspected(repo: RegistrationRepository, reg: Registration, kind: DocumentKind) -> str:
    key = f"uploads/{reg.id}/{kind.value}/{'a' * 32}"
    repo.start_upload(reg.id, kind, key, T0)
    assert repo.begin_inspection(reg.id, kind, key, "v1", T0)
    assert repo.record_inspection(reg.id, kind, bucket="b", key=key, version_id="v1",
                                  status="INSPECTED", flags=[],
                                  inspection=InspectionResult(kind=kind), clean_key=None, at=T1)
    return key


def test_a_stored_registration_reads_back_equal(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    assert repo.get(reg.id) == reg
    assert repo.get(new_id()) is None


def test_subscriber_list_is_newest_first(repo: RegistrationRepository) -> None:
    sub = f"sub-{new_id()}"
    older, newer = _registration(sub, T0), _registration(sub, T2)
    repo.add(older)
    repo.add(newer)
    repo.add(_registration())
    assert [r.id for r in repo.list_for_subscriber(sub)] == [newer.id, older.id]


def test_a_new_ticket_resets_the_slot_and_the_decision(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    _inspected(repo, reg, FRONT)
    _inspected(repo, reg, BACK)
    assert repo.save_decision(reg.id, _decision(repo.get(reg.id).fingerprint(),
                                                "NEEDS_RESUBMISSION"), "NEEDS_RESUBMISSION")
    slot = repo.start_upload(reg.id, FRONT, f"uploads/{reg.id}/front/{'b' * 32}", T2)
    assert slot.version == 2 and slot.status == "AWAITING_UPLOAD"
    again = repo.get(reg.id)
    assert again.status == "AWAITING_UPLOADS" and again.decision is None
    assert again.documents[BACK].status == "INSPECTED"


def test_an_object_version_is_recorded_once(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    key = _inspected(repo, reg, FRONT)
    assert not repo.record_inspection(reg.id, FRONT, bucket="b", key=key, version_id="v1",
                                      status="REJECTED_FILE", flags=["CORRUPT_FILE"],
                                      inspection=None, clean_key=None, at=T2)
    assert repo.get(reg.id).documents[FRONT].status == "INSPECTED"
    marker = repo.processed_object("b", key, "v1")
    assert marker is not None and marker.outcome == "INSPECTED"


def test_a_stale_key_neither_starts_nor_records(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    live = f"uploads/{reg.id}/front/{'c' * 32}"
    repo.start_upload(reg.id, FRONT, live, T0)
    stale = f"uploads/{reg.id}/front/{'d' * 32}"
    assert not repo.begin_inspection(reg.id, FRONT, stale, None, T0)
    assert not repo.record_inspection(reg.id, FRONT, bucket="b", key=stale, version_id=None,
                                      status="INSPECTED", flags=[], inspection=None,
                                      clean_key=None, at=T1)
    assert repo.processed_object("b", stale, None) is None


def test_a_rejected_object_is_marked_once(repo: RegistrationRepository) -> None:
    key = f"uploads/{new_id()}/front/{'e' * 32}"
    rejected = RejectedObject(bucket="b", key=key, version_id="v9",
                              reason="UPLOAD_OUTSIDE_PREFIX", at=T0)
    assert repo.record_rejected_object(rejected)
    assert not repo.record_rejected_object(rejected)
    marker = repo.processed_object("b", key, "v9")
    assert marker.reason == "UPLOAD_OUTSIDE_PREFIX" and marker.outcome == "REJECTED_OBJECT"


def test_one_decision_per_fingerprint_and_none_after_the_pipeline_is_done(
    repo: RegistrationRepository,
) -> None:
    reg = _registration()
    repo.add(reg)
    fp = repo.get(reg.id).fingerprint()
    assert repo.save_decision(reg.id, _decision(fp), "APPROVED")
    assert not repo.save_decision(reg.id, _decision(fp), "APPROVED")
    assert not repo.save_decision(reg.id, _decision("fp2", "REJECTED"), "REJECTED")
    assert not repo.set_status(reg.id, "INSPECTING")
    assert repo.get(reg.id).status == "APPROVED"


def test_a_decision_is_stored_with_its_audit_entry_and_review_item(
    repo: RegistrationRepository,
) -> None:
    reg = _registration()
    repo.add(reg)
    audit = AuditEntry(registration_id=reg.id, at=T1, actor="system", action="decide")
    item = ReviewItem(registration_id=reg.id, plan=reg.plan, status="NEEDS_REVIEW",
                      reasons=["DUPLICATE_IMEI"], queued_at=T1)
    assert repo.save_decision(reg.id, _decision(reg.fingerprint(), "NEEDS_REVIEW"),
                              "NEEDS_REVIEW", audit=audit, review=item)
    assert repo.get_review(reg.id) == item
    assert [e.action for e in repo.audit_trail(reg.id)] == ["decide"]
    again = AuditEntry(registration_id=reg.id, at=T2, actor="system", action="decide")
    assert not repo.save_decision(reg.id, _decision(reg.fingerprint()), "APPROVED", audit=again)
    assert len(repo.audit_trail(reg.id)) == 1  # a refused decision leaves no trace


def test_a_decision_on_superseded_documents_is_not_stored(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    _inspected(repo, reg, FRONT)
    _inspected(repo, reg, BACK)
    decided_on = repo.get(reg.id).fingerprint()
    repo.start_upload(reg.id, FRONT, f"uploads/{reg.id}/front/{'9' * 32}", T2)  # resubmission
    assert not repo.save_decision(reg.id, _decision(decided_on), "APPROVED")
    assert repo.get(reg.id).status == "AWAITING_UPLOADS"


def test_imei_holders_span_subscribers(repo: RegistrationRepository) -> None:
    imei = fresh_imei()
    a, b = _registration("sub-a", imei=imei), _registration("sub-b", imei=imei)
    repo.add(a)
    repo.add(b)
    assert sorted(repo.imei_holders(imei)) == sorted([(a.id, "sub-a"), (b.id, "sub-b")])


def test_failed_registration_keeps_the_reason(repo: RegistrationRepository) -> None:
    reg = _registration()
    repo.add(reg)
    repo.mark_failed(reg.id, FRONT, "INSPECTION_FAILED", T1)
    failed = repo.get(reg.id)
    assert failed.status == "FAILED" and failed.failure == "INSPECTION_FAILED"
    assert failed.documents[FRONT].flags == ["INSPECTION_FAILED"]


def test_profile_round_trip(repo: RegistrationRepository) -> None:
    sub = f"sub-{new_id()}"
    assert repo.get_profile(sub) is None
    repo.save_profile(SubscriberProfile(subscriber_id=sub, phone="09011112222", updated_at=T0))
    assert repo.get_profile(sub).phone == "09011112222"


def _queued(repo: RegistrationRepository, queued_at: str = T0) -> Registration:
    reg = _registration()
    repo.add(reg)
    assert repo.save_decision(reg.id, _decision(reg.fingerprint(), "NEEDS_REVIEW"),
                              "NEEDS_REVIEW")
    repo.enqueue_review(ReviewItem(registration_id=reg.id, plan=reg.plan, status="NEEDS_REVIEW",
                                   reasons=["DUPLICATE_IMEI"], queued_at=queued_at))
    return reg


def test_review_queue_is_oldest_first_and_only_open_items(repo: RegistrationRepository) -> None:
    late = _queued(repo, "2000-01-01T00:00:02.000Z")
    early = _queued(repo, "2000-01-01T00:00:01.000Z")
    ids = [i.registration_id for i in repo.review_queue(limit=500)]
    assert ids.index(early.id) < ids.index(late.id)
    repo.claim(early.id, "r1", T0, T1)
    repo.complete_review(early.id, "r1", T0, _decision("fp-r"), "APPROVED", {},
                         AuditEntry(registration_id=early.id, at=T0, actor="r1",
                                    action="decide"))
    assert early.id not in [i.registration_id for i in repo.review_queue(limit=500)]


def test_a_live_lease_blocks_others_until_it_expires(repo: RegistrationRepository) -> None:
    reg = _queued(repo)
    assert repo.claim(reg.id, "r1", T0, T2).claimed_by == "r1"
    with pytest.raises(Conflict):
        repo.claim(reg.id, "r2", T1, T3)
    assert repo.claim(reg.id, "r1", T1, T3).lease_expires_at == T3  # holder extends
    taken = repo.claim(reg.id, "r2", "2025-04-10T01:00:00.000Z", "2025-04-10T01:15:00.000Z")
    assert taken.claimed_by == "r2"  # the old lease ran out


def test_only_the_lease_holder_releases_or_decides(repo: RegistrationRepository) -> None:
    reg = _queued(repo)
    repo.claim(reg.id, "r1", T0, T2)
    with pytest.raises(Conflict):
        repo.release(reg.id, "r2", T1)
    audit = AuditEntry(registration_id=reg.id, at=T1, actor="r2", action="decide")
    with pytest.raises(Conflict):
        repo.complete_review(reg.id, "r2", T1, _decision("x"), "APPROVED", {}, audit)
    with pytest.raises(Conflict):  # r1's lease has expired by T3
        repo.complete_review(reg.id, "r1", T3, _decision("x"), "APPROVED", {}, audit)
    repo.complete_review(reg.id, "r1", T1, _decision("x"), "REJECTED", {FRONT: {"imei": None}},
                         AuditEntry(registration_id=reg.id, at=T1, actor="r1", action="decide",
                                    before={"status": "NEEDS_REVIEW"},
                                    after={"status": "REJECTED"}))
    done = repo.get(reg.id)
    assert done.status == "REJECTED" and done.documents[FRONT].field_edits == {"imei": None}
    trail = repo.audit_trail(reg.id)
    assert [(e.actor, e.after) for e in trail] == [("r1", {"status": "REJECTED"})]
