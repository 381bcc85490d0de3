"""Reason codes: the stable vocabulary shared by inspection, eligibility, the API and the UI.

Codes never change once published (they are stored in DynamoDB and shown in the CLI contract).
Subscriber-facing Japanese messages and reviewer-facing English lines live in
``domain/data/reasons.json`` and are loaded by :func:`describe`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class ReasonCode(StrEnum):
    # --- file-level (any document) ---
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    CORRUPT_FILE = "CORRUPT_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    # --- photo defects (front / back) ---
    SCREENSHOT = "SCREENSHOT"
    PARTIAL_FRAME = "PARTIAL_FRAME"
    CASE_ATTACHED = "CASE_ATTACHED"
    WRONG_SUBJECT = "WRONG_SUBJECT"
    BACK_SIDE_SHOWN = "BACK_SIDE_SHOWN"
    FRONT_SIDE_SHOWN = "FRONT_SIDE_SHOWN"
    LOW_RESOLUTION = "LOW_RESOLUTION"
    TOO_DARK = "TOO_DARK"
    BLURRY = "BLURRY"
    IMEI_NOT_FOUND = "IMEI_NOT_FOUND"
    IMEI_CHECKSUM_INVALID = "IMEI_CHECKSUM_INVALID"
    # --- purchase proof defects ---
    DATE_NOT_FOUND = "DATE_NOT_FOUND"
    MODEL_OR_ID_NOT_FOUND = "MODEL_OR_ID_NOT_FOUND"
    PARTIAL_DOCUMENT = "PARTIAL_DOCUMENT"
    # --- cross-document / eligibility ---
    IMEI_MISMATCH = "IMEI_MISMATCH"
    MODEL_MISMATCH = "MODEL_MISMATCH"
    DUPLICATE_IMEI = "DUPLICATE_IMEI"
    DOCUMENT_MISSING = "DOCUMENT_MISSING"
    CATEGORY_NOT_COVERED = "CATEGORY_NOT_COVERED"
    RELEASE_TOO_OLD = "RELEASE_TOO_OLD"
    PURCHASE_OUTSIDE_WINDOW = "PURCHASE_OUTSIDE_WINDOW"
    PURCHASE_IN_FUTURE = "PURCHASE_IN_FUTURE"
    PURCHASE_BEFORE_RELEASE = "PURCHASE_BEFORE_RELEASE"
    CARRIER_NOT_COVERED = "CARRIER_NOT_COVERED"
    CARRIER_GUARANTEE_REQUIRED = "CARRIER_GUARANTEE_REQUIRED"
    NOT_SOLD_BY_OPERATOR = "NOT_SOLD_BY_OPERATOR"
    CONTRACT_TYPE_NOT_COVERED = "CONTRACT_TYPE_NOT_COVERED"  # mobile-anshin-value: not new/機種変更
    MODEL_NOT_IN_CATALOG = "MODEL_NOT_IN_CATALOG"  # unknown model: release date unverifiable
    DECLARATION_MISMATCH = "DECLARATION_MISMATCH"  # form answers contradicted by documents/catalog
    DECLARATION_INCOMPLETE = "DECLARATION_INCOMPLETE"  # a required form answer is missing
    INSPECTION_UNCERTAIN = "INSPECTION_UNCERTAIN"  # the engine is unsure of a reading
    PURCHASED_FROM_INDIVIDUAL = "PURCHASED_FROM_INDIVIDUAL"  # proof from a flea market/auction
    # --- pipeline / upload policy ---
    UPLOAD_OUTSIDE_PREFIX = "UPLOAD_OUTSIDE_PREFIX"
    INSPECTION_FAILED = "INSPECTION_FAILED"


class ReasonText(BaseModel):
    """What to show for a code: Japanese for the subscriber, English for reviewers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title_ja: str = Field(min_length=1)  # what is wrong
    action_ja: str = Field(min_length=1)  # what to do now
    reviewer_en: str = Field(min_length=1)  # what it means for a reviewer


@cache
def _texts() -> dict[str, ReasonText]:
    raw = resources.files("device_intake.domain").joinpath("data", "reasons.json").read_text(
        encoding="utf-8"
    )
    return {code: ReasonText.model_validate(text) for code, text in json.loads(raw).items()}


def describe(code: ReasonCode | str) -> ReasonText:
    """Messages for ``code`` from ``domain/data/reasons.json`` (KeyError for an unknown code)."""
    return _texts()[ReasonCode(code).value]
