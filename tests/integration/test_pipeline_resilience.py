"""Duplicates, crashes, races and forged uploads against the running stack."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from device_intake.app.records import new_id
from device_intake.domain.documents import DocumentKind

from infra.local_stack import LocalStack
from tests.integration.events import decide_event, inspect_event
from tests.integration.support import (
    ENROLLED,
    Client,
    ScriptedInspector,
    fresh_imei,
    good,
    registration_body,
    unique_jpeg,
    upload,
)

pytestmark = pytest.mark.integration


def _register(subscriber: Client, imei: str, **overrides: object) -> dict:
    response = subscriber.post("/api/registrations", registration_body(imei, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _rows(stack: LocalStack, registration_id: str) -> list[dict]:
    return stack.repository()._items(f"REG#{registration_id}")


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError("condition not reached")


def test_duplicate_s3_event_changes_nothing(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    front = inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei]))
    upload(reg["uploads"]["front"], front)
    upload(reg["uploads"]["back"], inspector.on(unique_jpeg(), good(DocumentKind.BACK)))
    stack.wait_for_status(reg["id"], "APPROVED")
    before = sorted(_rows(stack, reg["id"]), key=lambda r: r["sk"])

    bucket = stack.names["UploadsBucket"]
    event = inspect_event([(bucket, reg["uploads"]["front"]["key"])] * 2)
    response = stack.invoke("InspectFunction", event)

    assert response == {"batchItemFailures": []}
    assert inspector.count(front) == 1  # not inspected again
    assert sorted(_rows(stack, reg["id"]), key=lambda r: r["sk"]) == before


@pytest.fixture(scope="module")
def stack_without_workers(inspector: ScriptedInspector):
    # With workers running, the S3 notification races this test's direct invocation: the
    # worker can exhaust the retries on the crashing object first and mark the slot FAILED,
    # after which the direct invocation rightly reports nothing to retry.
    with LocalStack(port=0, inspector=inspector, retry_delay=0, workers=False) as running:
        yield running


def test_crash_mid_batch_fails_only_that_record(
    stack_without_workers: LocalStack, inspector: ScriptedInspector
) -> None:
    stack = stack_without_workers
    subscriber = Client(stack, stack.mint_subscriber_token("keitai-support-plus", ENROLLED))
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    bucket = stack.names["UploadsBucket"]
    s3 = stack.client("s3")
    crashing = inspector.on(unique_jpeg(), RuntimeError("engine crashed"))
    fine = inspector.on(unique_jpeg(), good(DocumentKind.BACK))
    # The keys are the live tickets, as a browser would use them; only this invocation
    # handles them (no workers on this stack).
    stack_worker_keys = [reg["uploads"]["front"]["key"], reg["uploads"]["back"]["key"]]
    s3.put_object(Bucket=bucket, Key=stack_worker_keys[0], Body=crashing)
    s3.put_object(Bucket=bucket, Key=stack_worker_keys[1], Body=fine)
    event = inspect_event([(bucket, k) for k in stack_worker_keys])

    response = stack.invoke("InspectFunction", event)

    failed = [f["itemIdentifier"] for f in response["batchItemFailures"]]
    assert failed == [event["Records"][0]["messageId"]]


def test_crash_is_retried_then_dead_lettered_and_registration_marked_failed(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    crashing = inspector.on(unique_jpeg(), RuntimeError("engine crashed"))
    upload(reg["uploads"]["front"], crashing)

    failed = stack.wait_for_status(reg["id"], "FAILED")

    attempts = int(stack.function_env["INSPECT_MAX_RECEIVE_COUNT"])
    assert inspector.count(crashing) == attempts
    assert failed.failure == "INSPECTION_FAILED"
    assert failed.documents[DocumentKind.FRONT].flags == ["INSPECTION_FAILED"]
    view = subscriber.get(f"/api/registrations/{reg['id']}").json()
    assert view["status"] == "FAILED"
    review = stack.repository().get_review(reg["id"])
    assert review is not None and review.reasons == ["INSPECTION_FAILED"]
    sqs = stack.client("sqs")
    dlq = stack.names["InspectDeadLetterQueue"]

    def dead_lettered() -> bool:
        attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) >= 1

    assert _wait(dead_lettered)


def test_two_documents_completing_at_once_give_one_decision(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    bucket = stack.names["UploadsBucket"]
    s3 = stack.client("s3")
    front = inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei]))
    back = inspector.on(unique_jpeg(), good(DocumentKind.BACK))
    front_key, back_key = reg["uploads"]["front"]["key"], reg["uploads"]["back"]["key"]
    s3.put_object(Bucket=bucket, Key=front_key, Body=front)
    s3.put_object(Bucket=bucket, Key=back_key, Body=back)
    # Both documents finish at the same moment (and the worker races them too); then the
    # decide requests of both arrive together.
    barrier = threading.Barrier(2)

    def finish(key: str) -> None:
        barrier.wait()
        stack.invoke("InspectFunction", inspect_event([(bucket, key)]))

    threads = [threading.Thread(target=finish, args=(k,)) for k in (front_key, back_key)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stack.wait_for_status(reg["id"], "APPROVED")
    decide_threads = [
        threading.Thread(target=stack.invoke,
                         args=("EligibilityFunction", decide_event(reg["id"], copies=3)))
        for _ in range(3)
    ]
    for t in decide_threads:
        t.start()
    for t in decide_threads:
        t.join()

    rows = _rows(stack, reg["id"])
    assert len([r for r in rows if r["sk"].startswith("DECISION#")]) == 1
    decided = [e for e in stack.repository().audit_trail(reg["id"]) if e.action == "decide"]
    assert len(decided) == 1


def test_object_outside_any_registration_prefix_is_rejected_with_a_reason(
    stack: LocalStack,
) -> None:
    bucket = stack.names["UploadsBucket"]
    s3 = stack.client("s3")
    forged = [
        f"uploads/{new_id()}/front/{uuid.uuid4().hex}",  # unknown registration
        f"uploads/../etc/{uuid.uuid4().hex}",
        f"uploads/{new_id()}/selfie/{uuid.uuid4().hex}",
    ]
    for key in forged:
        s3.put_object(Bucket=bucket, Key=key, Body=unique_jpeg())
    repo = stack.repository()
    for key in forged:
        marker = _wait(lambda k=key: repo.processed_object(bucket, k, _version(s3, bucket, k)))
        assert marker.outcome == "REJECTED_OBJECT"
        assert marker.reason == "UPLOAD_OUTSIDE_PREFIX"
        tags = s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        assert {"Key": "intake-abandoned", "Value": "true"} in tags  # lifecycle expires it


def test_upload_to_a_stale_ticket_is_rejected_and_the_slot_untouched(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    reg = _register(subscriber, fresh_imei())
    old_ticket = reg["uploads"]["front"]
    subscriber.post(f"/api/registrations/{reg['id']}/documents/front/upload",
                    {"content_type": "image/jpeg"})
    upload(old_ticket, unique_jpeg())
    bucket = stack.names["UploadsBucket"]
    s3 = stack.client("s3")
    repo = stack.repository()
    marker = _wait(lambda: repo.processed_object(
        bucket, old_ticket["key"], _version(s3, bucket, old_ticket["key"])))
    assert marker.reason == "UPLOAD_OUTSIDE_PREFIX"
    slot = repo.get(reg["id"]).documents[DocumentKind.FRONT]
    assert slot.status == "AWAITING_UPLOAD" and slot.version == 2


def test_oversized_upload_is_refused_with_file_too_large(
    stack: LocalStack, subscriber: Client
) -> None:
    reg = _register(subscriber, fresh_imei())
    limit = int(stack.function_env["MAX_UPLOAD_BYTES"])
    # moto does not enforce the POST policy's content-length-range: the pipeline must.
    upload(reg["uploads"]["front"], unique_jpeg() + b"\0" * (limit + 1))
    repo = stack.repository()
    slot = _wait(lambda: (s := repo.get(reg["id"]).documents[DocumentKind.FRONT]).status
                 == "REJECTED_FILE" and s)
    assert slot.flags == ["FILE_TOO_LARGE"]


def test_wrong_type_is_refused_by_its_magic_bytes_not_its_header(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    reg = _register(subscriber, fresh_imei())
    gif = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;" + uuid.uuid4().bytes
    upload(reg["uploads"]["back"], gif, "back.jpg", "image/jpeg")  # claims to be a JPEG
    repo = stack.repository()
    slot = _wait(lambda: (s := repo.get(reg["id"]).documents[DocumentKind.BACK]).status
                 == "REJECTED_FILE" and s)
    assert slot.flags == ["UNSUPPORTED_FORMAT"]
    assert inspector.count(gif) == 0  # never reached the engine
    view = subscriber.get(f"/api/registrations/{reg['id']}").json()
    back = next(d for d in view["documents"] if d["kind"] == "back")
    assert back["messages"][0]["code"] == "UNSUPPORTED_FORMAT"


def _version(s3, bucket: str, key: str) -> str | None:
    version = s3.head_object(Bucket=bucket, Key=key).get("VersionId")
    return None if version in (None, "null") else version
