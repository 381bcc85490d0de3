"""HTTP API entry point: verify the caller, run one use case per route (adapters.http_api)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from device_intake.adapters import aws
from device_intake.adapters.dynamodb import DynamoRegistrationRepository
from device_intake.adapters.http_api import ApiDeps, build_resolver
from device_intake.adapters.s3 import S3DocumentStore
from device_intake.adapters.tokens import ReviewerTokenVerifier, SubscriberTokenVerifier
from device_intake.app.records import utcnow
from device_intake.app.registrations import UploadPolicy
from device_intake.app.settings import ApiSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@cache
def deps() -> ApiDeps:
    """Clients once per container, on first use (never at import: it fights moto)."""
    settings = ApiSettings.from_env()
    secret = (
        settings.subscriber_jwt_secret.get_secret_value()
        if settings.subscriber_jwt_secret is not None
        else aws.secret_string(str(settings.subscriber_jwt_secret_arn))
    )
    return ApiDeps(
        repo=DynamoRegistrationRepository(aws.table(settings.table_name)),
        store=S3DocumentStore(aws.client("s3"), settings.uploads_bucket),
        subscribers=SubscriberTokenVerifier(secret),
        reviewers=ReviewerTokenVerifier(settings.reviewer_jwks_url, settings.reviewer_issuer),
        upload_policy=UploadPolicy(settings.max_upload_bytes, settings.upload_url_ttl_seconds),
        review_lease_seconds=settings.review_lease_seconds,
        image_url_ttl_seconds=settings.image_url_ttl_seconds,
        clock=utcnow,
    )


app = build_resolver(deps)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
