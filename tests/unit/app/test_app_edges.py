"""Edges of the pipeline: settings from the environment, API request models, S3 events."""

from __future__ import annotations

import json

import pytest
from device_intake.app.settings import ApiSettings, EligibilitySettings, InspectSettings
from device_intake.schemas.api import PhoneUpdate, RegistrationRequest
from device_intake.schemas.events import S3Notification
from pydantic import ValidationError

BASE = {"category": "smartphone", "maker": "Apple", "model": "iPhone 15",
        "purchased_after_enrollment": False, "release_over_5_years": False}


def test_settings_name_the_missing_resource_instead_of_defaulting() -> None:
    with pytest.raises(ValidationError) as err:
        InspectSettings.from_env({"UPLOADS_BUCKET": "b"})
    missing = {e["loc"][0] for e in err.value.errors()}
    assert {"table_name", "decide_queue_url", "inspect_max_receive_count"} <= missing


def test_api_settings_need_exactly_one_token_key_source() -> None:
    env = {"TABLE_NAME": "t", "UPLOADS_BUCKET": "b", "REVIEWER_JWKS_URL": "http://x/jwks",
           "REVIEWER_ISSUER": "http://x"}
    with pytest.raises(ValidationError):
        ApiSettings.from_env(env)
    with pytest.raises(ValidationError):
        ApiSettings.from_env({**env, "SUBSCRIBER_JWT_SECRET": "s",
                              "SUBSCRIBER_JWT_SECRET_ARN": "arn"})
    assert ApiSettings.from_env({**env, "SUBSCRIBER_JWT_SECRET_ARN": "arn",
                                 "SUBSCRIBER_JWT_SECRET": ""}).max_upload_bytes == 20 * 2**20


def test_sample_rate_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValidationError):
        EligibilitySettings.from_env({"TABLE_NAME": "t", "REVIEW_SAMPLE_RATE": "1.5",
                                      "ELIGIBILITY_MAX_RECEIVE_COUNT": "3"})


@pytest.mark.parametrize(
    ("imei", "stored"),
    [
        ("352099001761481", "352099001761481"),
        ("35-209900-176148-1", "352099001761481"),
        ("３５２０９９００１７６１４８１", "352099001761481"),  # full-width digits
        ("3520990017614801", "352099001761481"),  # IMEISV: check digit computed
    ],
)
def test_imei_forms_are_normalised(imei: str, stored: str) -> None:
    assert RegistrationRequest.model_validate({**BASE, "imei": imei}).imei == stored


@pytest.mark.parametrize("body", [{}, {"imei": "352099001761482"}, {"imei": "12345"}])
def test_registration_needs_a_valid_imei_or_a_serial(body: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        RegistrationRequest.model_validate({**BASE, **body})


def test_serial_alone_is_enough() -> None:
    assert RegistrationRequest.model_validate({**BASE, "serial": "F2LXK0ABCDEF"}).imei is None


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        RegistrationRequest.model_validate({**BASE, "serial": "X1234567", "plan": "free"})


@pytest.mark.parametrize("phone", ["09012345678", "090-1234-5678", "070 1234 5678"])
def test_mobile_numbers_that_receive_sms_are_accepted(phone: str) -> None:
    assert PhoneUpdate(phone=phone).phone.startswith("0")


@pytest.mark.parametrize("phone", ["0312345678", "0901234567", "+819012345678", "abc"])
def test_other_numbers_are_refused(phone: str) -> None:
    with pytest.raises(ValidationError):
        PhoneUpdate(phone=phone)


def test_s3_keys_are_url_decoded_and_test_events_carry_no_records() -> None:
    body = {"Records": [{"eventName": "ObjectCreated:Post", "s3": {
        "bucket": {"name": "b"},
        "object": {"key": "uploads%2F01J%2Ffront%2Fmy+photo.jpg", "size": 3}}}]}
    (record,) = S3Notification.model_validate_json(json.dumps(body)).records
    assert record.decoded_key == "uploads/01J/front/my photo.jpg"
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"}
    assert S3Notification.model_validate(test_event).records == []
