"""Front photos end to end on a few generated cases (fixed seeds, small photos, cached)."""

from __future__ import annotations

import functools

import pytest
from device_intake.domain.documents import InspectionResult
from device_intake.inspection.front import inspect_front
from device_intake.inspection.loading import load_document
from device_intake.inspection.ocr import TesseractOcrEngine

from tests.generator.cases import CaseSpec, GeneratedCase, generate

SMALL = {"photo_size": (1536, 2048)}


@functools.cache
def _engine() -> TesseractOcrEngine:
    return TesseractOcrEngine()


@functools.cache
def _case(family: str, seed: int) -> tuple[GeneratedCase, InspectionResult]:
    params = {} if family == "front_screenshot" else dict(SMALL)
    case = generate(CaseSpec(family, "dev", params), seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    return case, inspect_front(doc, _engine())


@pytest.mark.parametrize("seed", [3, 4])
def test_acceptable_front_photo_yields_the_shown_imei_and_no_flags(seed: int) -> None:
    case, result = _case("front_photo", seed)
    assert result.flags == []
    assert result.fields.imei == case.label["fields"]["imei"]
    assert result.fields.imei in result.fields.imeis


def test_front_photo_boxes_outline_device_and_imei_row_inside_the_image() -> None:
    _, result = _case("front_photo", 3)
    labels = [b.label for b in result.boxes]
    assert "device" in labels and "imei_row" in labels
    assert result.image_size is not None
    w, h = result.image_size
    imei_box = next(b for b in result.boxes if b.label == "imei_row")
    assert imei_box.text == result.fields.imei
    assert all(-5 <= x <= w + 5 and -5 <= y <= h + 5 for x, y in imei_box.points)


def test_screenshot_is_flagged_but_its_imei_is_still_read() -> None:
    case, result = _case("front_screenshot", 1)
    assert result.flags == ["SCREENSHOT"]
    assert result.fields.imei == case.label["fields"]["imei"]


def test_back_photographed_for_the_front_is_back_side_shown() -> None:
    _, result = _case("front_back_shown", 2)
    assert result.flags == ["BACK_SIDE_SHOWN"]
    assert result.fields.imei is None


def test_dark_front_photo_is_too_dark() -> None:
    _, result = _case("front_dark", 3)
    assert "TOO_DARK" in result.flags


def test_box_instead_of_device_is_wrong_subject() -> None:
    _, result = _case("front_wrong_subject", 1)
    assert "WRONG_SUBJECT" in result.flags
