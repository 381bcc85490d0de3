"""Dates on purchase documents: every printed format, impossible dates, era boundaries,
OCR noise, numbers that are not dates, and the real 和暦 strings from court decisions."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from device_intake.domain.dates import (
    FORMATS,
    can_format,
    find_dates,
    format_date,
    parse_date,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

REPO_ROOT = Path(__file__).resolve().parents[3]
WAREKI_LABELS = REPO_ROOT.parent / "shared" / "data" / "jp_court_wareki" / "labels.jsonl"

D = date(2024, 3, 15)

# (printed text, expected date): every form seen on Japanese and foreign receipts.
PRINTED_FORMS = [
    ("2024年3月15日", D),
    ("2024年03月15日", D),
    ("2024年 3月 15日", D),
    ("2024 年 03 月 15 日", D),  # tesseract spaces out CJK text
    ("2024/3/15", D),
    ("2024/03/15", D),
    ("2024.03.15", D),
    ("2024-03-15", D),
    ("2024 / 03 / 15", D),
    ("令和6年3月15日", D),
    ("令和 6年 3月15日", D),
    ("令和06年03月15日", D),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("令和六年三月十五日", D),
    ("令和元年十二月三十一日", date(2019, 12, 31)),
    ("平成二十年十月二十日", date(2008, 10, 20)),
    ("平成三十一年四月三十日", date(2019, 4, 30)),
    ("二〇二四年三月十五日", D),
    ("二〇二〇年一〇月一〇日", date(2020, 10, 10)),  # 〇 as a digit
    ("R6.3.15", D),
    ("R06.03.15", D),
    ("R6/3/15", D),
    ("R6-3-15", D),
    ("令和6.3.15", D),
    ("H31.4.30", date(2019, 4, 30)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("H1.1.8", date(1989, 1, 8)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("S63.12.24", date(1988, 12, 24)),
    ("昭和元年12月25日", date(1926, 12, 25)),
    ("大正15年12月24日", date(1926, 12, 24)),
    ("明治45年7月29日", date(1912, 7, 29)),
    ("㋿6年3月15日", D),  # the one-character 令和 ligature (NFKC folds it)
    ("㍻31年4月30日", date(2019, 4, 30)),
    ("２０２４年３月１５日", D),
    ("令和６年３月１５日", D),
    ("２０２４／０３／１５", D),
    ("'24/03/15", D),
    ("’24/03/15", D),
    ("24/03/15", D),
    ("24/3/15", D),
    ("24年3月15日", D),
    ("2024年3月15日(金)", D),
    ("2024年3月15日（金）", D),
    ("2024年3月15日 金曜日", D),
    ("2024/03/15(金) 14:32", D),
    ("2024/03/15 14:32", D),
    ("2024/03/15 14:32:05", D),
    ("2024年3月15日 14時32分", D),
    ("令和6年3月15日 午後2時32分", D),
    ("15 Mar 2024", D),
    ("15-Mar-2024", D),
    ("15th March 2024", D),
    ("15 March, 2024", D),
    ("March 15, 2024", D),
    ("Mar. 15, 2024", D),
    ("MAR 15 2024", D),
    ("Sept 3, 2024", date(2024, 9, 3)),
    ("15.03.2024", D),
    ("03.04.2024", date(2024, 4, 3)),  # dotted = European, day first
    ("15/03/2024", D),
    ("15-03-2024", D),
    ("03/15/2024", D),  # US month first, unambiguous because 15 > 12
    ("04/04/2024", date(2024, 4, 4)),  # both orders give the same date
    ("  2024/03/15\n", D),
    # seen on the invoice2data sample (pdftotext and tesseract output)
    ("August 3 , 2014", date(2014, 8, 3)),
    ("7. Mai 2014", date(2014, 5, 7)),
    ("29 maart 2014", date(2014, 3, 29)),
    ("02 Juillet 2015", date(2015, 7, 2)),
    ("1er août 2015", date(2015, 8, 1)),
    ("15-Mar-24", D),
    ("15 de marzo de 2024", D),
    ("15 settembre 2023", date(2023, 9, 15)),
]


@pytest.mark.parametrize(("text", "expected"), PRINTED_FORMS)
def test_every_printed_form_parses_to_its_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), PRINTED_FORMS)
def test_every_printed_form_is_found_with_its_exact_span(text: str, expected: date) -> None:
    noisy = f"領収書 {text} 合計 ¥12,980"
    found = find_dates(noisy)
    assert [f.date for f in found] == [expected]
    assert noisy[found[0].start : found[0].end] == found[0].text == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "2024年2月30日",
        "2023/02/29",  # not a leap year
        "2024/13/01",
        "2024/00/10",
        "2024年4月31日",
        "令和6年2月30日",
        "平成31年5月1日",  # that day is 令和元年5月1日
        "H31.5.1",
        "平成32年1月1日",
        "令和1年4月30日",  # before 令和 began
        "R1.4.30",
        "昭和64年1月8日",  # that day is 平成元年1月8日
        "令和0年5月1日",
        "明治5年1月1日",  # lunisolar calendar, not converted
        "1850/01/01",
        "32 Mar 2024",
        "30 Feb 2024",
    ],
)
def test_impossible_dates_are_rejected(text: str) -> None:
    assert parse_date(text) is None
    assert find_dates(f"購入日 {text} です") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H31.4.30", date(2019, 4, 30)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治6年1月1日", date(1873, 1, 1)),
    ],
)
def test_era_boundaries_are_exact(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "平成31年5月1日",
        "令和元年4月30日",
        "昭和64年1月8日",
        "平成元年1月7日",
        "大正15年12月25日",
        "昭和元年12月24日",
        "明治45年7月30日",
    ],
)
def test_a_day_outside_its_era_is_rejected(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "TEL 03-1234-5678",
        "TEL: 0120-123-456",
        "電話 090-1234-5678",
        "¥12,980",
        "合計 ¥1,234,567",
        "¥2,024.03",
        "注文番号 2024-0315-1234",
        "注文番号 2024-03-15-1234",
        "受付番号 20240315-0001",
        "IMEI 352099001761481",
        "IMEI 35-209900-176148-1",
        "シリアル F2LXK0A1HG7F",
        "〒100-0001 東京都千代田区千代田1-1",
        "東京都港区1-2-3",
        "iOS 17.4.1",
        "1/2/3",
        "JAN 4901234567894",
        "数量 1 単価 12,980",
        "令和元年 第１０１７号",  # a case number: year only, no day
        "平成２７年法律第４０号",
        "同月１３日午前０時４７分頃",  # no year in context
        "2024年度",
        "3月15日",  # month and day alone: the year is unknowable
    ],
)
def test_numbers_that_are_not_dates_yield_nothing(text: str) -> None:
    assert find_dates(text) == []
    assert parse_date(text) is None


def test_ambiguous_day_month_order_is_not_guessed() -> None:
    # 03/04/2024 is 3 April in Europe and March 4 in the US: no answer beats a wrong one.
    assert parse_date("03/04/2024") is None
    assert find_dates("Date: 03/04/2024") == []


def test_ambiguous_dates_follow_the_order_of_the_documents_other_dates() -> None:
    # a Dutch invoice: 22-9-2022 can only be day-first, so 8-9-2022 is 8 September
    found = find_dates("Orderdatum 8-9-2022   Factuurdatum 22-9-2022")
    assert [(f.date, f.format) for f in found] == [
        (date(2022, 9, 8), "dmy_dash"),
        (date(2022, 9, 22), "dmy_dash"),
    ]
    found = find_dates("Order 03/04/2024 Shipped 03/15/2024")  # a US receipt
    assert [f.date for f in found] == [date(2024, 3, 4), date(2024, 3, 15)]
    # mixed evidence decides nothing
    assert date(2024, 4, 3) not in [f.date for f in find_dates("03/04/2024 15/03/2024 03/15/2024")]


def test_a_range_of_two_dates_is_not_one_purchase_date() -> None:
    assert parse_date("2024/03/15 〜 2024/04/15") is None
    assert parse_date("2024/03/15 (2024年3月15日)") == D  # the same date twice is fine


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2O24/O3/l5", D),
        ("2024/03/l5", D),
        ("2024/O3/15", D),
        ("2024.03.I5", D),
        ("R6.3.l5", D),
        ("2024年O3月l5日", D),
        ("2O24/lO/ll", date(2024, 10, 11)),  # a token with one real digit is numeric
        ("2024年lO月l日", date(2024, 10, 1)),  # between 年/月/日 nothing else fits
    ],
)
def test_ocr_lookalike_letters_inside_numeric_dates_are_read_as_digits(
    text: str, expected: date
) -> None:
    found = find_dates(f"ご購入日 {text}")
    assert [f.date for f in found] == [expected]
    assert found[0].ocr_corrected
    assert found[0].text == text


# Misreadings measured with tesseract 5 (jpn) on rendered receipt lines (docs/dates.md).
@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("ご購入日 2018/01/95", date(2018, 1, 5)),  # padding 0 read as 9
        ("日付 2025/94/93 09:48", date(2025, 4, 3)),
        ("お買上げ日 : 94/21/2919", date(2019, 4, 21)),
        ("ご購入日 2915年4月2日 15時30分", date(2015, 4, 2)),
        ('日付 "25/91/16', date(2025, 1, 16)),  # ' read as "
        ("日付 RO4.05.26", date(2022, 5, 26)),
        ("日付 平成二十七年十二月ニ十一日", date(2015, 12, 21)),  # 二 read as katakana ニ
        ("お買上げ日 : 二〇ニー年三月五日", date(2021, 3, 5)),  # 一 read as ー
        ("ご購入日 二O一五年一月ニ十一日", date(2015, 1, 21)),  # 〇 read as O
        ("日付 25/19/23", date(2025, 10, 23)),  # 0 read as 9 in a month
        ("発行日 2019年62月6日", date(2019, 2, 6)),  # 0 read as 6
        ("日付 2024年07月62日", date(2024, 7, 2)),
        ("お買上げ日 : 2023年11月23晶", date(2023, 11, 23)),  # 日 read as 晶
        ("お買上げ日 : K3.7.14", date(2021, 7, 14)),  # era letter R read as K
        ("発行日 B27/11/27", date(2015, 11, 27)),  # H read as B (not 2027 from 27/11/27)
    ],
)
def test_tesseract_misreadings_of_dates_are_repaired_and_flagged(ocr: str, expected: date) -> None:
    found = find_dates(ocr)
    assert [f.date for f in found] == [expected]
    assert found[0].ocr_corrected


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("お買上けげ日 : 令和元年8月2 5日", date(2019, 8, 25)),
        ("お買上げ日 : 平成2 7年1 2月14日", date(2015, 12, 14)),
        ("お買上げ日 : September 29。 2021", date(2021, 9, 29)),
    ],
)
def test_ocr_spacing_inside_kanji_dates_is_tolerated(ocr: str, expected: date) -> None:
    assert [f.date for f in find_dates(ocr)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2023/02/29",  # a 9 that is not a padding 0 stays impossible
        "2024/09/38",
        "スーパー年末セール",  # ー before 年 in a katakana word is not a numeral
        "R97.11.32",
    ],
)
def test_repairs_do_not_invent_dates(text: str) -> None:
    assert find_dates(text) == []


def test_words_with_o_and_l_are_not_turned_into_digits() -> None:
    assert [f.date for f in find_dates("Oct 1O, 2024")] == [date(2024, 10, 10)]
    assert find_dates("iOS lOl Oll/lO/lOOl") == []


def test_clean_dates_are_not_flagged_as_ocr_corrected() -> None:
    assert not find_dates("2024/03/15")[0].ocr_corrected


def test_offsets_point_into_the_original_text_despite_full_width_and_ligatures() -> None:
    text = "㋿元年５月１日　ご購入日：２０２４／０３／１５（金）"
    found = find_dates(text)
    assert [f.date for f in found] == [date(2019, 5, 1), D]
    for f in found:
        assert text[f.start : f.end] == f.text
    assert found[1].text == "２０２４／０３／１５（金）"


def test_dates_are_found_in_order_of_appearance() -> None:
    text = "発行日 R6.4.1\nご購入日 2024年3月15日\n保証期間 2025/03/14まで"
    assert [f.date for f in find_dates(text)] == [
        date(2024, 4, 1),
        D,
        date(2025, 3, 14),
    ]


def test_same_year_refers_to_the_year_mentioned_before() -> None:
    text = "平成２年（し）第５２号同年４月２４日、同３年５月１日"
    assert [f.date for f in find_dates(text)] == [date(1990, 4, 24), date(1991, 5, 1)]


# ------------------------------------------------------------------ property tests

ANY_DATE = st.dates(min_value=date(1873, 1, 1), max_value=date(2099, 12, 31))
# Lines a receipt prints around its date; none of them contains a date.
DISTRACTORS = st.sampled_from(
    [
        "領収書",
        "TEL 03-1234-5678",
        "¥12,980",
        "合計 ¥1,234,567(税込)",
        "注文番号 2024-0315-1234",
        "IMEI 352099001761481",
        "iPhone 15 Pro 256GB",
        "〒150-0002 東京都渋谷区渋谷2-21-1",
        "お預り ¥20,000 お釣り ¥7,020",
        "レシートNo.0042 レジ#3",
        "Thank you!",
        "ポイント 129pt",
        "",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=ANY_DATE, fmt=st.sampled_from(FORMATS))
def test_every_format_round_trips(d: date, fmt: str) -> None:
    assume(can_format(d, fmt))
    assert parse_date(format_date(d, fmt)) == d


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    d=ANY_DATE,
    fmt=st.sampled_from(FORMATS),
    before=st.lists(DISTRACTORS, max_size=4),
    after=st.lists(DISTRACTORS, max_size=4),
    label=st.sampled_from(["", "ご購入日 ", "購入日:", "Date: ", "発行日　"]),
)
def test_every_format_is_found_embedded_in_receipt_noise(
    d: date, fmt: str, before: list[str], after: list[str], label: str
) -> None:
    assume(can_format(d, fmt))
    printed = format_date(d, fmt)
    text = "\n".join([*before, label + printed, *after])
    found = find_dates(text)
    assert [f.date for f in found] == [d]
    assert found[0].text == printed
    assert text[found[0].start : found[0].end] == printed


RECEIPT_CHARS = st.sampled_from(
    list("0123456789０１２３４５６７８９/.-: 年月日令和平成RHOl〇一二十元同(金)¥,\n'MarJu")
)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=60), st.text(RECEIPT_CHARS, max_size=60)))
def test_found_dates_always_point_at_their_own_text_in_order(text: str) -> None:
    found = find_dates(text)
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.start < f.end
    assert all(a.end <= b.start for a, b in pairwise(found))
    assert parse_date(text) in ({f.date for f in found} | {None})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=ANY_DATE, fmt=st.sampled_from(FORMATS), pick=st.integers(0, 20))
def test_every_format_survives_one_o_or_l_misread(d: date, fmt: str, pick: int) -> None:
    assume(can_format(d, fmt))
    printed = format_date(d, fmt)
    spots = [i for i, c in enumerate(printed) if c in "01"]
    assume(spots)
    i = spots[pick % len(spots)]
    before, after = printed[i - 1 : i], printed[i + 1 : i + 2]
    # a lone "l" (1 Jan 2000 -> l Jan 2000) is a letter; a digit or 年/月/日 must vouch for it
    assume(
        before.isdigit() or after.isdigit() or (before in ("年", "月") and after in ("月", "日"))
    )
    misread = printed[:i] + ("O" if printed[i] == "0" else "l") + printed[i + 1 :]
    found = find_dates(f"ご購入日 {misread} ¥12,980")
    assert [f.date for f in found] == [d]
    assert found[0].ocr_corrected


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_renders_the_reference_date(fmt: str) -> None:
    assert parse_date(format_date(D, fmt)) == D


def test_format_date_refuses_what_cannot_be_read_back() -> None:
    with pytest.raises(ValueError):
        format_date(date(2024, 3, 4), "dmy_slash")  # 04/03/2024 would be ambiguous
    with pytest.raises(ValueError):
        format_date(date(1999, 1, 1), "yy_slash")  # 2-digit years are 20xx
    with pytest.raises(ValueError):
        format_date(D, "no_such_format")


@pytest.mark.parametrize(
    ("fmt", "d", "printed"),
    [
        ("wareki_kanji", date(2019, 5, 1), "令和元年5月1日"),
        ("wareki_kanji_numerals", date(2019, 4, 30), "平成三十一年四月三十日"),
        ("wareki_kanji_numerals", date(2020, 10, 20), "令和二年十月二十日"),
        ("wareki_abbr_dot", date(2019, 4, 30), "H31.4.30"),
        ("ymd_kanji_numerals", date(2020, 10, 10), "二〇二〇年十月十日"),
        ("yy_slash_apostrophe", D, "'24/03/15"),
        ("mdy_en_long", D, "March 15, 2024"),
        ("ymd_kanji_fullwidth", D, "２０２４年３月１５日"),
    ],
)
def test_format_date_prints_what_documents_print(fmt: str, d: date, printed: str) -> None:
    assert format_date(d, fmt) == printed


# ------------------------------------------------------- real 和暦 strings (CC0 data)


def _wareki_rows() -> list[dict[str, object]]:
    if not WAREKI_LABELS.exists():
        return []
    return [json.loads(line) for line in WAREKI_LABELS.read_text(encoding="utf-8").splitlines()]


needs_wareki_data = pytest.mark.skipif(
    not WAREKI_LABELS.exists(),
    reason=f"real wareki strings not present at {WAREKI_LABELS} (shared data not mounted)",
)


@needs_wareki_data
def test_court_decision_dates_parse_to_their_labels() -> None:
    rows = _wareki_rows()
    assert rows
    for row in rows:
        assert parse_date(str(row["text"])) == date.fromisoformat(str(row["date"])), row["text"]


@needs_wareki_data
def test_wareki_strings_in_court_prose_are_found() -> None:
    checked = 0
    for row in _wareki_rows():
        others = row["other_wareki_strings"]
        assert isinstance(others, list)
        for other in others:
            found = [f.date for f in find_dates(other["text"])]
            if other["iso_derived"] is None:
                assert found == [], other["text"]
            else:
                assert date.fromisoformat(other["iso_derived"]) in found, other["text"]
                checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("text", "weekday", "contradicts"),
    [
        ("2024年3月15日(金)", 4, False),
        ("2024年3月15日（金曜日）", 4, False),
        ("令和6年3月15日 金曜日", 4, False),
        ("2024/03/15(Fri) 14:32", 4, False),
        ("2024年3月14日(金)", 4, True),  # a digit misread: the 14th was a Thursday
        ("2024/03/15 14:32", None, False),
    ],
)
def test_a_printed_weekday_is_kept_and_checked(
    text: str, weekday: int | None, contradicts: bool
) -> None:
    (found,) = find_dates(text)
    assert found.weekday == weekday
    assert found.weekday_contradicts is contradicts
