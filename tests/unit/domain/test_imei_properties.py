"""Property tests for domain/imei.py: Luhn, printed forms, IMEISV."""

from __future__ import annotations

import unicodedata

import pytest
from device_intake.domain.imei import (
    classify_identifier,
    find_imeis,
    is_imeisv,
    is_valid_imei,
    luhn_check_digit,
    mask,
    normalize_digits,
    tac,
)
from hypothesis import given
from hypothesis import strategies as st

body14 = st.text(alphabet="0123456789", min_size=14, max_size=14)


def _imei(body: str) -> str:
    return body + str(luhn_check_digit(body))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@given(body14)
def test_luhn_round_trip(body):
    assert is_valid_imei(_imei(body))


@given(body14, st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_is_invalid(body, shift):
    good = luhn_check_digit(body)
    assert not is_valid_imei(body + str((good + shift) % 10))


@given(body14, st.integers(min_value=0, max_value=13), st.integers(min_value=1, max_value=9))
def test_luhn_catches_every_single_digit_error(body, position, shift):
    imei = _imei(body)
    wrong = imei[:position] + str((int(imei[position]) + shift) % 10) + imei[position + 1 :]
    assert not is_valid_imei(wrong)


def _printed_forms(imei: str) -> list[str]:
    grouped = f"{imei[:2]} {imei[2:8]} {imei[8:14]} {imei[14]}"
    dashed = f"{imei[:2]}-{imei[2:8]}-{imei[8:14]}-{imei[14]}"
    slashed = f"{imei[:8]}/{imei[8:14]}/{imei[14]}"
    return [
        imei,
        grouped,
        dashed,
        slashed,
        _full_width(imei),
        _full_width(grouped),
        _full_width(dashed),
    ]


@given(body14)
def test_every_printed_form_normalises_to_the_imei(body):
    imei = _imei(body)
    for form in _printed_forms(imei):
        assert normalize_digits(form) == imei, form
        assert is_valid_imei(form), form
        ident = classify_identifier(form)
        assert ident is not None and ident.kind == "imei" and ident.imei == imei, form


@given(body14, st.sampled_from(["IMEI: {}", "IMEI１ {}\n", "製造番号（IMEI）：{}。", "{} (SIM1)"]))
def test_find_imeis_reads_printed_forms_in_text(body, template):
    imei = _imei(body)
    for form in _printed_forms(imei):
        assert find_imeis(template.format(form)) == [imei], form


@given(body14, body14)
def test_find_imeis_reads_two_imeis_in_order(a, b):
    first, second = _imei(a), _imei(b)
    text = f"IMEI {first}\nIMEI2 {second}"
    expected = [first] if first == second else [first, second]
    assert find_imeis(text) == expected


@given(body14, st.text(alphabet="0123456789", min_size=2, max_size=2))
def test_imeisv_is_not_an_imei_but_maps_to_one(body, sv):
    imeisv = body + sv
    assert is_imeisv(imeisv)
    assert find_imeis(f"IMEISV: {imeisv}") == []
    ident = classify_identifier(imeisv)
    assert ident is not None and ident.kind == "imeisv"
    assert ident.imei == _imei(body)
    assert tac(imeisv) == body[:8]


@given(body14)
def test_mask_never_shows_the_serial_part(body):
    imei = _imei(body)
    masked = mask(imei)
    assert imei not in masked
    assert masked.startswith(imei[:8]) and masked.endswith(imei[-2:])
    assert body[8:13] not in masked.replace("*", "") or body[8:13] in imei[:8]


@pytest.mark.parametrize("text", ["", "電話番号 090-1234-5678", "2024年3月15日", "1234567890123"])
def test_text_without_an_imei_yields_nothing(text):
    assert find_imeis(text) == []


def test_full_width_hyphen_and_long_vowel_mark_separators():
    imei = _imei("35209900176148")
    assert normalize_digits("35ー209900ー176148ー1") == imei
    assert find_imeis(unicodedata.normalize("NFC", "35－209900－176148－1")) == [imei]
