"""The generator is deterministic, its labels agree with what it draws, and its files decode
(or are broken exactly as labelled)."""

from __future__ import annotations

import io
import json
import struct
from datetime import date

import pillow_heif
import pypdfium2
import pytest
from device_intake.domain.imei import is_valid_imei
from PIL import Image, ImageOps

from tests.generator import FAMILIES, CaseSpec, generate, iter_specs
from tests.generator import data as gdata
from tests.generator.__main__ import main as cli_main

pillow_heif.register_heif_opener()


def _open(payload: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(payload))
    im.load()
    return ImageOps.exif_transpose(im)


@pytest.mark.parametrize("family", ["front_photo", "back_case", "proof", "bad_bomb"])
def test_same_seed_gives_the_same_bytes_and_label(family: str, small: dict) -> None:
    a = generate(CaseSpec(family, "dev", dict(small)), 7)
    b = generate(CaseSpec(family, "dev", dict(small)), 7)
    assert a.data == b.data
    assert a.label == b.label
    assert generate(CaseSpec(family, "dev", dict(small)), 8).data != a.data


def test_front_photo_label_lists_luhn_valid_imeis_with_known_tacs(small: dict) -> None:
    tacs = {row[0] for row in gdata._tac_rows()}
    for seed in range(3):
        case = generate(CaseSpec("front_photo", "dev", dict(small)), seed)
        fields = case.label["fields"]
        assert case.label["acceptable"] and case.label["expected_flags"] == []
        assert fields["imei"] == fields["imeis"][0]
        for imei in fields["imeis"]:
            assert is_valid_imei(imei) and imei[:8] in tacs
        img = _open(case.data)
        assert img.size == tuple(case.label["params"]["photo_size"])


def test_invalid_imei_family_draws_only_numbers_that_fail_luhn(small: dict) -> None:
    tacs = {row[0] for row in gdata._tac_rows()}
    for seed in range(3):
        case = generate(CaseSpec("front_imei_invalid", "dev", dict(small)), seed)
        assert case.label["expected_flags"] == ["IMEI_CHECKSUM_INVALID"]
        assert case.label["fields"]["imei"] is None
        shown = case.texts[1:]
        assert shown and all(len(v) == 15 and v[:8] in tacs for v in shown)
        assert not any(is_valid_imei(v) for v in shown)


def test_purchase_date_in_the_label_is_the_one_drawn_under_a_purchase_label() -> None:
    from device_intake.domain.dates import parse_date

    for seed in range(6):
        case = generate(CaseSpec("proof", "dev", {"output": "png"}), seed)
        label = case.label
        purchase = date.fromisoformat(label["fields"]["purchase_date"])
        assert label["params"]["purchase_label"] in case.texts
        drawn = [t for t in case.texts if parse_date(t) == purchase]
        assert drawn, f"no drawn text reads as {purchase} ({label['params']['date_format']})"
        model = label["fields"]["model_name"]
        assert any(model in t for t in case.texts)
        if label["fields"]["serial"]:
            assert any(label["fields"]["serial"] in t for t in case.texts)
        if label["fields"]["imei"]:
            assert is_valid_imei(label["fields"]["imei"])
            assert any(label["fields"]["imei"] in t for t in case.texts)


def test_pdf_proof_has_a_text_layer_with_the_model_name() -> None:
    case = generate(CaseSpec("proof", "dev", {"output": "pdf_text", "doc": "contract"}), 3)
    assert case.content_type == "application/pdf"
    pdf = pypdfium2.PdfDocument(case.data)
    text = pdf[0].get_textpage().get_text_range()
    assert case.label["fields"]["model_name"].split()[0] in text
    assert case.label["params"]["purchase_label"] in text


def test_proof_without_date_draws_no_date_and_expects_date_not_found() -> None:
    from device_intake.domain.dates import find_dates

    case = generate(CaseSpec("proof_no_date", "dev", {"output": "png"}), 2)
    assert case.label["expected_flags"] == ["DATE_NOT_FOUND"]
    assert case.label["fields"]["purchase_date"] is None
    assert not [t for t in case.texts if find_dates(t)]


