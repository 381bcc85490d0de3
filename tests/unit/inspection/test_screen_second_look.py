"""A screen where tesseract found no IMEI row is read once more by the second engine."""

from __future__ import annotations

import numpy as np
import pytest
from device_intake.domain.imei import is_valid_imei
from device_intake.inspection import front
from device_intake.inspection.ocr import OcrLine
from device_intake.inspection.screen_text import FoundValue, ScreenText, read_screen_second

SCREEN = np.full((600, 300), 255, np.uint8)
INVALID = "35 533708 514220 2"  # what a counterfeit's 情報 screen showed (dev-25)


class _Lines:
    """A whole-screen reader that read the rows' digits but garbled their labels."""

    name = "rapidocr"

    def __init__(self, *texts: str):
        self.texts = texts

    def read(self, image: np.ndarray, **_: object) -> list[OcrLine]:
        return [
            OcrLine(text, 0.95, (20, 100 + 40 * k, 250, 20)) for k, text in enumerate(self.texts)
        ]


class _NoDigits:
    """Tesseract's digit re-reads of the tiny rows: nothing."""

    name = "tesseract"

    def read(self, image: np.ndarray, **_: object) -> list[OcrLine]:
        return []


def test_an_ios_grouped_number_that_fails_luhn_is_a_checksum_error() -> None:
    assert not is_valid_imei(INVALID.replace(" ", ""))
    text = read_screen_second(SCREEN, _Lines("TWE12", INVALID), _NoDigits())
    assert [v.value for v in text.invalid_imei_rows] == ["355337085142202"]
    assert text.imeis == [] and "rapidocr" in text.engines


def test_an_ungrouped_number_that_fails_luhn_is_not_taken_for_an_imei() -> None:
    text = read_screen_second(SCREEN, _Lines("TWE12", "355337085142202"), _NoDigits())
    assert text.invalid_imei_rows == [] and text.imeis == []


def test_a_valid_imei_read_by_the_second_engine_is_returned() -> None:
    text = read_screen_second(SCREEN, _Lines("1481", "35 533708 514220 3"), _NoDigits())
    assert [v.value for v in text.imeis] == ["355337085142203"]


def _screen_text(height: float, **found: object) -> ScreenText:
    return ScreenText(lines=[], scale=1.0, text_height=height, **found)  # type: ignore[arg-type]


def test_the_second_look_is_for_tiny_text_with_nothing_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    tess = _NoDigits()
    assert front._second_look_needed(_screen_text(8.0), tess)
    assert front._second_look_needed(_screen_text(16.7), tess)  # tilted, noisy: digits lost
    assert not front._second_look_needed(_screen_text(24.0), tess)  # tesseract had a fair go
    assert not front._second_look_needed(_screen_text(0.0), tess)  # no text on the screen
    assert not front._second_look_needed(_screen_text(8.0), _Lines())  # already RapidOCR
    monkeypatch.setenv("DEVICE_INTAKE_SCREEN_FALLBACK", "none")
    assert not front._second_look_needed(_screen_text(8.0), tess)


def test_an_imei_label_with_unread_digits_still_gets_the_second_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tesseract found the IMEI label but not its digits ("IME}. MO |"): the second engine
    # reads them (dev-900568, dev-900570 were IMEI_NOT_FOUND).
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    unread = [FoundValue(kind="imei", value="", box=(0.0, 0.0, 10.0, 10.0), read_text="")]
    assert front._second_look_needed(_screen_text(16.7, unread_rows=unread), _NoDigits())
