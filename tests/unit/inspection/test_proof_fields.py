"""Proof fields from text alone: labelled purchase dates beat distractors, model/ID, store,
price and carrier (OCR-like and PDF text, Japanese and foreign)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from device_intake.inspection.loading import load_document
from device_intake.inspection.proof_fields import (
    TextLine,
    as_lines,
    extract_proof_fields,
    normalize_line,
)

INVOICE_DIR = Path(__file__).resolve().parents[4] / "shared" / "data" / "invoice2data"


def fields_of(text: str):
    return extract_proof_fields(as_lines(text))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "label",
    [
        "購入日",
        "ご購入日",
        "お買上げ日",
        "お買い上げ日",
        "契約日",
        "お申込日",
        "申込日",
        "注文日",
        "ご注文日",
        "発行日",
        "販売日",
    ],
)
@pytest.mark.parametrize(
    "distractor", ["印刷日", "保証期限", "お支払期日", "発送日", "お届け予定日"]
)
def test_labelled_purchase_date_beats_a_distractor_printed_before_it(label: str, distractor: str):
    text = f"領収書\n{distractor}: 2025年1月10日\n{label}: 2024年3月15日\niPhone 15"
    assert fields_of(text).purchase_date == date(2024, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ご購入日 令和6年3月15日", date(2024, 3, 15)),
        ("お買上げ日 R6.3.15", date(2024, 3, 15)),
        ("ご注文日：２０２４年３月１５日", date(2024, 3, 15)),
        ("契約日 2024/03/15 14:22", date(2024, 3, 15)),
        ("発行日 2024 年 3 月 15 日", date(2024, 3, 15)),  # tesseract's spaced kanji
        ("お申込日 '24/03/15", date(2024, 3, 15)),
        # RapidOCR drops the space between the day and the time (dev receipt photo).
        ("お買上げ日2023/05/0619:22", date(2023, 5, 6)),
    ],
)
def test_date_formats_seen_on_japanese_proofs(text: str, expected: date):
    assert fields_of(text).purchase_date == expected


def test_misread_era_name_is_repaired_and_keeps_its_label():
    # tesseract reads 令 as 信; the warranty expiry below must not inherit the label.
    text = "お買上げ日信和 4 年 8 月 8 日\n令和5年8月8日"
    assert fields_of(text).purchase_date == date(2022, 8, 8)


def test_purchase_label_beats_issue_date():
    text = "発行日 2024年3月20日\nご購入日 2024年3月15日"
    assert fields_of(text).purchase_date == date(2024, 3, 15)


def test_contract_date_beats_document_issue_date():
    text = "書面発行日 2024年11月1日\n契約日 2024年8月11日"
    assert fields_of(text).purchase_date == date(2024, 8, 11)


def test_label_on_the_line_above_counts_for_table_layouts():
    text = "Invoice Date:\n03/20/2023\nDue Date:\n04/04/2023"
    assert fields_of(text).purchase_date == date(2023, 3, 20)


@pytest.mark.parametrize(
    "text",
    [
        "Invoice Date: Due Date: Reference:\n03/20/2023 04/04/2023 CUSTREF123",
        "Due Date: Invoice Date:\n04/04/2023 03/20/2023",
        "お支払期日 ご契約日\n2023/04/04 2023/03/20",
    ],
)
def test_header_row_labels_pair_with_the_dates_below_in_order(text: str):
    assert fields_of(text).purchase_date == date(2023, 3, 20)


def test_only_distractor_dates_mean_no_purchase_date():
    fields = fields_of("保証期限 2026年3月14日\n印刷日 2025年1月1日\niPhone 15")
    assert fields.purchase_date is None


def test_end_of_a_warranty_period_is_never_the_purchase_date():
    assert fields_of("2024年3月15日～2026年3月14日").purchase_date == date(2024, 3, 15)


def test_unlabelled_date_is_used_but_marked_uncertain():
    fields = fields_of("ヨドバシカメラ\n2024/03/15(金) 12:34\niPhone 15 ¥124,800")
    assert fields.purchase_date == date(2024, 3, 15)
    assert "purchase_date" in fields.uncertain


def test_no_date_at_all():
    assert fields_of("ヨドバシカメラ\n商品名 iPhone 15\n合計 ¥124,800").purchase_date is None


# --------------------------------------------------------------------------- model / ids


def test_catalog_model_on_a_labelled_line():
    fields = fields_of("商品名 iPhone 15 128GB ブルー\n合計 ¥124,800")
    assert fields.model_name == "iPhone 15" and "model_name" not in fields.uncertain


@pytest.mark.parametrize("read", ["(56)", "(5C)", "( 5G )", "(SG)"])
def test_a_5g_suffix_misread_does_not_name_the_4g_sibling(read):
    # Dev proofs: "Pixel 4a (5G)" read "Pixel 4a (56)" was matched to "Pixel 4a".
    fields = fields_of(f"機種名 Pixel 4a {read} 64GB ブラック")
    assert fields.model_name == "Pixel 4a (5G)"
    assert fields_of("機種名 Pixel 4a 64GB ブラック").model_name == "Pixel 4a"


def test_an_unbracketed_5g_misread_is_tried_when_the_line_names_nothing():
    # Dev proof: "OPPO A79 5G" read "OPPO A79 56" matched no model at all.
    assert fields_of("機種名 OPPO A79 56 256GB パープル").model_name == "OPPO A79 5G"


@pytest.mark.parametrize(
    ("read", "model"),
    [("Galaxy 7 Flip5", "Galaxy Z Flip5"), ("Galaxy 2 Fold6", "Galaxy Z Fold6")],
)
def test_the_z_of_a_galaxy_flip_or_fold_read_as_a_digit(read, model):
    # Dev carrier pages: "Galaxy Z Flip5" read "Galaxy 7 Flip5" matched no model.
    assert fields_of(f"機種名 {read} 128GB スターライト").model_name == model


def test_noise_glued_to_the_family_word_does_not_hide_the_model():
    # Dev receipt photo: a bullet and a stray letter ran into "iPhone".
    assert fields_of("«SsiPhone 14 Pro Max 64GB ピンク").model_name == "iPhone 14 Pro Max"
    assert fields_of("SsiPhone").model_name is None


def test_model_not_in_catalog_is_kept_raw_and_uncertain():
    fields = fields_of("機種名 ZZPhone Quantum 9X\n購入日 2024年3月15日")
    assert fields.model_name == "ZZPhone Quantum 9X"
    assert "model_name" in fields.uncertain


def test_imei_in_grouped_form_is_found():
    fields = fields_of("IMEI 35 209900 176148 1\n購入日 2024年3月15日")
    assert fields.imeis == ["352099001761481"]


def test_imei_with_ocr_letter_for_digit_on_a_labelled_line():
    fields = fields_of("IMEI: 352O9900176148l")  # O for 0, l for 1
    assert fields.imeis == ["352099001761481"]


def test_luhn_invalid_number_is_not_an_imei():
    assert fields_of("IMEI 352099001761482").imeis == []


def test_labelled_serial_number():
    fields = fields_of("シリアル番号: F2LXK9ABCD12\n購入日 2024年3月15日")
    assert fields.serial == "F2LXK9ABCD12"


def test_seizo_bango_with_imei_digits_is_an_imei():
    assert fields_of("製造番号 352099001761481").imeis == ["352099001761481"]


# ------------------------------------------------------------------- store / price / carrier


def test_known_chain_is_the_store():
    fields = fields_of("ビックカメラ 有楽町店\n購入日 2024年3月15日")
    assert fields.store_name is not None and "ビックカメラ" in fields.store_name


def test_labelled_store():
    assert fields_of("販売店：モバイルショップ山田").store_name == "モバイルショップ山田"


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("小計 ¥112,800\n合計 ¥124,080 (税込)\nお預り ¥130,000\nお釣り ¥5,920", 124080),
        ("お支払金額 98,000円", 98000),
        ("合計 \\124,080", 124080),  # tesseract reads ¥ as a backslash
        ("合計 ¥121,.400", 121400),  # and doubles a separator
        ("合計 ¥124, 080", 124080),  # or spaces one
        ("機種代金 82, 4009", 82400),  # and reads 円 as 9 after a spaced separator
        ("機種代金 ¥87,120", 87120),
    ],
)
def test_total_price_in_yen(text: str, price: int):
    assert fields_of(text).price_jpy == price


def test_foreign_total_keeps_currency_and_no_yen_price():
    fields = fields_of("Subtotal $ 262.90\nTax 15% on $ 112.90 $ 16.94\nTotal $ 279.84")
    assert fields.price == pytest.approx(279.84) and fields.currency == "USD"
    assert fields.price_jpy is None


@pytest.mark.parametrize(
    ("text", "carrier"),
    [
        ("NTTドコモ 契約内容", "docomo"),
        ("My au ご契約内容", "au"),
        ("auショップ 新宿", "au"),
        ("ソフトバンク 申込内容確認書", "softbank"),
        ("Y!mobile ご契約", "ymobile"),
        ("楽天モバイル", "rakuten"),
        ("IIJmio 申込", "iijmio"),
        ("ahamo 契約", "ahamo"),
        ("LINEMO", "linemo"),
        ("UQ mobile", "uq"),
        ("povo2.0", "povo"),
        ("mineo", "mineo"),
        ("Facture au 31/12/2017", None),  # the French word is not the carrier
    ],
)
def test_carrier_names(text: str, carrier: str | None):
    assert fields_of(text).carrier == carrier


def test_normalize_line_folds_width_and_joins_spaced_kanji():
    assert normalize_line("ご 購入 日 ：２０２４") == "ご購入日 :2024"


def test_boxes_point_at_the_lines_the_fields_came_from():
    lines = [
        TextLine("ヨドバシカメラ", (10, 10, 200, 30)),
        TextLine("ご購入日 2024年3月15日", (10, 50, 300, 30)),
        TextLine("商品名 iPhone 15", (10, 90, 250, 30)),
    ]
    fields = extract_proof_fields(lines)
    assert fields.lines["purchase_date"] == 1 and fields.lines["model_name"] == 2


# --------------------------------------------------------------------------- real invoices


def _invoice_labels() -> list[dict[str, object]]:
    rows = []
    for raw in (INVOICE_DIR / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        rows.append(row)
    return rows


@pytest.mark.parametrize("row", _invoice_labels(), ids=lambda r: str(r["original_file"]))
def test_real_invoice_text_layers_give_date_and_total(row: dict[str, object]):
    path = INVOICE_DIR / str(row["original_file"])
    data = path.read_bytes()
    text = load_document(data).text_layer if path.suffix == ".pdf" else data.decode("utf-8")
    assert text
    fields = fields_of(text)
    assert fields.purchase_date == date.fromisoformat(str(row["date"]))
    if row["price_total"] is not None:
        assert fields.price == pytest.approx(float(row["price_total"]))  # type: ignore[arg-type]
        assert fields.currency == row["currency"]
