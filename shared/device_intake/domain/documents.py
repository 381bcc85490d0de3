"""What an inspection of one uploaded document produces.

This is the contract between the inspection engine (``device_intake.inspection``), the
eligibility engine (``domain.eligibility``), the CLI (``device-intake inspect``, keys fixed
by ``shared/spec/cli.md``), DynamoDB items and the reviewer console. Extend, never rename.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from device_intake.domain.reasons import ReasonCode


class DocumentKind(StrEnum):
    FRONT = "front"
    BACK = "back"
    PROOF = "proof"


class DocumentFields(BaseModel):
    """Fields read off a document. Every key is always present in JSON output; unknown = null."""

    model_config = ConfigDict(extra="forbid")

    imei: str | None = Field(None, description="first IMEI: 15 digits, valid Luhn check digit")
    imeis: list[str] = Field(default_factory=list, description="every valid IMEI found, in order")
    serial: str | None = None
    purchase_date: date | None = None
    model_name: str | None = None
    store_name: str | None = None
    price_jpy: int | None = None
    carrier: str | None = None
    # Extension (additive): the total in the document's own currency, for foreign invoices
    # where price_jpy stays null; currency is ISO 4217 (JPY, USD, EUR, ...).
    price: float | None = None
    currency: str | None = None


class Box(BaseModel):
    """A region drawn over the (EXIF-rotated) image for reviewers: device, IMEI row, date."""

    model_config = ConfigDict(extra="forbid")

    label: str  # e.g. "device", "screen", "imei_row", "purchase_date", "model_name", "document"
    points: list[tuple[float, float]]  # polygon in pixels of the normalised image
    text: str | None = None  # what was read there (never logged)


class InspectionResult(BaseModel):
    """One inspected document: flags are reason codes (``[]`` = acceptable)."""

    model_config = ConfigDict(extra="forbid")

    kind: DocumentKind
    flags: list[ReasonCode] = Field(default_factory=list)
    fields: DocumentFields = Field(default_factory=DocumentFields)
    # Extensions beyond the CLI contract (all optional, safe to ignore):
    uncertain: list[str] = Field(
        default_factory=list,
        description="field names or checks the engine is unsure about -> reviewer attention",
    )
    boxes: list[Box] = Field(default_factory=list)
    image_size: tuple[int, int] | None = None  # (width, height) of the normalised image
    engine: str | None = None  # which OCR engine(s) produced the fields
    duration_ms: float | None = None

    def contract_json(self) -> dict[str, object]:
        """The ``device-intake inspect --json`` object (contract keys first, extensions after)."""
        return self.model_dump(mode="json")
