"""Rows are read once more on their own: the purchase date's (disagreements are settled) and
the rows that should hold a missing field."""

from __future__ import annotations

from datetime import date

import cv2
import numpy as np
import pytest
from device_intake.inspection import proof
from device_intake.inspection.ocr import OcrLine, OcrWord
from device_intake.inspection.proof_fields import ProofFields

from tests.fakes.ocr import ocr_line


class _Reader:
    """Answers every single-line read with ``text``; counts the reads."""

    name = "fake"

    def __init__(self, text: str, secondary: _Reader | None = None):
        self.text = text
        self.secondary = secondary
        self.calls = 0

    def read(self, image: np.ndarray, **_: object) -> list[OcrLine]:
        self.calls += 1
        h, w = image.shape[:2]
        return [OcrLine(self.text, 0.9, (0, 0, w, h))]


PAGE = np.full((200, 800), 255, np.uint8)
LINES = [OcrLine("発行日 March 19, 2022", 0.94, (20, 40, 600, 24))]


def _fields() -> ProofFields:
    return ProofFields(purchase_date=date(2022, 3, 19), lines={"purchase_date": 0})


@pytest.fixture(autouse=True)
def _rows_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVICE_INTAKE_PROOF_FALLBACK", "rows")


def test_two_agreeing_row_readings_replace_the_page_reading() -> None:
    second = _Reader("発行日 March 10, 2022")
    fields = _fields()
    name = proof._confirm_date(PAGE, LINES, fields, _Reader("March 10, 2022", second), "tess")
    assert fields.purchase_date == date(2022, 3, 10)
    assert "purchase_date" not in fields.uncertain
    assert name == "tess+fake:date"


def test_a_confirmed_date_costs_one_read_and_no_second_engine() -> None:
    second = _Reader("March 10, 2022")
    fields = _fields()
    proof._confirm_date(PAGE, LINES, fields, _Reader("発行日 March 19, 2022", second), "tess")
    assert fields.purchase_date == date(2022, 3, 19)
    assert second.calls == 0 and not fields.uncertain


def test_second_engine_siding_with_the_page_keeps_it() -> None:
    fields = _fields()
    reader = _Reader("March 10, 2022", _Reader("March 19, 2022"))
    proof._confirm_date(PAGE, LINES, fields, reader, "tess")
    assert fields.purchase_date == date(2022, 3, 19) and not fields.uncertain


def test_three_different_readings_keep_the_page_date_for_a_reviewer() -> None:
    fields = _fields()
    reader = _Reader("March 10, 2022", _Reader("March 11, 2022"))
    proof._confirm_date(PAGE, LINES, fields, reader, "tess")
    assert fields.purchase_date == date(2022, 3, 19)
    assert fields.uncertain == ["purchase_date"]


def test_without_a_second_engine_a_disagreement_is_only_marked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEVICE_INTAKE_PROOF_FALLBACK", "none")
    fields = _fields()
    proof._confirm_date(PAGE, LINES, fields, _Reader("March 10, 2022"), "tess")
    assert fields.purchase_date == date(2022, 3, 19)
    assert fields.uncertain == ["purchase_date"]


# 2024-03-15 was a Friday (金). Tesseract's misreads of digits ("10月" read "1月") leave the
# printed weekday standing: a date and its own weekday that disagree cannot both be right.
WD_LINES = [OcrLine("ご購入日 2024年3月16日(金)", 0.94, (20, 40, 600, 24))]


def _wd_fields() -> ProofFields:
    return ProofFields(
        purchase_date=date(2024, 3, 16), lines={"purchase_date": 0}, uncertain=["purchase_date"]
    )


def test_a_row_reading_its_weekday_agrees_with_replaces_a_page_reading_it_contradicts() -> None:
    second = _Reader("2024年3月16日(金)")
    fields = _wd_fields()
    name = proof._confirm_date(PAGE, WD_LINES, fields, _Reader("2024年3月15日(金)", second), "t")
    assert fields.purchase_date == date(2024, 3, 15)
    assert name == "t:weekday" and second.calls == 0


def test_the_same_misread_twice_is_no_confirmation_the_second_engine_is_asked() -> None:
    fields = _wd_fields()
    second = _Reader("2024年3月15日(金)")
    name = proof._confirm_date(PAGE, WD_LINES, fields, _Reader("2024年3月16日(金)", second), "t")
    assert second.calls == 1
    assert fields.purchase_date == date(2024, 3, 15) and name == "t+fake:weekday"


