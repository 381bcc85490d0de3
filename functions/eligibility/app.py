"""Eligibility function: decide a registration whose documents are all inspected.

Idempotent: the decision is written once per set of document versions (conditional write),
so a duplicate or concurrent request is a no-op; a resubmitted document re-runs it.
"""

from __future__ import annotations

import random
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
from device_intake.app.pipeline import DecideDeps, decide_registration, mark_decision_failed
from device_intake.app.records import utcnow
from device_intake.app.settings import EligibilitySettings
from device_intake.schemas.events import DecideRequest

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


@cache
def settings() -> EligibilitySettings:
    return EligibilitySettings.from_env()


@cache
def deps() -> DecideDeps:
    cfg = settings()
    return DecideDeps(
        repo=DynamoRegistrationRepository(aws.table(cfg.table_name)),
        sample_rate=cfg.review_sample_rate,
        rng=random.Random(),
    )


@tracer.capture_method(capture_response=False)
def record_handler(record: SQSRecord) -> None:
    request = DecideRequest.model_validate_json(record.body)
    try:
        decision = decide_registration(request.registration_id, deps(), now=utcnow())
    except Exception:
        # Re-raised for the queue's retry; the last attempt makes the failure visible.
        attempt = int(record.attributes.approximate_receive_count)
        if attempt >= settings().eligibility_max_receive_count:
            mark_decision_failed(request.registration_id, deps().repo, utcnow())
        raise
    if decision is not None:
        logger.info("decided", registration_id=request.registration_id,
                    decision=decision.decision, reasons=decision.reasons)
        metrics.add_metric(name=f"Decision{decision.decision.title().replace('_', '')}",
                           unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
