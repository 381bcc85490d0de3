"""What a subscriber told us about a device: the input of eligibility (``decide``).

Mirrors the ``device-intake decide`` JSON of ``shared/spec/cli.md`` (minus ``documents``,
which arrive as :class:`~device_intake.domain.documents.InspectionResult` values) plus
``imei_registered_elsewhere``, which the pipeline sets from its IMEI index.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from device_intake.domain.plans import Category, PlanId

ContractType = Literal["new", "model_change", "mnp"]


class DeviceFacts(BaseModel):
    """Form items 1–4 (種別・メーカー・機種・IMEI/シリアル番号/製造番号)."""

    model_config = ConfigDict(extra="forbid")

    category: Category
    maker: str = Field(min_length=1)
    model: str = Field(min_length=1)
    model_id: str | None = None  # catalog id when picked from the list; None with その他
    imei: str | None = None
    serial: str | None = None
    released_on: date | None = None  # filled from the model catalog when absent


class DeclaredFacts(BaseModel):
    """Form items 5–6, plus the plan-specific facts (mobile-anshin-value)."""

    model_config = ConfigDict(extra="forbid")

    purchased_after_enrollment: bool
    release_over_5_years: bool
    carrier: str | None = None  # docomo / au / softbank, or another carrier's name
    contract_type: ContractType | None = None
    carrier_guarantee: bool | None = None  # joined the carrier's own guarantee service
    sold_by_operator: bool | None = None  # bought from the operator or its agent


class RegistrationFacts(BaseModel):
    """One device registration as the eligibility engine sees it."""

    model_config = ConfigDict(extra="forbid")

    plan: PlanId
    enrolled_on: date  # 加入日 / 利用契約開始日 / 提供開始日
    submitted_on: date  # the day the registration form was sent
    device: DeviceFacts
    declared: DeclaredFacts
    imei_registered_elsewhere: bool = False  # another subscriber registered this IMEI

    @model_validator(mode="after")
    def _submitted_not_before_enrollment(self) -> RegistrationFacts:
        # Registration happens from the subscriber's My page, which exists only once enrolled.
        if self.submitted_on < self.enrolled_on:
            raise ValueError("submitted_on is before enrolled_on")
        return self
