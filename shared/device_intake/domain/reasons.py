"""Reason codes: the stable vocabulary shared by inspection, eligibility, the API and the UI.

Codes never change once published (they are stored in DynamoDB and shown in the CLI contract).
Subscriber-facing Japanese messages and reviewer-facing English lines live in
``domain/data/reasons.json`` and are loaded by :func:`describe`.
"""

from __future__ import annotations

from enum import StrEnum


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
    # --- pipeline / upload policy ---
    UPLOAD_OUTSIDE_PREFIX = "UPLOAD_OUTSIDE_PREFIX"
    INSPECTION_FAILED = "INSPECTION_FAILED"
