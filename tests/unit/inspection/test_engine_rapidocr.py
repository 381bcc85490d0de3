"""RapidOcrEngine: loads from the wheel's own models (no download) and reads Japanese."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from device_intake.inspection import ocr_rapid
from device_intake.inspection.ocr import OcrEngine, OcrUnavailableError
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


@pytest.fixture(scope="module")
def engine() -> ocr_rapid.RapidOcrEngine:
    return ocr_rapid.RapidOcrEngine()


def _line(text: str) -> np.ndarray:
    font = ImageFont.truetype(FONT, 32)
    im = Image.new("RGB", (720, 64), "white")
    ImageDraw.Draw(im).text((12, 14), text, font=font, fill="black")
    return np.asarray(im)[:, :, ::-1].copy()


def test_it_is_an_ocr_engine(engine: ocr_rapid.RapidOcrEngine):
    assert isinstance(engine, OcrEngine) and engine.name == "rapidocr"


def test_reads_a_japanese_date_row_with_kanji_numerals(engine: ocr_rapid.RapidOcrEngine):
    lines = engine.read(_line("ご購入日 二〇二五年七月十七日"), psm=7)
    assert "".join(line.text for line in lines).replace(" ", "") == "ご購入日二〇二五年七月十七日"


def test_full_page_read_after_a_single_line_read_still_detects_lines(
    engine: ocr_rapid.RapidOcrEngine,
):
    engine.read(_line("IMEI"), psm=7)  # rapidocr would keep detection switched off
    gap = np.full((48, 720, 3), 255, np.uint8)
    page = np.vstack([gap, _line("IMEI 352099001761481"), gap, _line("合計 ¥124,080"), gap])
    lines = engine.read(page)
    texts = [unicodedata.normalize("NFKC", line.text).replace(" ", "") for line in lines]
    assert texts == ["IMEI352099001761481", "合計¥124,080"]
    assert lines[0].box[1] < lines[1].box[1]


def test_whitelist_filters_the_output(engine: ocr_rapid.RapidOcrEngine):
    lines = engine.read(_line("IMEI 352099001761481"), psm=7, whitelist="0123456789")
    assert lines[0].text == "352099001761481"


def test_missing_model_file_refuses_instead_of_downloading(
    monkeypatch: pytest.MonkeyPatch, tmp_path
):
    monkeypatch.setattr(ocr_rapid, "_models_dir", lambda: tmp_path)
    with pytest.raises(OcrUnavailableError):
        ocr_rapid.RapidOcrEngine()
