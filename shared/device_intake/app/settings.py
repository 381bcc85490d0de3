"""Function settings: pydantic models read from the environment (template.yaml / env.json).

Resource names have no defaults: a missing one fails at the first use of ``deps()`` with the
variable's name instead of silently talking to a wrong table. Tunables have documented defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class _EnvSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        source = os.environ if env is None else env
        return cls.model_validate({k.lower(): v for k, v in source.items() if v != ""})


class ApiSettings(_EnvSettings):
    table_name: str
    uploads_bucket: str
    reviewer_jwks_url: str
    reviewer_issuer: str
    # Exactly one of these: a literal HS256 key (local stack, SAM local) or the ARN of the
    # Secrets Manager secret holding it (AWS).
    subscriber_jwt_secret: SecretStr | None = None
    subscriber_jwt_secret_arn: str | None = None
    max_upload_bytes: int = Field(20 * 1024 * 1024, gt=0)
    upload_url_ttl_seconds: int = Field(900, gt=0)
    review_lease_seconds: int = Field(900, gt=0)
    image_url_ttl_seconds: int = Field(300, gt=0)

    @model_validator(mode="after")
    def _one_secret_source(self) -> ApiSettings:
        if (self.subscriber_jwt_secret is None) == (self.subscriber_jwt_secret_arn is None):
            raise ValueError("set exactly one of SUBSCRIBER_JWT_SECRET, SUBSCRIBER_JWT_SECRET_ARN")
        return self


class InspectSettings(_EnvSettings):
    table_name: str
    uploads_bucket: str
    decide_queue_url: str
    max_upload_bytes: int = Field(20 * 1024 * 1024, gt=0)
    # Must equal the redrive maxReceiveCount of the inspect queue (one template parameter
    # feeds both): on the last attempt a crash marks the registration FAILED.
    inspect_max_receive_count: int = Field(gt=0)


class EligibilitySettings(_EnvSettings):
    table_name: str
    review_sample_rate: float = Field(0.05, ge=0.0, le=1.0)
    eligibility_max_receive_count: int = Field(gt=0)
