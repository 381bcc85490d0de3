"""inspect_proof on pictures: flat and photographed receipts, cut and low-resolution ones,
generated proofs and real invoices through OCR (a small set: each is an OCR run)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from device_intake.domain.documents import InspectionResult
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection.engine import inspect_document
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"
INVOICE_DIR = Path(__file__).resolve().parents[4] / "shared" / "data" / "invoice2data"
RECEIPT = [
    "ヨドバシカメラ マルチメディア梅田",
    "領収書",
    "発行日 2024年3月20日",
    "ご購入日: 2024年3月15日",
    "商品名 iPhone 15 128GB ブルー",
    "IMEI 35 209900 176148 1",
    "小計 ¥112,800",
    "合計 ¥124,080 (税込)",
    "保証期限 2025年3月14日",
    "お預り ¥130,000",
]


def _receipt(size: int = 26) -> np.ndarray:
    """A white receipt (BGR) with the lines above; text ``size`` px high."""
    font = ImageFont.truetype(FONT, size)
    height = 80 + len(RECEIPT) * int(size * 1.6)
    im = Image.new("RGB", (900, height), "white")
    draw = ImageDraw.Draw(im)
    for i, text in enumerate(RECEIPT):
        draw.text((40, 40 + i * int(size * 1.6)), text, font=font, fill=(20, 20, 20))
    return np.asarray(im)[:, :, ::-1].copy()


def _photograph(
    page: np.ndarray, corners: np.ndarray, canvas: tuple[int, int] = (1200, 1600)
) -> np.ndarray:
    """``page`` placed at ``corners`` on a dark, slightly noisy table."""
    w_canvas, h_canvas = canvas
    rng = np.random.default_rng(7)
    table = np.clip(rng.normal(70, 8, (h_canvas, w_canvas, 3)), 0, 255).astype(np.uint8)
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (w_canvas, h_canvas))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (w_canvas, h_canvas))
    table[mask > 0] = warped[mask > 0]
    return table


def _png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return buf.tobytes()


def _jpeg(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return buf.tobytes()


# A tilted, slightly perspective view that keeps the receipt's own aspect (900 x 490).
TILTED = np.array([[160, 420], [1060, 460], [1040, 960], [140, 930]], dtype=np.float32)


def _assert_receipt_fields(result: InspectionResult) -> None:
    fields = result.fields
    assert fields.purchase_date == date(2024, 3, 15)  # ご購入日 beats 発行日 and 保証期限
    assert fields.model_name == "iPhone 15"
    assert fields.imei == "352099001761481"
    assert fields.price_jpy == 124080
    assert fields.store_name == "ヨドバシカメラ"


def test_flat_receipt_gives_every_field_and_no_flags():
    result = inspect_document("proof", _png(_receipt()), filename="receipt.png")
    assert result.flags == []
    _assert_receipt_fields(result)
    labels = {box.label for box in result.boxes}
    assert {"document", "purchase_date", "model_name", "imei"} <= labels
    date_box = next(box for box in result.boxes if box.label == "purchase_date")
    ys = [y for _, y in date_box.points]
    line_top = 40 + 3 * int(26 * 1.6)  # the ご購入日 line
    assert min(ys) < line_top + 26 and max(ys) > line_top


def test_photographed_tilted_receipt_is_rectified_and_read():
    result = inspect_document("proof", _jpeg(_photograph(_receipt(), TILTED)))
    assert result.flags == []
    _assert_receipt_fields(result)
    document = next(box for box in result.boxes if box.label == "document")
    found = np.array(document.points)
    assert np.abs(found - TILTED).max() < 25  # the sheet's corners, within a few pixels


def test_receipt_running_off_the_photo_is_partial():
    cut = TILTED + np.array([0, -480], dtype=np.float32)  # the top of the sheet leaves the frame
    result = inspect_document("proof", _jpeg(_photograph(_receipt(), cut)))
    assert ReasonCode.PARTIAL_DOCUMENT in result.flags


def test_flat_image_cropped_through_text_is_partial():
    page = _receipt()
    cropped = page[: 40 + 6 * int(26 * 1.6) + 12]  # through the 小計 line
    result = inspect_document("proof", _png(cropped))
    assert ReasonCode.PARTIAL_DOCUMENT in result.flags


def test_cut_receipt_with_large_print_is_not_low_resolution_for_its_small_picture():
    # 57 % of a receipt kept: a 636 x 434 picture, under the 640 px a whole upload needs,
    # of print 20 px high. The cut says what to retake; the resolution was fine.
    generator = pytest.importorskip("tests.generator.cases")
    case = generator.generate(generator.CaseSpec("proof_partial", split="dev"), 54)
    result = inspect_document("proof", case.data, filename=case.filename)
    assert ReasonCode.PARTIAL_DOCUMENT in result.flags
    assert ReasonCode.LOW_RESOLUTION not in result.flags


def test_downscaled_upload_is_low_resolution():
    small = cv2.resize(_receipt(), None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)
    result = inspect_document("proof", _png(small))
    assert ReasonCode.LOW_RESOLUTION in result.flags


def test_screenshot_proof_is_never_flagged_as_screenshot():
    result = inspect_document("proof", _png(_receipt()), filename="Screenshot_2024.png")
    assert ReasonCode.SCREENSHOT not in result.flags


def test_proof_without_date_or_model_gets_both_flags():
    font = ImageFont.truetype(FONT, 28)
    im = Image.new("RGB", (800, 240), "white")
    draw = ImageDraw.Draw(im)
    draw.text((40, 40), "ヨドバシカメラ 梅田", font=font, fill="black")
    draw.text((40, 110), "スマホケース 1点 ¥2,480", font=font, fill="black")
    result = inspect_document("proof", _png(np.asarray(im)[:, :, ::-1].copy()))
    assert ReasonCode.DATE_NOT_FOUND in result.flags
    assert ReasonCode.MODEL_OR_ID_NOT_FOUND in result.flags


@pytest.mark.parametrize("seed", [0, 19])
def test_generated_proof_matches_its_label(seed: int):
    generator = pytest.importorskip("tests.generator.cases")
    case = generator.generate(generator.CaseSpec("proof", split="dev"), seed)
    result = inspect_document("proof", case.data, filename=case.filename)
    assert [str(flag) for flag in result.flags] == case.label["expected_flags"]
    assert str(result.fields.purchase_date) == case.label["fields"]["purchase_date"]
    assert result.fields.model_name == case.label["fields"]["model_name"]


def _invoice(name: str) -> dict[str, object]:
    for raw in (INVOICE_DIR / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row: dict[str, object] = json.loads(raw)
        if row["file"] == f"docs/{name}":
            return row
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["coolblue1_p1.png", "FlipkartInvoice_p1.png"])
def test_real_invoice_scan_through_ocr_gives_date_and_total(name: str):
    row = _invoice(name)
    result = inspect_document("proof", (INVOICE_DIR / str(row["file"])).read_bytes())
    assert str(result.fields.purchase_date) == row["date"]
    assert result.fields.price == pytest.approx(float(row["price_total"]))  # type: ignore[arg-type]
    assert result.fields.currency == row["currency"]


def _text_page(lines: list[str]) -> Image.Image:
    font = ImageFont.truetype(FONT, 30)
    im = Image.new("RGB", (900, 400), "white")
    draw = ImageDraw.Draw(im)
    for i, text in enumerate(lines):
        draw.text((50, 50 + i * 60), text, font=font, fill="black")
    return im


def test_scanned_pdf_reads_the_model_from_page_two():
    first = _text_page(["ご契約内容確認書", "ご契約日 2024年3月15日"])
    second = _text_page(["機種情報", "機種名 iPhone 15"])
    buf = io.BytesIO()
    first.save(buf, "PDF", save_all=True, append_images=[second], resolution=144.0)
    result = inspect_document("proof", buf.getvalue(), filename="contract.pdf")
    assert result.flags == []
    assert result.fields.purchase_date == date(2024, 3, 15)
    assert result.fields.model_name == "iPhone 15"


def test_carrier_named_in_a_coloured_header_bar_is_read():
    # A My SoftBank contract page: white text on a dark bar, the carrier only named there.
    font = ImageFont.truetype(FONT, 30)
    im = Image.new("RGB", (900, 420), "white")
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 900, 90), fill=(60, 60, 60))
    draw.text((30, 28), "My SoftBank", font=font, fill="white")
    draw.text((40, 140), "契約日 2024/03/15", font=font, fill="black")
    draw.text((40, 210), "機種名 iPhone 15", font=font, fill="black")
    result = inspect_document("proof", _png(np.asarray(im)[:, :, ::-1].copy()))
    assert result.fields.carrier == "softbank"
    assert result.flags == []
