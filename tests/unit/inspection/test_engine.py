"""inspect_document: bad input is a flagged result, bugs propagate, debug images appear."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from device_intake.domain.documents import DocumentKind
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection import engine, proof
from device_intake.inspection.engine import inspect_document
from PIL import Image, ImageDraw, ImageFont

INVOICES = Path(__file__).resolve().parents[4] / "shared" / "data" / "invoice2data" / "docs"
FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


def _receipt_png() -> bytes:
    lines = ["ビックカメラ 有楽町店", "ご購入日 2024年3月15日", "商品名 iPhone 15", "合計 ¥124,800"]
    font = ImageFont.truetype(FONT, 28)
    im = Image.new("RGB", (640, 300), "white")
    draw = ImageDraw.Draw(im)
    for i, text in enumerate(lines):
        draw.text((40, 40 + i * 56), text, font=font, fill=(20, 20, 20))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["front", "back", "proof"])
def test_corrupt_upload_is_a_flagged_result_for_every_kind(kind: str):
    result = inspect_document(kind, b"\xff\xd8\xff\xe0garbage", filename="x.jpg")
    assert result.kind == DocumentKind(kind)
    assert result.flags == [ReasonCode.CORRUPT_FILE]
    assert result.duration_ms is not None and result.duration_ms >= 0


def test_unknown_kind_is_a_caller_error():
    with pytest.raises(ValueError):
        inspect_document("selfie", b"")


def test_pdf_with_text_layer_is_read_without_ocr(monkeypatch: pytest.MonkeyPatch):
    def no_ocr() -> None:
        raise AssertionError("OCR engine must not be built for a text-layer PDF")

    monkeypatch.setattr("device_intake.inspection.ocr.default_engine", no_ocr)
    result = inspect_document("proof", (INVOICES / "coolblue1.pdf").read_bytes())
    assert result.engine == "pdf-text"
    assert str(result.fields.purchase_date) == "2014-04-19"
    assert result.fields.price == pytest.approx(717.97) and result.fields.currency == "EUR"


def test_a_bug_in_an_inspector_propagates_instead_of_becoming_a_flag(
    monkeypatch: pytest.MonkeyPatch,
):
    def broken(doc: object, ocr: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(proof, "inspect_proof", broken)
    with pytest.raises(ZeroDivisionError):
        inspect_document("proof", (INVOICES / "coolblue1.pdf").read_bytes())


def test_debug_dir_gets_annotated_image_page_and_result(tmp_path: Path):
    result = inspect_document("proof", _receipt_png(), debug_dir=tmp_path / "dbg")
    assert result.fields.model_name == "iPhone 15"
    written = {p.name for p in (tmp_path / "dbg").iterdir()}
    assert {"annotated.jpg", "result.json"} <= written
    assert any(name.endswith("proof_page.png") for name in written)
    annotated = np.asarray(Image.open(tmp_path / "dbg" / "annotated.jpg"))
    assert annotated.shape[:2] == (300, 640)


def test_debug_dir_for_a_rejected_file_still_has_the_result(tmp_path: Path):
    inspect_document("proof", b"not an image", debug_dir=tmp_path)
    assert (tmp_path / "result.json").is_file()
    assert not (tmp_path / "annotated.jpg").exists()


def test_engines_are_not_built_at_import():
    # The module keeps no engine of its own: ocr.default_engine() caches one per process.
    assert not any(type(value).__name__.endswith("OcrEngine") for value in vars(engine).values())
