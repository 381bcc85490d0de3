"""template.yaml, parsed (not linted - `make test` runs `sam validate --lint` for that):
the properties the pipeline relies on must not quietly disappear."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.template import TEMPLATE, load, resources

ROOT = TEMPLATE.parent
TPL = load()
FUNCTIONS = resources(TPL, "AWS::Serverless::Function")


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_every_work_queue_has_a_dead_letter_queue() -> None:
    queues = resources(TPL, "AWS::SQS::Queue")
    dead_letter = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values() if "RedrivePolicy" in q.get("Properties", {})
    }
    work = set(queues) - dead_letter
    assert work, "no work queues found"
    for name in work:
        redrive = queues[name]["Properties"].get("RedrivePolicy")
        assert redrive and redrive["maxReceiveCount"], name
    assert dead_letter == {"InspectDeadLetterQueue", "DecideDeadLetterQueue"}


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    alarmed = {
        d["Value"]["Fn::GetAtt"][0]
        for a in resources(TPL, "AWS::CloudWatch::Alarm").values()
        for d in a["Properties"]["Dimensions"] if d["Name"] == "QueueName"
    }
    assert {"InspectDeadLetterQueue", "DecideDeadLetterQueue"} <= alarmed


def test_every_sqs_event_source_reports_batch_item_failures() -> None:
    sources = [
        (fn, ev) for fn, spec in FUNCTIONS.items()
        for ev in spec["Properties"].get("Events", {}).values() if ev["Type"] == "SQS"
    ]
    assert len(sources) == 2
    for fn, ev in sources:
        assert ev["Properties"].get("FunctionResponseTypes") == ["ReportBatchItemFailures"], fn


def test_retry_limit_given_to_the_function_is_the_redrive_limit() -> None:
    inspect_env = FUNCTIONS["InspectFunction"]["Properties"]["Environment"]["Variables"]
    redrive = resources(TPL)["InspectQueue"]["Properties"]["RedrivePolicy"]
    assert inspect_env["INSPECT_MAX_RECEIVE_COUNT"] == redrive["maxReceiveCount"]
    eligibility_env = FUNCTIONS["EligibilityFunction"]["Properties"]["Environment"]["Variables"]
    decide_redrive = resources(TPL)["DecideQueue"]["Properties"]["RedrivePolicy"]
    assert eligibility_env["ELIGIBILITY_MAX_RECEIVE_COUNT"] == decide_redrive["maxReceiveCount"]


def test_queue_visibility_covers_the_function_timeout_six_times() -> None:
    timeout = FUNCTIONS["InspectFunction"]["Properties"]["Timeout"]
    assert resources(TPL)["InspectQueue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout


def test_function_policies_name_their_resources() -> None:
    for fn, spec in FUNCTIONS.items():
        for node in _walk(spec["Properties"].get("Policies", [])):
            if "Effect" in node:
                resource = node.get("Resource")
                assert resource not in ("*", ["*"]), f"{fn} grants {node.get('Action')} on *"


def test_only_the_deny_statements_use_a_wildcard_principal() -> None:
    for name, spec in resources(TPL).items():
        for node in _walk(spec.get("Properties", {})):
            if node.get("Principal") == "*":
                assert node["Effect"] == "Deny", name


def test_table_has_pitr_sse_and_the_query_indexes() -> None:
    (table,) = resources(TPL, "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert {g["IndexName"] for g in props["GlobalSecondaryIndexes"]} == {
        "BySubscriber", "ReviewQueue", "ByImei"}


def test_buckets_are_private_and_encrypted() -> None:
    for name, bucket in resources(TPL, "AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert props["VersioningConfiguration"]["Status"] == "Enabled", name


def test_uploads_bucket_notifies_the_inspect_queue_for_uploads_only() -> None:
    props = resources(TPL)["UploadsBucket"]["Properties"]
    (conf,) = props["NotificationConfiguration"]["QueueConfigurations"]
    assert conf["Queue"] == {"Fn::GetAtt": ["InspectQueue", "Arn"]}
    assert conf["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "uploads/"}]
    assert any("AbortIncompleteMultipartUpload" in r
               for r in props["LifecycleConfiguration"]["Rules"])
    assert props["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"] == ["POST", "GET"]


def test_every_function_has_a_log_group_with_retention() -> None:
    groups = resources(TPL, "AWS::Logs::LogGroup")
    for fn in FUNCTIONS:
        wanted = {"Fn::Sub": f"/aws/lambda/${{{fn}}}"}
        group = next((g for g in groups.values()
                      if g["Properties"].get("LogGroupName") == wanted), None)
        assert group is not None, fn
        assert group["Properties"]["RetentionInDays"], fn


def test_tracing_and_metrics_namespace_are_global() -> None:
    glob = TPL["Globals"]["Function"]
    assert glob["Tracing"] == "Active"
    assert glob["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]


def test_ocr_function_is_an_image_with_reserved_concurrency() -> None:
    props = FUNCTIONS["InspectFunction"]["Properties"]
    assert props["PackageType"] == "Image"
    assert props["ReservedConcurrentExecutions"]
    metadata = FUNCTIONS["InspectFunction"]["Metadata"]
    assert (ROOT / metadata["Dockerfile"]).is_file()
    assert (ROOT / metadata["DockerBuildArgs"]["FUNCTION_DIR"] / "app.py").is_file()


def test_reviewer_routes_sit_behind_the_cognito_jwt_authorizer() -> None:
    events = FUNCTIONS["ApiFunction"]["Properties"]["Events"]
    review = next(e for e in events.values() if e["Properties"]["Path"].startswith("/api/review"))
    assert review["Properties"]["Auth"]["Authorizer"] == "ReviewerJwt"
    groups = resources(TPL, "AWS::Cognito::UserPoolGroup")
    assert [g["Properties"]["GroupName"] for g in groups.values()] == ["reviewers"]


def test_resource_names_come_from_the_template_not_defaults() -> None:
    env = FUNCTIONS["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["UPLOADS_BUCKET"] == {"Ref": "UploadsBucket"}
    assert TPL["Globals"]["Function"]["Environment"]["Variables"]["TABLE_NAME"] == {
        "Ref": "IntakeTable"}


@pytest.mark.parametrize("fn", sorted(FUNCTIONS))
def test_every_function_has_an_event_file_and_an_env_json_entry(fn: str) -> None:
    events = {p.name for p in (ROOT / "tests" / "events").glob("*.json")}
    prefix = {"ApiFunction": "api_", "InspectFunction": "inspect_",
              "EligibilityFunction": "eligibility_"}[fn]
    assert any(e.startswith(prefix) for e in events), fn
    env = json.loads(Path(ROOT / "env.json").read_text())
    declared = set(FUNCTIONS[fn]["Properties"].get("Environment", {}).get("Variables", {}))
    assert declared - {"POWERTOOLS_SERVICE_NAME"} <= set(env[fn]) | set(env.get("Parameters", {}))


def test_zip_build_template_drops_only_the_image_function_and_its_dependents() -> None:
    from infra.sam_build import zip_only_template

    filtered, images = zip_only_template(TPL)
    assert images == ["InspectFunction"]
    dropped = set(TPL["Resources"]) - set(filtered["Resources"])
    assert dropped == {"InspectFunction", "InspectFunctionLogs"}
    assert {"ApiFunction", "EligibilityFunction", "SharedLayer"} <= set(filtered["Resources"])
