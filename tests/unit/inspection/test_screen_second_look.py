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
    # reads them (dev-900568, dev-900570 were IMEI_NOT_FOUND). At any text size: glare and
    # moiré over 38 px digits gave "IMEI 35 72766. |" (dev-901021).
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    unread = [FoundValue(kind="imei", value="", box=(0.0, 0.0, 10.0, 10.0), read_text="")]
    assert front._second_look_needed(_screen_text(16.7, unread_rows=unread), _NoDigits())
    assert front._second_look_needed(_screen_text(38.0, unread_rows=unread), _NoDigits())
    assert not front._second_look_needed(_screen_text(38.0), _NoDigits())


IMEI1, IMEI2 = "354354003821488", "354354001827651"


def test_an_imei_labelled_imei2_read_alone_says_the_first_row_was_missed() -> None:
    # Tesseract saw "IME12" over IMEI2's digits and nothing of IMEI1's row (dev-900020):
    # the IMEI reported was IMEI2.
    alone = read_screen_second(SCREEN, _Lines("IME12", IMEI2), _NoDigits())
    assert [v.value for v in alone.imeis] == [IMEI2] and alone.first_row_unread
    both = read_screen_second(SCREEN, _Lines("IMEI1", IMEI1, "IMEI2", IMEI2), _NoDigits())
    assert [v.value for v in both.imeis] == [IMEI1, IMEI2] and not both.first_row_unread


def _upright(text: ScreenText, rotation: int = 0) -> front._Upright:
    return front._Upright(text, rotation, np.eye(3))


def test_imei1_missed_is_read_again_and_taken_only_with_more_imeis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    first = _upright(read_screen_second(SCREEN, _Lines("IME12", IMEI2), _NoDigits()))
    assert front._first_row_missed(first, _NoDigits())
    assert not front._first_row_missed(_upright(first.screen, rotation=1), _NoDigits())
    monkeypatch.setattr(front, "second_reader", lambda ocr: _Lines("IMEI1", IMEI1, "IMEI2", IMEI2))
    again = front._second_look(SCREEN, _NoDigits(), first, more_imeis=True)
    assert [v.value for v in again.screen.imeis] == [IMEI1, IMEI2]
    # The second engine reading one row as well (whichever) changes nothing.
    monkeypatch.setattr(front, "second_reader", lambda ocr: _Lines("IMEI", IMEI1))
    assert front._second_look(SCREEN, _NoDigits(), first, more_imeis=True) is first


def test_a_photo_where_tesseract_read_only_imei2_reports_imei1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dev sweep seed 900020 (defocused, lit unevenly): tesseract read "IVE【" and "oy" for
    # IMEI1's row and reported IMEI2 as the IMEI.
    from device_intake.inspection.loading import load_document
    from device_intake.inspection.ocr import TesseractOcrEngine

    from tests.generator.cases import CaseSpec, generate

    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    case = generate(CaseSpec("front_photo", "dev"), 900_020)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    result = front.inspect_front(doc, TesseractOcrEngine())
    assert result.fields.imei == case.label["fields"]["imei"] == IMEI1
    assert result.flags == [] and "imei" not in result.uncertain


def _failing_row() -> list[FoundValue]:
    """The IMEI row read as INVALID: fifteen digits that fail the check digit."""
    value = INVALID.replace(" ", "")
    return [FoundValue(kind="imei", value=value, box=(0, 0, 10, 10), read_text="")]


def test_digits_that_fail_the_check_get_a_second_reading_before_the_subscriber_is_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dev sweep seed 905094: tesseract misread one digit of IMEI1 ("358619003059305") and
    # the photo was answered IMEI_CHECKSUM_INVALID; RapidOCR reads the row right.
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    bad = _failing_row()
    assert front._second_look_needed(_screen_text(38.0, invalid_imei_rows=bad), _NoDigits())
    good = [FoundValue(kind="imei", value=IMEI1, box=(0, 20, 10, 10), read_text="")]
    assert not front._second_look_needed(
        _screen_text(38.0, invalid_imei_rows=bad, imeis=good), _NoDigits()
    )
    first = _upright(_screen_text(38.0, invalid_imei_rows=bad))
    monkeypatch.setattr(front, "second_reader", lambda ocr: _Lines("IMEI", IMEI1))
    again = front._second_look(SCREEN, _NoDigits(), first)
    assert [v.value for v in again.screen.imeis] == [IMEI1]
    # Read the same way twice: the check digit does fail (a counterfeit's screen).
    monkeypatch.setattr(front, "second_reader", lambda ocr: _Lines("IMEI", INVALID))
    again = front._second_look(SCREEN, _NoDigits(), first)
    assert again.screen.imeis == [] and again.screen.invalid_imei_rows


def test_a_serial_read_by_the_second_engine_does_not_hide_digits_that_fail_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dev sweep seed 905001 (checksum-invalid front): tesseract read the IMEI row's 15
    # digits, RapidOCR read the serial and not the IMEI row, and the front passed.
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    bad = _failing_row()
    first = _upright(_screen_text(38.0, invalid_imei_rows=bad))
    monkeypatch.setattr(front, "second_reader", lambda ocr: _Lines("シリアル番号 F2LXK0ABCD12"))
    assert front._second_look(SCREEN, _NoDigits(), first) is first
    # Nothing read by tesseract: the serial is taken.
    empty = _upright(_screen_text(8.0))
    again = front._second_look(SCREEN, _NoDigits(), empty)
    assert again.screen.serial is not None and again.screen.serial.value == "F2LXK0ABCD12"


def test_an_unread_imei_row_gets_the_second_look_even_with_the_serial_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dev sweep seed 905007: the serial was read, IMEI and IMEI2 labelled but unread; the
    # front passed on the serial alone, and its IMEIs failed the check digit.
    monkeypatch.delenv("DEVICE_INTAKE_SCREEN_FALLBACK", raising=False)
    unread = [FoundValue(kind="imei", value="", box=(0.0, 0.0, 10.0, 10.0), read_text="")]
    serial = FoundValue(kind="serial", value="F2LXK0ABCD12", box=(0, 40, 10, 10), read_text="")
    text = _screen_text(38.0, unread_rows=unread, serial=serial)
    assert front._second_look_needed(text, _NoDigits())
    assert not front._second_look_needed(_screen_text(8.0, serial=serial), _NoDigits())


class _Attempts:
    """Tesseract whose layout passes read different things at each scale: the IMEI row's
    15 digits (failing the check) first, the serial and an unread IMEI label after."""

    name = "tesseract"

    def __init__(self) -> None:
        self.layouts = 0

    def read(self, image: np.ndarray, **opts: object) -> list[OcrLine]:
        if opts.get("whitelist"):
            return []  # digit re-reads add nothing
        self.layouts += 1
        if self.layouts == 1:
            return [OcrLine(f"IMEI {INVALID}", 0.9, (20, 100, 250, 20))]
        return [
            OcrLine("シリアル番号 F2LXK0ABCD12", 0.9, (20, 60, 250, 20)),
            OcrLine("IMEI", 0.9, (20, 100, 60, 20)),
        ]


def test_digits_failing_the_check_outrank_a_serial_from_another_attempt() -> None:
    from device_intake.inspection.screen_text import read_screen

    screen = np.full((600, 300), 255, np.uint8)
    ocr = _Attempts()
    text = read_screen(screen, ocr)
    assert ocr.layouts >= 2  # no valid IMEI in the first pass: the others were tried
    assert [v.value for v in text.invalid_imei_rows] == [INVALID.replace(" ", "")]
    assert text.serial is not None and text.serial.value == "F2LXK0ABCD12"
