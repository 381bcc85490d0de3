"""Inspect function: S3 → SQS batches; each uploaded object is inspected once.

Partial batch failures go back to the queue; on the last attempt (redrive maxReceiveCount)
a crash marks the registration FAILED / INSPECTION_FAILED before the message moves to the DLQ.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from device_intake.adapters import aws
from device_intake.adapters.dynamodb import DynamoRegistrationRepository
from device_intake.adapters.s3 import S3DocumentStore
from device_intake.adapters.sqs import SqsDecisionQueue
from device_intake.app.pipeline import (
    InspectDeps,
    UploadedObject,
    handle_uploaded_object,
    mark_inspection_failed,
)
from device_intake.app.records import utcnow
from device_intake.app.settings import InspectSettings
from device_intake.schemas.events import S3Notification

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


@cache
def settings() -> InspectSettings:
    return InspectSettings.from_env()


@cache
def deps() -> InspectDeps:
    from device_intake.app.inspect_document import inspect_bytes
    from device_intake.inspection.loading import sniff_format, strip_location

    cfg = settings()
    return InspectDeps(
        repo=DynamoRegistrationRepository(aws.table(cfg.table_name)),
        store=S3DocumentStore(aws.client("s3"), cfg.uploads_bucket),
        queue=SqsDecisionQueue(aws.client("sqs"), cfg.decide_queue_url),
        inspector=lambda kind, data, name, ctype: inspect_bytes(
            kind, data, filename=name, content_type=ctype
        ),
        strip_location=strip_location,
        sniff=sniff_format,
        max_bytes=cfg.max_upload_bytes,
    )


@tracer.capture_method(capture_response=False)
def record_handler(record: SQSRecord) -> None:
    notification = S3Notification.model_validate_json(record.body)
    for entry in notification.records:
        obj = UploadedObject(
            bucket=entry.s3.bucket.name,
            key=entry.decoded_key,
            version_id=entry.s3.object.version_id,
            size=entry.s3.object.size,
        )
        try:
            outcome = handle_uploaded_object(obj, deps(), now=utcnow())
        except Exception:
            # Re-raised: the queue retries. Only the last attempt leaves a visible trace.
            attempt = int(record.attributes.approximate_receive_count)
            if attempt >= settings().inspect_max_receive_count:
                mark_inspection_failed(obj, deps().repo, utcnow())
                metrics.add_metric(name="InspectionFailed", unit=MetricUnit.Count, value=1)
            raise
        logger.info("object processed", outcome=outcome.value, version_id=obj.version_id)
        metrics.add_metric(name=f"Object{outcome.value.title().replace('_', '')}",
                           unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
