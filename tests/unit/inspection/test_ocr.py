"""The tesseract adapter: languages loaded, lines with boxes, digit whitelist honoured."""

from __future__ import annotations

import numpy as np
import pytest
from device_intake.inspection.ocr import (
    OcrEngine,
    OcrUnavailableError,
    TesseractOcrEngine,
    _join_words,
    make_engine,
    read_words,
)
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


@pytest.fixture(scope="module")
def engine() -> TesseractOcrEngine:
    return TesseractOcrEngine()


def _render(lines: list[str], size: int = 36) -> np.ndarray:
    img = Image.new("L", (900, 70 * len(lines) + 20), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for i, text in enumerate(lines):
        draw.text((12, 12 + 70 * i), text, font=font, fill=0)
    return np.array(img)


def test_tesseract_engine_satisfies_the_ocr_port(engine: TesseractOcrEngine) -> None:
    assert isinstance(engine, OcrEngine)
    assert engine.name == "tesseract"


def test_reads_japanese_label_and_digits_on_separate_lines(engine: TesseractOcrEngine) -> None:
    lines = engine.read(_render(["IMEI 35 209900 176148 1", "シリアル番号"]))
    assert len(lines) == 2
    assert lines[0].text.replace(" ", "").endswith("352099001761481")
    assert "シリアル" in lines[1].text
    _x, y, w, h = lines[0].box
    assert y < lines[1].box[1] and w > 300 and h > 15
    assert 0.0 <= lines[0].confidence <= 1.0


def test_digit_whitelist_drops_letters(engine: TesseractOcrEngine) -> None:
    lines = engine.read(_render(["IMEI 35 209900 176148 1"]), psm=7, whitelist="0123456789 ")
    assert len(lines) == 1
    assert "I" not in lines[0].text and "352099001761481" in lines[0].text.replace(" ", "")


def test_whitelist_does_not_leak_into_the_next_call(engine: TesseractOcrEngine) -> None:
    engine.read(_render(["IMEI 1"]), psm=7, whitelist="0123456789 ")
    lines = engine.read(_render(["IMEI 1"]), psm=7)
    assert "IMEI" in lines[0].text


def test_accepts_bgr_and_empty_images(engine: TesseractOcrEngine) -> None:
    bgr = np.dstack([_render(["12345"])] * 3)
    assert "12345" in engine.read(bgr, psm=7)[0].text
    assert engine.read(np.zeros((0, 0), np.uint8)) == []


def test_missing_language_fails_loudly() -> None:
    with pytest.raises(OcrUnavailableError):
        TesseractOcrEngine(langs=("jpn", "eng", "klingon"))


def test_cjk_words_are_joined_without_spaces() -> None:
    assert _join_words(["シリ", "アル", "番号", "F2LX"]) == "シリアル番号 F2LX"


def test_unknown_engine_name_is_rejected() -> None:
    with pytest.raises(ValueError):
        make_engine("abbyy")


def test_read_words_reads_scattered_words_in_one_strip_each(engine: TesseractOcrEngine) -> None:
    img = Image.new("L", (1200, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 32)
    spots = [("353166054852274", (40, 30)), ("Galaxy", (700, 120)), ("2024/03/15", (300, 300))]
    boxes = []
    for text, (x, y) in spots:
        draw.text((x, y), text, font=font, fill=0)
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        boxes.append((left, top, right - left, bottom - top))
    page = np.array(img)
    for strip_px in (2400, 400):  # all in one strip; one strip per word
        got = read_words(engine, page, boxes, lang="eng", strip_px=strip_px)
        assert [w.text if w else None for w in got] == [text for text, _ in spots]
        assert [w.box if w else None for w in got] == boxes
    assert read_words(engine, page, [], lang="eng") == []
