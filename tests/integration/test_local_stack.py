"""The local stack itself: built from template.yaml, and safe to run twice in one process
(the integration suite and the browser tests each start one)."""

from __future__ import annotations

import pytest
from device_intake.domain.documents import DocumentKind

from infra.local_stack import LocalStack
from infra.template import resources, template
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


def test_resources_follow_the_template(stack: LocalStack) -> None:
    ddb = stack.client("dynamodb")
    table = ddb.describe_table(TableName=stack.names["IntakeTable"])["Table"]
    declared = resources(template())["IntakeTable"]["Properties"]
    assert {g["IndexName"] for g in table["GlobalSecondaryIndexes"]} == {
        g["IndexName"] for g in declared["GlobalSecondaryIndexes"]}
    sqs = stack.client("sqs")
    attrs = sqs.get_queue_attributes(QueueUrl=stack.names["InspectQueue"],
                                     AttributeNames=["RedrivePolicy"])["Attributes"]
    assert '"maxReceiveCount": 3' in attrs["RedrivePolicy"].replace("'", '"')
    s3 = stack.client("s3")
    bucket = stack.names["UploadsBucket"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (conf,) = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert conf["QueueArn"].endswith("InspectQueue")


def _approved(stack: LocalStack, inspector: ScriptedInspector) -> str:
    client = Client(stack, stack.mint_subscriber_token("keitai-support-plus", "2025-04-01"))
    imei = fresh_imei()
    reg = client.post("/api/registrations", registration_body(imei)).json()
    upload(reg["uploads"]["front"],
           inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei])))
    upload(reg["uploads"]["back"], inspector.on(unique_jpeg(), good(DocumentKind.BACK)))
    stack.wait_for_status(reg["id"], "APPROVED")
    return str(reg["id"])


def test_two_stacks_in_one_process_keep_to_their_own_resources(
    stack: LocalStack, inspector: ScriptedInspector
) -> None:
    with LocalStack(port=0, inspector=inspector, retry_delay=0) as other:
        assert other.names["IntakeTable"] != stack.names["IntakeTable"]
        # Containers started now (a cold start while the other stack's environment is the
        # process's) must still be bound to their own stack.
        for pool in (*stack._pools.values(), *other._pools.values()):
            pool._free.clear()
        mine, theirs = _approved(stack, inspector), _approved(other, inspector)
        assert stack.repository().get(theirs) is None
        assert other.repository().get(mine) is None


def test_sam_local_api_events_run_through_the_api_function(
    stack: LocalStack, subscriber: Client
) -> None:
    from tests.integration.events import load

    openapi = stack.invoke("ApiFunction", load("api_get_openapi.json"))
    assert openapi["statusCode"] == 200 and "/api/registrations" in openapi["body"]

    event = load("api_get_registrations.json")
    token = subscriber.session.headers["Authorization"]
    event["headers"]["authorization"] = token
    listed = stack.invoke("ApiFunction", event)
    assert listed["statusCode"] == 200 and '"items"' in listed["body"]
    event["headers"]["authorization"] = "Bearer REPLACE_WITH_A_SUBSCRIBER_TOKEN"
    assert stack.invoke("ApiFunction", event)["statusCode"] == 401
