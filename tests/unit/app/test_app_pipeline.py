"""Pipeline use cases with in-memory fakes: upload policy, idempotency, readiness, sampling."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from device_intake.app.pipeline import (
    DecideDeps,
    InspectDeps,
    Outcome,
    UploadedObject,
    decide_registration,
    handle_uploaded_object,
    parse_upload_key,
)
from device_intake.app.records import (
    DeviceRecord,
    DocumentSlot,
    Registration,
    RejectedObject,
    new_id,
)
from device_intake.domain.documents import DocumentFields, DocumentKind, InspectionResult
from device_intake.domain.reasons import ReasonCode

from tests.fakes.repository import (
    InMemoryDecisionQueue,
    InMemoryDocumentStore,
    InMemoryRegistrationRepository,
)

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
IMEI = "352099001761481"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
FRONT, BACK, PROOF = DocumentKind.FRONT, DocumentKind.BACK, DocumentKind.PROOF


def _sniff(data: bytes) -> str | None:
    return "jpeg" if data.startswith(b"\xff\xd8\xff") else None


class World:
    def __init__(self, *, alternatives: list[list[DocumentKind]] | None = None) -> None:
        self.repo = InMemoryRegistrationRepository()
        self.store = InMemoryDocumentStore("uploads-bucket")
        self.queue = InMemoryDecisionQueue()
        self.inspected: list[DocumentKind] = []
        self.uploads = 0
        self.answers: dict[DocumentKind, InspectionResult] = {}
        self.reg = Registration(
            id=new_id(), subscriber_id="sub-1", plan="keitai-support-plus",
            enrolled_on=date(2025, 4, 1), created_at="2025-04-10T00:00:00.000Z",
            updated_at="2025-04-10T00:00:00.000Z",
            device=DeviceRecord(category="smartphone", maker="Apple", model="iPhone 15",
                                model_id="iphone-15", imei=IMEI),
            purchased_after_enrollment=False, release_over_5_years=False,
            required=[FRONT, BACK], optional=[PROOF], alternatives=alternatives or [],
            documents={k: DocumentSlot(kind=k) for k in (FRONT, BACK, PROOF)},
        )
        self.repo.add(self.reg)
        self.deps = InspectDeps(repo=self.repo, store=self.store, queue=self.queue,
                                inspector=self._inspect, strip_location=lambda d: d,
                                sniff=_sniff, max_bytes=1000)

    def _inspect(self, kind: DocumentKind, data: bytes, name: str | None,
                 ctype: str | None) -> InspectionResult:
        self.inspected.append(kind)
        return self.answers.get(kind, InspectionResult(kind=kind))

    def put(self, kind: DocumentKind, data: bytes = JPEG) -> UploadedObject:
        self.uploads += 1
        key = f"uploads/{self.reg.id}/{kind.value}/{self.uploads:032x}"
        self.repo.start_upload(self.reg.id, kind, key, "2025-04-10T00:00:00.000Z")
        self.store.put(key, data, "image/jpeg")
        return UploadedObject(bucket="uploads-bucket", key=key, version_id="v1")

    def handle(self, obj: UploadedObject) -> Outcome:
        return handle_uploaded_object(obj, self.deps, now=NOW)


def test_upload_keys_name_registration_and_slot() -> None:
    rid = new_id()
    assert parse_upload_key(f"uploads/{rid}/front/{'a' * 32}") == (rid, FRONT)
    assert parse_upload_key(f"uploads/{rid}/selfie/{'a' * 32}") is None
    assert parse_upload_key(f"other/{rid}/front/{'a' * 32}") is None
    assert parse_upload_key(f"uploads/{rid}/front/../../x") is None


def test_a_good_upload_is_inspected_once_and_a_copy_kept() -> None:
    world = World()
    obj = world.put(FRONT)
    assert world.handle(obj) is Outcome.INSPECTED
    assert world.handle(obj) is Outcome.DUPLICATE
    assert world.inspected == [FRONT]
    slot = world.repo.get(world.reg.id).documents[FRONT]
    assert slot.status == "INSPECTED" and slot.clean_key in world.store.objects


@pytest.mark.parametrize(
    ("data", "code"),
    [(JPEG + b"\0" * 2000, "FILE_TOO_LARGE"), (b"GIF89a" + b"\0" * 10, "UNSUPPORTED_FORMAT")],
)
def test_policy_breaches_are_recorded_on_the_document(data: bytes, code: str) -> None:
    world = World()
    assert world.handle(world.put(BACK, data)) is Outcome.REJECTED_FILE
    slot = world.repo.get(world.reg.id).documents[BACK]
    assert slot.status == "REJECTED_FILE" and slot.flags == [code]
    assert world.inspected == []


@pytest.mark.parametrize("code", ["FILE_TOO_LARGE", "CORRUPT_FILE", "UNSUPPORTED_FORMAT"])
def test_a_file_the_inspector_rejects_is_recorded_without_a_stored_copy(code: str) -> None:
    # A pixel bomb passes the byte limit and the magic-byte sniff; the loader flags it and
    # the stored copy must not decode it again (strip_location would raise).
    world = World()
    world.answers[FRONT] = InspectionResult(kind=FRONT, flags=[ReasonCode(code)])

    def refuse(_: bytes) -> bytes:
        raise AssertionError("a rejected file must not be re-encoded")

    world.deps = replace(world.deps, strip_location=refuse)
    world.handle(world.put(FRONT))
    slot = world.repo.get(world.reg.id).documents[FRONT]
    assert slot.flags == [code] and slot.clean_key is None
    assert world.inspected == [FRONT]


def test_an_object_of_no_slot_is_marked_outside_prefix() -> None:
    world = World()
    key = f"uploads/{new_id()}/front/{'f' * 32}"
    world.store.put(key, JPEG, "image/jpeg")
    outcome = world.handle(UploadedObject(bucket="uploads-bucket", key=key, version_id="v1"))
    assert outcome is Outcome.REJECTED_OBJECT
    assert world.repo.processed_object("uploads-bucket", key, "v1").reason == (
        "UPLOAD_OUTSIDE_PREFIX")
    assert key in world.store.abandoned  # left to the lifecycle rule


def test_an_object_of_no_slot_is_tagged_before_its_marker_is_written() -> None:
    # A crash between the two must not leave a marker (which stops redelivery) on an object
    # the lifecycle rule will never expire; readers that see the marker see the tag.
    world = World()
    key = f"uploads/{new_id()}/front/{'e' * 32}"
    world.store.put(key, JPEG, "image/jpeg")
    record = world.repo.record_rejected_object
    seen: list[bool] = []

    def record_after_tag(rejected: RejectedObject) -> bool:
        seen.append(key in world.store.abandoned)
        return record(rejected)

    world.repo.record_rejected_object = record_after_tag  # type: ignore[method-assign]
    assert world.handle(UploadedObject("uploads-bucket", key, "v1")) is Outcome.REJECTED_OBJECT
    assert seen == [True]
    # The same event again: already recorded, a duplicate (tagging again is harmless).
    assert world.handle(UploadedObject("uploads-bucket", key, "v1")) is Outcome.DUPLICATE


def test_decision_is_requested_only_when_the_documents_are_complete() -> None:
    world = World()
    world.handle(world.put(FRONT))
    assert world.queue.requested == []
    assert world.repo.get(world.reg.id).status == "INSPECTING"
    world.handle(world.put(BACK))
    assert world.queue.requested == [world.reg.id]
    assert world.repo.get(world.reg.id).status == "DECIDING"


def test_any_complete_alternative_is_enough() -> None:
    world = World(alternatives=[[PROOF], [FRONT, BACK]])
    world.handle(world.put(PROOF))
    assert world.queue.requested == [world.reg.id]


def _ready(world: World) -> None:
    world.answers[FRONT] = InspectionResult(kind=FRONT,
                                            fields=DocumentFields(imei=IMEI, imeis=[IMEI]))
    world.handle(world.put(FRONT))
    world.handle(world.put(BACK))


def test_decision_is_made_once_per_set_of_documents() -> None:
    world = World()
    _ready(world)
    deps = DecideDeps(repo=world.repo, sample_rate=0.0, rng=random.Random(1))
    first = decide_registration(world.reg.id, deps, now=NOW)
    assert first is not None and first.decision == "APPROVED"
    assert decide_registration(world.reg.id, deps, now=NOW) is None
    assert world.repo.review_queue(10) == []


def test_auto_approvals_are_sampled_for_quality_review() -> None:
    world = World()
    _ready(world)
    deps = DecideDeps(repo=world.repo, sample_rate=1.0, rng=random.Random(1))
    decision = decide_registration(world.reg.id, deps, now=NOW)
    assert decision is not None and decision.decision == "APPROVED"
    (item,) = world.repo.review_queue(10)
    assert item.sample is True and item.status == "APPROVED"
    assert world.repo.get(world.reg.id).status == "APPROVED"  # sampling never holds it back


def test_same_imei_of_another_subscriber_needs_review() -> None:
    world = World()
    other = world.reg.model_copy(update={"id": new_id(), "subscriber_id": "sub-2"})
    world.repo.add(other)
    _ready(world)
    deps = DecideDeps(repo=world.repo, sample_rate=0.0, rng=random.Random(1))
    decision = decide_registration(world.reg.id, deps, now=NOW)
    assert decision is not None and decision.decision == "NEEDS_REVIEW"
    assert "DUPLICATE_IMEI" in decision.reasons
    assert [i.registration_id for i in world.repo.review_queue(10)] == [world.reg.id]
