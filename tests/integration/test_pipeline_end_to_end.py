"""A registration travels the real path: API → presigned POST → S3 → SQS → inspect →
decide queue → eligibility → DynamoDB, against moto over HTTP."""

from __future__ import annotations

import json

import pytest
import requests
from device_intake.domain.documents import DocumentKind

from infra.local_stack import LocalStack
from tests.integration.support import (
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


def test_registration_with_good_photos_is_approved_and_stored(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    assert reg["status"] == "AWAITING_UPLOADS"
    assert set(reg["uploads"]) == {"front", "back", "proof"}
    front = inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei]))
    back = inspector.on(unique_jpeg(), good(DocumentKind.BACK))
    upload(reg["uploads"]["front"], front)
    upload(reg["uploads"]["back"], back)

    done = stack.wait_for_status(reg["id"])

    assert done.status == "APPROVED", done.decision
    assert done.decision.coverage_starts_on.isoformat() == "2025-04-02"  # day after enrollment
    view = subscriber.get(f"/api/registrations/{reg['id']}").json()
    assert view["decision"]["decision"] == "APPROVED"
    assert [d["status"] for d in view["documents"]] == ["INSPECTED", "INSPECTED",
                                                         "AWAITING_UPLOAD"]
    # the reviewer console gets a GPS-stripped copy, never the upload itself
    assert done.documents[DocumentKind.FRONT].clean_key.startswith(f"clean/{reg['id']}/front/")


def test_all_three_files_posted_to_presigned_urls_give_a_decision_in_dynamodb(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    for kind in ("front", "back", "proof"):
        upload(reg["uploads"][kind], unique_jpeg(), f"{kind}.jpg")
    done = stack.wait_for_status(reg["id"])
    # the double read no IMEI off the front photo: the subscriber must retake it
    assert done.status == "NEEDS_RESUBMISSION"
    assert "IMEI_NOT_FOUND" in done.decision.reasons
    item = stack.repository()._get(f"REG#{reg['id']}", "META")
    assert item["status"] == "NEEDS_RESUBMISSION"
    messages = subscriber.get(f"/api/registrations/{reg['id']}").json()["decision"]["reasons"]
    assert all(m["title"] and m["action"] for m in messages)  # Japanese texts for the page


def test_resubmitted_document_runs_the_decision_again(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei)
    upload(reg["uploads"]["front"], unique_jpeg())  # no IMEI read
    upload(reg["uploads"]["back"], inspector.on(unique_jpeg(), good(DocumentKind.BACK)))
    first = stack.wait_for_status(reg["id"])
    assert first.status == "NEEDS_RESUBMISSION"

    ticket = subscriber.post(f"/api/registrations/{reg['id']}/documents/front/upload",
                             {"content_type": "image/jpeg", "filename": "again.jpg"})
    assert ticket.status_code == 200, ticket.text
    assert subscriber.get(f"/api/registrations/{reg['id']}").json()["status"] == (
        "AWAITING_UPLOADS")
    upload(ticket.json(), inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei,
                                                             imeis=[imei])))
    second = stack.wait_for_status(reg["id"], "APPROVED")
    assert second.documents[DocumentKind.FRONT].version == 2


def test_proof_alone_is_enough_when_bought_after_enrollment(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    imei = fresh_imei()
    reg = _register(subscriber, imei, purchased_after_enrollment=True)
    assert reg["required_documents"] == ["proof"]
    proof = inspector.on(
        unique_jpeg(),
        good(DocumentKind.PROOF, imei=imei, imeis=[imei], purchase_date="2025-05-10",
             model_name="iPhone 15"),
    )
    upload(reg["uploads"]["proof"], proof)
    done = stack.wait_for_status(reg["id"])
    assert done.decision is not None
    assert done.documents[DocumentKind.FRONT].status == "AWAITING_UPLOAD"


def test_subscribers_only_see_their_own_registrations(
    stack: LocalStack, subscriber: Client
) -> None:
    reg = _register(subscriber, fresh_imei())
    stranger = Client(stack, stack.mint_subscriber_token("keitai-support-plus", "2025-04-01"))
    assert stranger.get(f"/api/registrations/{reg['id']}").status_code == 404
    assert reg["id"] not in [r["id"] for r in stranger.get("/api/registrations").json()["items"]]
    assert reg["id"] in [r["id"] for r in subscriber.get("/api/registrations").json()["items"]]


def test_requests_without_a_valid_token_are_unauthorized(stack: LocalStack) -> None:
    assert requests.get(f"{stack.api_url}/api/me", timeout=10).status_code == 401
    forged = Client(stack, "not-a-jwt")
    body = forged.get("/api/registrations").json()
    assert body["error"]["code"] == "UNAUTHORIZED"


def test_invalid_imei_is_a_validation_error_naming_the_field(subscriber: Client) -> None:
    response = subscriber.post("/api/registrations", registration_body("352099001761482"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "352099001761482" not in response.text  # never echo an IMEI


def test_phone_is_validated_and_kept(subscriber: Client) -> None:
    assert subscriber.put("/api/me/phone", {"phone": "0312345678"}).status_code == 422
    assert subscriber.put("/api/me/phone", {"phone": "080-1234-5678"}).json() == {
        "phone": "08012345678"}
    assert subscriber.get("/api/me").json()["phone"] == "08012345678"


def test_unknown_routes_answer_in_the_error_shape(subscriber: Client) -> None:
    response = subscriber.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_openapi_document_is_served(stack: LocalStack) -> None:
    doc = requests.get(f"{stack.api_url}/api/openapi.json", timeout=10).json()
    assert "/api/registrations" in doc["paths"]
    assert "RegistrationRequest" in json.dumps(doc["components"])


def test_catalog_lists_models_of_a_maker(subscriber: Client) -> None:
    body = subscriber.get("/api/catalog/models",
                          params={"category": "smartphone", "maker": "Apple", "q": "15"}).json()
    assert "Apple" in body["makers"]
    names = [m["name"] for m in body["models"]]
    assert "iPhone 15" in names
    assert "iPhone 12" not in names  # q narrows the list (names or maker aliases)


def test_web_pages_and_local_jwks_are_served(stack: LocalStack) -> None:
    assert requests.get(stack.web_url, timeout=10).status_code == 200
    assert requests.get(f"{stack.web_url}../../etc/passwd", timeout=10).status_code == 404
    keys = requests.get(f"{stack.api_url}/local/jwks.json", timeout=10).json()["keys"]
    assert keys[0]["kty"] == "RSA"