def test_a_date_no_reading_squares_with_its_weekday_goes_to_a_reviewer() -> None:
    fields = _wd_fields()
    second = _Reader("2024年3月16日(金)")
    proof._confirm_date(PAGE, WD_LINES, fields, _Reader("2024年3月16日(金)", second), "t")
    assert fields.purchase_date == date(2024, 3, 16) and fields.uncertain == ["purchase_date"]


def test_a_row_reading_without_its_weekday_does_not_replace_the_page_alone() -> None:
    second = _Reader("2024年3月16日")
    fields = _wd_fields()
    proof._confirm_date(PAGE, WD_LINES, fields, _Reader("2024年3月15日", second), "t")
    assert second.calls == 1  # no weekday to vouch for it: the two-engine rule decides
    assert fields.purchase_date == date(2024, 3, 16) and fields.uncertain == ["purchase_date"]


def test_the_date_crop_keeps_the_printed_weekday() -> None:
    words = [("購入日", 20, 90), ("2024年3月15日", 400, 200), ("(金)", 610, 50)]
    line = ocr_line([*words, ("店頭", 700, 60)], y=40, h=24)
    page = np.full((200, 800), 255, np.uint8)
    page[40:64, 400:660] = 0
    crop = proof._date_crop(page, line, date(2024, 3, 15))
    assert crop is not None and crop.shape[1] == 260 + 2 * 8  # date and weekday, not 店頭


def test_the_re_read_is_given_only_the_date_words_of_the_row() -> None:
    words = [("発行日", 20, 90), ("March", 400, 80), ("19,", 490, 40), ("2022", 540, 70)]
    line = ocr_line([*words, ("(税込)", 650, 90)], y=40, h=24)
    page = np.full((200, 800), 255, np.uint8)
    page[40:64, 400:610] = 0  # ink where the date words are, to tell the crop apart
    crop = proof._date_crop(page, line, date(2022, 3, 19))
    assert crop is not None
    # From "March" to "2022", a third of the row's height to each side, then cut to the
    # band of ink with a quarter-height margin: neither the label nor "(税込)".
    assert crop.shape == (24 + 2 * 6, 210 + 2 * 8)
    assert proof._date_crop(page, line, date(2022, 3, 10)) is None  # not in this row


def test_a_word_box_reaching_into_the_next_row_does_not_bring_it_into_the_crop() -> None:
    # Dev proofs: tesseract boxed a 日 33-38 px tall on a 24 px row; the crop took in the
    # top of the next row and the single-line read returned garbage ("et eae").
    label = OcrWord("発行日", 0.9, (20, 40, 90, 24))
    tall = OcrWord("2023年4月10日", 0.9, (400, 40, 210, 44))
    line = OcrLine("発行日 2023年4月10日", 0.9, (20, 40, 590, 24), (label, tall))
    page = np.full((200, 800), 255, np.uint8)
    page[40:64, 400:610] = 0  # the date
    page[76:100, 400:610] = 0  # the next row, 12 px below
    crop = proof._date_crop(page, line, date(2023, 4, 10))
    assert crop is not None
    assert crop.shape[0] == 24 + 2 * 6  # the date's band only


def test_a_slanted_rule_above_the_row_is_not_taken_for_its_text() -> None:
    # Dev proof photo: the separator above 注文日's row, a little slanted after
    # rectification, spanned 6+ pixel rows; the row crop was cut down to it, the re-read
    # of the row found nothing and the proof was DATE_NOT_FOUND.
    strip = np.full((50, 900), 255, np.uint8)
    cv2.line(strip, (0, 2), (899, 9), 0, 2)  # the rule, 7 px of slant over the row
    strip[20:44, 10:70] = 0  # the label
    strip[20:44, 300:560] = 0  # the date
    band = proof._first_text_band(strip)
    assert band is not None
    top, bottom = band
    assert top >= 12 and bottom >= 44  # the text's band, with its margin


def test_a_model_row_that_lost_its_digits_is_read_again() -> None:
    # Dev receipt: "Xperia 1 V" read "Xperia V" named no model and, with no digit left,
    # did not look like a product row: the second engine never saw it.
    lines = [
        OcrLine("Xperia V", 0.86, (20, 40, 300, 24)),
        OcrLine("上記正に領収いたしました", 0.83, (20, 100, 500, 24)),
    ]
    reader = _Reader("Xperia 1 V")
    out = proof._reread_rows(PAGE, lines, ProofFields(), reader)
    assert out is not None and [line.text for line in out] == ["Xperia 1 V", lines[1].text]
    assert reader.calls == 1
