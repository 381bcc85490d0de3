"""boto3 clients, created lazily by each function's cached ``deps()``.

``AWS_ENDPOINT_URL`` (read by boto3 itself) points every client at moto, LocalStack or
DynamoDB Local; nothing here special-cases the local stack.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Lambda retries via the queue; a short client timeout fails fast into that retry.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5,
                 read_timeout=30, signature_version="s3v4")


def session() -> boto3.session.Session:
    return boto3.session.Session()


def client(service: str) -> Any:
    return session().client(service, config=_CONFIG)  # type: ignore[call-overload]


def table(name: str) -> Any:
    return session().resource("dynamodb", config=_CONFIG).Table(name)


def secret_string(secret_id: str) -> str:
    """A Secrets Manager secret's string (the subscriber-token key in AWS)."""
    value: str = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    return value
