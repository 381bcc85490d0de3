"""Reading IMEI and serial rows from OCR lines: layouts, look-alikes, Luhn-guided choice."""

from __future__ import annotations

from dataclasses import replace

from device_intake.inspection.identifiers import (
    digits_of,
    find_rows,
    imei_candidates,
    serial_from,
)

IMEI = "352099001761481"
IMEI2 = "352099001761499"
EID = "89049032007008882600123456789012"


def test_ios_row_has_label_and_value_on_one_line() -> None:
    rows = find_rows(
        ["シリアル番号 F2LXK0ABCD12", "IMEI 35 209900 176148 1", "IMEI2 35 209900 176149 9"]
    )
    kinds = [(r.kind, r.slot) for r in rows]
    assert kinds == [("serial", None), ("imei", None), ("imei", 2)]
    assert digits_of(rows[1].value_text) == IMEI
    assert digits_of(rows[2].value_text) == IMEI2


def test_android_value_sits_on_the_line_below_the_label() -> None:
    rows = find_rows(["IMEI (SIMスロット1)", IMEI, "IMEI SV", "07", "IMEI (SIMスロット2)", IMEI2])
    imei_rows = [r for r in rows if r.kind == "imei"]
    assert [digits_of(r.value_text) for r in imei_rows] == [IMEI, IMEI2]
    assert [r.kind for r in rows] == ["imei", "imeisv", "imei"]


def test_dial_06_rows_with_colons() -> None:
    rows = find_rows([f"IMEI1: {IMEI}", f"IMEI2: {IMEI2}", f"MEID: {IMEI[:14]}", f"EID: {EID}"])
    assert [r.kind for r in rows] == ["imei", "imei", "meid", "eid"]
    assert digits_of(rows[0].value_text) == IMEI


def test_misread_label_still_counts_as_imei() -> None:
    rows = find_rows(["1MEI 35 209900 176148 1"])
    assert rows and rows[0].kind == "imei"


def test_an_m_read_as_v_still_labels_the_imei_and_its_slot() -> None:
    # Small settings text under blur (dev sweep seed 900020): "IVEI2" over IMEI2's digits,
    # "IVEI SV" for the IMEISV row.
    rows = find_rows(["IVEI2", IMEI2, "IVEI SV", "98"])
    assert [(r.kind, r.slot) for r in rows] == [("imei", 2), ("imeisv", None)]
    assert digits_of(rows[0].value_text) == IMEI2
    assert find_rows(["LIVE 35 209900 176148 1"]) == []


def test_letters_that_look_like_digits_are_folded_in_numeric_values() -> None:
    assert digits_of("35 2O99OO 176l48 1") == IMEI
    assert digits_of("35 209900 176148 1 >") == IMEI


def test_a_valid_reading_wins_over_a_misread_one() -> None:
    imei, seen, corrected = imei_candidates(["35 209900 176146 1", "35 209900 176148 1"])
    assert (imei, corrected) == (IMEI, False)
    assert seen == IMEI


def test_no_digit_is_made_up_to_pass_luhn() -> None:
    # Two readings disagree at one position and neither passes Luhn. One digit there would
    # pass, but neither reading saw it: on a phone whose IMEI fails the check, that "fix"
    # is another phone's IMEI. The number is reported as read.
    bad_a = IMEI[:9] + "3" + IMEI[10:]
    bad_b = IMEI[:9] + "9" + IMEI[10:]
    imei, seen, corrected = imei_candidates([bad_a, bad_b])
    assert imei is None and seen == bad_a and not corrected


def test_a_stray_sixteenth_digit_is_dropped_only_without_a_fifteen_digit_reading() -> None:
    # A separator read as a digit: the one deletion that passes Luhn is taken...
    stray = IMEI[:6] + "6" + IMEI[6:]
    other = IMEI[:1] + "0" + IMEI[1:]
    imei, seen, corrected = imei_candidates([stray, other])
    assert (imei, seen, corrected) == (IMEI, stray, True)
    # ...but not against readings of fifteen digits that agree on something else.
    wrong = IMEI[:-1] + "2"
    imei, seen, corrected = imei_candidates([stray, wrong, wrong])
    assert imei is None and seen == wrong and not corrected


def test_a_number_shown_wrong_on_screen_is_reported_not_repaired() -> None:
    wrong = IMEI[:-1] + "2"
    imei, seen, corrected = imei_candidates([wrong, wrong])
    assert imei is None and seen == wrong and not corrected


def test_imeisv_and_eid_lengths_are_not_imeis() -> None:
    assert imei_candidates(["3520990017614807"])[0] is None
    assert imei_candidates([EID])[0] is None


def test_serial_is_upper_case_without_spaces_and_needs_a_digit() -> None:
    assert serial_from("f2lx k0ab cd12") == "F2LXK0ABCD12"
    assert serial_from("R58N12AB") == "R58N12AB"
    assert serial_from("不明") is None
    assert serial_from("UNKNOWN") is None
    # A misread label word is too short for a serial (dev-692: an iPad passed on it).
    assert serial_from("Nusber 2 人") is None


def test_an_imei2_label_does_not_take_the_eid_below_it_for_its_value() -> None:
    # dev-692: IMEI2's value went unread and the EID's 32 digits on the next line became
    # its value; a Luhn-valid 15-digit stretch of them was reported as the IMEI.
    rows = find_rows(["IMEI 35 209900 176148 1", "IMEI2", EID, "EID"])
    imei2 = next(r for r in rows if r.kind == "imei" and r.slot == 2)
    assert digits_of(imei2.value_text) == ""
    assert find_rows(["IMEI2", IMEI2])[0].value_text == IMEI2


def test_imei_value_box_ends_at_the_last_digit_word() -> None:
    # "IME1 35 946308 84187431 円": the bezel beside a glint read as 円 stretched the
    # re-read crop over the black bezel and the row came back empty (dev-89: only IMEI2
    # was reported).
    from device_intake.inspection.screen_text import _value_box

    from tests.fakes.ocr import ocr_line

    digits = [("35", 790, 30), ("946308", 830, 90), ("84187431", 930, 110)]
    line = ocr_line([("IME1", 94, 60), *digits, ("円", 1270, 30)], y=985, h=25)
    row = find_rows([line.text])[0]
    assert row.kind == "imei"
    x, _, w, _ = _value_box(row, [line])
    assert x == 790 and x + w == 1040
    # A serial row keeps its whole width (letters-only words are part of the value).
    label = [("Serial", 90, 60), ("Number", 160, 80)]
    serial = ocr_line(
        [*label, ("F2LX", 900, 50), ("9ABC", 960, 50), ("DEFG", 1020, 50)], y=430, h=20
    )
    serial = replace(serial, box=(90, 430, 1100, 20))  # the row runs on past its last word
    srow = find_rows([serial.text])[0]
    sx, _, sw, _ = _value_box(srow, [serial])
    assert sx + sw == 90 + 1100
