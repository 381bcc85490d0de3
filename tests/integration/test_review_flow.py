"""Reviewer flow over the HTTP API: queue, lease, decision, audit trail."""

from __future__ import annotations

import pytest
import requests
from device_intake.domain.documents import DocumentKind

from infra.local_stack import LocalStack
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


def _registered_and_inspected(stack: LocalStack, client: Client, inspector: ScriptedInspector,
                              imei: str) -> str:
    reg = client.post("/api/registrations", registration_body(imei)).json()
    upload(reg["uploads"]["front"],
           inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei])))
    upload(reg["uploads"]["back"], inspector.on(unique_jpeg(), good(DocumentKind.BACK)))
    stack.wait_for_status(reg["id"])
    return str(reg["id"])


@pytest.fixture
def duplicate_imei_registration(stack: LocalStack, inspector: ScriptedInspector) -> str:
    """The same IMEI registered by a second subscriber: a person must look (DUPLICATE_IMEI)."""
    imei = fresh_imei()
    first = Client(stack, stack.mint_subscriber_token("keitai-support-plus", ENROLLED))
    second = Client(stack, stack.mint_subscriber_token("keitai-support-plus", ENROLLED))
    _registered_and_inspected(stack, first, inspector, imei)
    return _registered_and_inspected(stack, second, inspector, imei)


def _reviewer(stack: LocalStack, name: str) -> Client:
    response = requests.post(f"{stack.api_url}/local/reviewer-login",
                             json={"username": name, "password": stack.reviewer_password},
                             timeout=10)
    assert response.status_code == 200
    return Client(stack, response.json()["token"])


def test_duplicate_imei_goes_to_the_review_queue(
    stack: LocalStack, duplicate_imei_registration: str
) -> None:
    reg = stack.repository().get(duplicate_imei_registration)
    assert reg.status == "NEEDS_REVIEW"
    assert "DUPLICATE_IMEI" in reg.decision.reasons
    items = _reviewer(stack, "reviewer1").get("/api/review/queue").json()["items"]
    entry = next(i for i in items if i["registration_id"] == duplicate_imei_registration)
    assert entry["reasons"] == reg.decision.reasons and entry["sample"] is False
    queued = [i["queued_at"] for i in items]
    assert queued == sorted(queued)  # oldest first


def test_claimed_item_is_decided_by_its_holder_and_audited(
    stack: LocalStack, duplicate_imei_registration: str
) -> None:
    rid = duplicate_imei_registration
    one, two = _reviewer(stack, "reviewer1"), _reviewer(stack, "reviewer2")

    assert one.post(f"/api/review/items/{rid}/claim").status_code == 200
    conflict = two.post(f"/api/review/items/{rid}/claim")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "CONFLICT"
    assert two.post(f"/api/review/items/{rid}/decision",
                    {"decision": "APPROVED"}).status_code == 409
    assert one.post(f"/api/review/items/{rid}/claim").status_code == 200  # holder extends

    decided = one.post(f"/api/review/items/{rid}/decision", {
        "decision": "APPROVED", "reasons": [], "note": "same owner, new SIM",
        "field_edits": {"front": {"serial": "F2LXK0ABCDEF"}},
    })
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "APPROVED"
    assert decided.json()["decision"]["by"] == "reviewer"

    detail = one.get(f"/api/review/registrations/{rid}").json()
    entry = next(a for a in detail["audit"]
                 if a["action"] == "decide" and a["actor"] == "reviewer1")
    assert entry["before"]["status"] == "NEEDS_REVIEW"
    assert entry["after"]["status"] == "APPROVED"
    assert entry["note"] == "same owner, new SIM" and entry["at"]
    assert detail["device"]["imei"] and len(detail["device"]["imei"]) == 15
    assert detail["purchased_after_enrollment"] is False  # the subscriber's answers (item 5)
    assert detail["release_over_5_years"] is False
    front = next(d for d in detail["documents"] if d["kind"] == "front")
    assert front["fields"]["serial"] == "F2LXK0ABCDEF"
    image = requests.get(front["image_url"], timeout=10)
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    open_ids = [i["registration_id"] for i in one.get("/api/review/queue").json()["items"]]
    assert rid not in open_ids


def test_release_lets_another_reviewer_claim(
    stack: LocalStack, duplicate_imei_registration: str
) -> None:
    rid = duplicate_imei_registration
    one, two = _reviewer(stack, "reviewer1"), _reviewer(stack, "reviewer2")
    assert one.post(f"/api/review/items/{rid}/claim").status_code == 200
    assert one.post(f"/api/review/items/{rid}/release").status_code == 204
    assert two.post(f"/api/review/items/{rid}/claim").status_code == 200


def test_review_routes_need_a_reviewer(stack: LocalStack, subscriber: Client) -> None:
    assert subscriber.get("/api/review/queue").status_code == 401
    outsider = Client(stack, stack.reviewer_token("mallory", groups=["support"]))
    assert outsider.get("/api/review/queue").status_code == 403
    wrong = requests.post(f"{stack.api_url}/local/reviewer-login",
                          json={"username": "reviewer1", "password": "guess"}, timeout=10)
    assert wrong.status_code == 401


def test_resubmission_request_needs_a_reason(
    stack: LocalStack, duplicate_imei_registration: str
) -> None:
    rid = duplicate_imei_registration
    one = _reviewer(stack, "reviewer1")
    claimed = one.post(f"/api/review/items/{rid}/claim")
    assert claimed.status_code == 200, claimed.text
    response = one.post(f"/api/review/items/{rid}/decision", {"decision": "NEEDS_RESUBMISSION"})
    assert response.status_code == 422, response.text
    ok = one.post(f"/api/review/items/{rid}/decision",
                  {"decision": "NEEDS_RESUBMISSION", "reasons": ["BLURRY"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["decision"]["reasons"][0]["code"] == "BLURRY"
