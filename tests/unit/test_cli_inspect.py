"""``device-intake inspect --kind proof PATH --json``: one JSON object with the cli.md keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from device_intake.cli import main

INVOICES = Path(__file__).resolve().parents[3] / "shared" / "data" / "invoice2data" / "docs"
CONTRACT_FIELD_KEYS = {
    "imei", "imeis", "serial", "purchase_date", "model_name", "store_name", "price_jpy", "carrier",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, out.splitlines()


def test_inspect_proof_pdf_prints_exactly_one_json_object(capsys: pytest.CaptureFixture[str]):
    code, lines = _run(capsys, "inspect", "--kind", "proof", str(INVOICES / "coolblue1.pdf"),
                       "--json")
    assert code == 0 and len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["kind"] == "proof" and obj["flags"] == []
    assert set(obj["fields"]) >= CONTRACT_FIELD_KEYS
    assert obj["fields"]["purchase_date"] == "2014-04-19"
    assert obj["fields"]["imei"] is None and obj["fields"]["imeis"] == []


def test_inspect_broken_file_gives_corrupt_file_and_exit_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    broken = tmp_path / "receipt.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    code, lines = _run(capsys, "inspect", "--kind", "proof", str(broken), "--json")
    assert code == 0 and len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["flags"] == ["CORRUPT_FILE"]
    assert all(obj["fields"][key] in (None, []) for key in CONTRACT_FIELD_KEYS)


def test_inspect_writes_debug_images(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    src = tmp_path / "invoice.pdf"
    shutil.copy(INVOICES / "saeco.pdf", src)
    code, _ = _run(capsys, "inspect", "--kind", "proof", str(src), "--json",
                   "--debug-dir", str(tmp_path / "dbg"))
    assert code == 0 and (tmp_path / "dbg" / "annotated.jpg").is_file()


def test_inspect_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    code, lines = _run(capsys, "inspect", "--kind", "proof", "/nonexistent/x.jpg", "--json")
    assert code == 2 and lines == []