def test_screenshot_is_the_native_screen_and_exif_rotated_photo_turns_upright(small: dict) -> None:
    for seed in range(4):
        shot = generate(CaseSpec("front_screenshot", "dev"), seed)
        assert shot.label["expected_flags"] == ["SCREENSHOT"]
        img = _open(shot.data)
        if shot.label["params"]["variant"] == "png_native":
            assert list(img.size) == shot.label["params"]["screen"]
    rotated = generate(CaseSpec("front_photo_exif_rotated", "dev", dict(small)), 1)
    raw = Image.open(io.BytesIO(rotated.data))
    assert raw.getexif().get(0x0112) in (6, 8)
    assert raw.size == (800, 600) and _open(rotated.data).size == (600, 800)


def test_broken_files_are_broken_the_way_their_label_says() -> None:
    truncated = generate(CaseSpec("bad_truncated", "dev"), 1)
    assert truncated.label["expected_flags"] == ["CORRUPT_FILE"]
    with pytest.raises(OSError):
        _open(truncated.data)
    bomb = generate(CaseSpec("bad_bomb", "dev", {"variant": "png"}), 1)
    assert bomb.label["expected_flags"] == ["FILE_TOO_LARGE"] and len(bomb.data) < 2_000_000
    width, height = struct.unpack(">II", bomb.data[16:24])  # IHDR follows the signature
    assert width * height >= 20_000**2
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb.data))
    anim = generate(CaseSpec("bad_animated", "dev", {"format": "WEBP"}), 1)
    assert Image.open(io.BytesIO(anim.data)).n_frames == 3
    assert anim.label["expected_flags"] == ["UNSUPPORTED_FORMAT"]


def test_heic_front_photo_decodes(small: dict) -> None:
    case = generate(CaseSpec("front_photo_heic", "dev", dict(small)), 4)
    assert case.filename.endswith(".heic")
    assert _open(case.data).size == (600, 800)


def test_splits_use_disjoint_seeds_and_rendering_pools() -> None:
    dev_seeds = {seed for _, seed in iter_specs("dev", 200)}
    hold_seeds = {seed for _, seed in iter_specs("holdout", 200)}
    assert not dev_seeds & hold_seeds
    assert not set(gdata.JP_FONTS["dev"].values()) & set(gdata.JP_FONTS["holdout"].values())
    assert not set(gdata.PHONE_SCREENS["dev"]) & set(gdata.PHONE_SCREENS["holdout"])
    assert not set(gdata.BACKGROUNDS["dev"]) & set(gdata.BACKGROUNDS["holdout"])
    assert not set(gdata.BODY_COLOURS["dev"]) & set(gdata.BODY_COLOURS["holdout"])


def test_a_short_run_already_covers_every_family() -> None:
    seen = {spec.family for spec, _ in iter_specs("dev", 120)}
    assert seen == set(FAMILIES)
    fronts = {spec.family for spec, _ in iter_specs("dev", 40, kinds={"front"})}
    assert all(FAMILIES[f].kind in ("front", "any") for f in fronts)


def test_cli_writes_files_and_labels(tmp_path) -> None:
    assert (
        cli_main(["--out", str(tmp_path), "--n", "3", "--families", "bad_random,bad_format"]) == 0
    )
    rows = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert (tmp_path / row["file"]).read_bytes()
        assert row["expected_flags"] and not row["acceptable"]


@pytest.mark.parametrize("value_x", [None, 100.0])
def test_a_value_too_long_for_its_row_wraps_instead_of_covering_its_label(
    value_x: float | None,
) -> None:
    from tests.generator.documents import Page

    page = Page(750, 1000, "dev")
    page.kv("機種名", "iPad Pro 12.9インチ (第6世代) (ブルー) 512GB", 28, value_x=value_x)
    page.kv("機種代金", "¥105,900", 28)
    label, value, short_label, short_value = page.runs
    assert value.y > label.y + label.size  # on a line of its own, below the label
    assert abs(short_value.y - short_label.y) < 8  # a short value stays beside its label
    assert short_label.y > value.y  # and the next row comes after the wrapped value
