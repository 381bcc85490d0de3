"""IMEI → maker hint from the vendored Osmocom TAC database."""

from __future__ import annotations

import gzip
from importlib import resources

from device_intake.domain import tac
from device_intake.domain.imei import luhn_check_digit


def _imei(tac_code: str, serial: str = "123456") -> str:
    body = tac_code + serial
    return body + str(luhn_check_digit(body))


def test_lookup_reads_the_maker_and_model_of_a_known_tac() -> None:
    info = tac.lookup(_imei("35648710"))
    assert info is not None
    assert (info.maker, info.model) == ("Apple", "iPhone SE")
    assert "A1723" in info.aka


def test_lookup_of_a_samsung_tac() -> None:
    info = tac.lookup(_imei("35362709"))
    assert info is not None and info.maker == "Samsung" and info.model == "Galaxy A5 (2017)"


def test_lookup_accepts_grouped_and_full_width_forms_and_bare_tacs() -> None:
    assert tac.lookup("３５６４８７１０") is not None
    imei = _imei("35648710")
    assert tac.lookup(f"{imei[:2]} {imei[2:8]} {imei[8:14]} {imei[14]}") is not None


def test_rows_with_a_stray_leading_space_are_still_found() -> None:
    info = tac.lookup("35572302")
    assert info is not None and info.model == "3120 classic"


def test_unknown_or_malformed_input_gives_no_hint() -> None:
    assert tac.lookup(_imei("99999999")) is None
    assert tac.lookup("12345") is None
    assert tac.lookup("not an imei") is None


def test_maker_conflict_flags_a_different_maker_only() -> None:
    apple_imei = _imei("35648710")
    conflict = tac.maker_conflict("Samsung", apple_imei)
    assert conflict is not None and conflict.maker == "Apple"
    assert tac.maker_conflict("Apple", apple_imei) is None
    assert tac.maker_conflict("アップル", apple_imei) is None
    assert tac.maker_conflict("Apple", _imei("99999999")) is None  # unknown TAC: no opinion


def test_the_whole_database_is_loaded() -> None:
    assert tac.table_size() > 22_000


def test_vendored_file_keeps_its_licence_header_and_attribution_exists() -> None:
    data = resources.files("device_intake.domain").joinpath("data")
    raw = gzip.decompress(data.joinpath("tacdb.csv.gz").read_bytes())
    first_line = raw.decode("utf-8").splitlines()[0]
    assert "CC-BY-SA" in first_line and "Harald Welte" in first_line
    attribution = data.joinpath("TAC_ATTRIBUTION.md").read_text("utf-8")
    assert "CC BY-SA" in attribution and "Harald Welte" in attribution
    assert "Osmocom" in attribution
