"""``device-intake decide``: the cli.md contract, path documents and usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from device_intake import cli
from device_intake.app.decide_registration import RegistrationFileError, decide_file
from device_intake.domain.documents import InspectionResult
from device_intake.domain.reasons import ReasonCode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "registrations"
INLINE_EXAMPLE = FIXTURES / "cli-example-inline.json"

# The example of shared/spec/cli.md, verbatim.
CLI_MD_EXAMPLE = {
    "plan": "keitai-support-plus",
    "enrolled_on": "2025-04-01",
    "submitted_on": "2025-04-10",
    "device": {
        "category": "smartphone",
        "maker": "Apple",
        "model": "iPhone 15",
        "imei": "352099001761481",
        "serial": None,
        "released_on": "2023-09-22",
    },
    "declared": {"purchased_after_enrollment": False, "release_over_5_years": False},
    "documents": [
        {"kind": "front", "path": "front.jpg"},
        {"kind": "back", "flags": [], "fields": {}},
        {
            "kind": "proof",
            "flags": [],
            "fields": {"purchase_date": "2023-10-01", "model_name": "iPhone 15"},
        },
    ],
}


def _write(tmp_path: Path, data: dict, name: str = "registration.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_console_script_decides_the_cli_md_example_with_inline_documents():
    script = Path(sys.executable).with_name("device-intake")  # the installed console script
    command = [str(script)] if script.exists() else [sys.executable, "-m", "device_intake.cli"]
    proc = subprocess.run(
        [*command, "decide", str(INLINE_EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    out = json.loads(lines[0])
    assert list(out)[:3] == ["decision", "reasons", "coverage_starts_on"]
    assert out["decision"] == "APPROVED"
    assert out["reasons"] == []
    assert out["coverage_starts_on"] == "2025-04-02"


def test_every_reason_carries_its_code_and_messages(tmp_path):
    data = json.loads(INLINE_EXAMPLE.read_text(encoding="utf-8"))
    data["documents"][0]["flags"] = ["SCREENSHOT"]
    out = decide_file(_write(tmp_path, data))
    assert out["decision"] == "NEEDS_RESUBMISSION"
    assert out["reasons"] == ["SCREENSHOT"]
    assert out["coverage_starts_on"] is None
    (explanation,) = out["explanations"]
    assert explanation["code"] == "SCREENSHOT"
    assert "スクリーンショット" in explanation["title_ja"]
    assert explanation["action_ja"] and explanation["reviewer_en"]


def test_output_adds_limits_checks_and_plan_version():
    out = decide_file(INLINE_EXAMPLE)
    assert out["plan_version"].startswith("keitai-support-plus@")
    assert out["limits"]["repairable_max_jpy"] == 150_000
    assert {c["rule"] for c in out["checks"]} >= {"category", "documents", "release_window"}
    assert [d["kind"] for d in out["documents"]] == ["front", "back", "proof"]


def test_path_documents_are_inspected_relative_to_the_json_file(tmp_path, monkeypatch):
    (tmp_path / "front.jpg").write_bytes(b"\xff\xd8 photo")
    seen: list[tuple[str, Path]] = []

    def fake_inspect_file(kind, path, debug_dir=None):
        seen.append((kind, Path(path)))
        return InspectionResult.model_validate(
            {"kind": kind, "fields": {"imei": "352099001761481", "imeis": ["352099001761481"]}}
        )

    from device_intake.app import inspect_document

    monkeypatch.setattr(inspect_document, "inspect_file", fake_inspect_file)
    out = decide_file(_write(tmp_path, CLI_MD_EXAMPLE))
    assert seen == [("front", tmp_path / "front.jpg")]
    assert out["decision"] == "APPROVED"
    assert out["coverage_starts_on"] == "2025-04-02"


def test_cli_md_example_with_an_unreadable_front_photo_runs_through_the_real_inspector(tmp_path):
    # A corrupt file is a result (CORRUPT_FILE), not a crash: no OCR is needed to get there.
    pytest.importorskip("device_intake.inspection.engine")
    (tmp_path / "front.jpg").write_bytes(b"not really a jpeg")
    out = decide_file(_write(tmp_path, CLI_MD_EXAMPLE))
    assert out["decision"] == "NEEDS_RESUBMISSION"
    assert out["reasons"][0] in {ReasonCode.CORRUPT_FILE, ReasonCode.UNSUPPORTED_FORMAT}


def test_missing_document_file_is_a_usage_error(tmp_path, capsys):
    path = _write(tmp_path, CLI_MD_EXAMPLE)
    assert cli.main(["decide", str(path), "--json"]) == 2
    assert "front.jpg" in capsys.readouterr().err


def test_missing_inspection_engine_is_a_clear_error_not_a_made_up_result(tmp_path, monkeypatch):
    (tmp_path / "front.jpg").write_bytes(b"\xff\xd8 photo")
    monkeypatch.setitem(sys.modules, "device_intake.app.inspect_document", None)
    with pytest.raises(RegistrationFileError, match="inspection is not available"):
        decide_file(_write(tmp_path, CLI_MD_EXAMPLE))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "one JSON object"),
        (json.dumps({**CLI_MD_EXAMPLE, "plan": "unknown-plan"}), "unknown-plan"),
        (json.dumps({**CLI_MD_EXAMPLE, "enrolled_on": "yesterday"}), "enrolled_on"),
        (json.dumps({**CLI_MD_EXAMPLE, "documents": [{"kind": "selfie"}]}), "kind"),
        (
            json.dumps({**CLI_MD_EXAMPLE, "documents": [{"kind": "back", "flags": ["NOPE"]}]}),
            "documents[0]",
        ),
    ],
)
def test_bad_registration_files_exit_2_with_a_message(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert cli.main(["decide", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_unreadable_registration_file_is_a_usage_error(tmp_path):
    with pytest.raises(RegistrationFileError, match="cannot read"):
        decide_file(tmp_path / "absent.json")


def test_plan_version_in_force_on_the_submission_date_is_used(tmp_path):
    data = {
        **CLI_MD_EXAMPLE,
        "plan": "smart-care-m",
        "enrolled_on": "2022-09-01",
        "submitted_on": "2022-10-01",
        "documents": [],
    }
    with pytest.raises(RegistrationFileError, match="in force on 2022-10-01"):
        decide_file(_write(tmp_path, data))


def test_decided_on_sets_the_approval_date_for_mobile_anshin_value(tmp_path):
    data = json.loads(INLINE_EXAMPLE.read_text(encoding="utf-8"))
    data.update(plan="mobile-anshin-value", decided_on="2025-04-12")
    data["declared"].update(
        purchased_after_enrollment=True,
        carrier="au",
        contract_type="model_change",
        carrier_guarantee=True,
        sold_by_operator=True,
    )
    data["documents"][2]["fields"]["purchase_date"] = "2025-04-01"
    out = decide_file(_write(tmp_path, data))
    assert out["decision"] == "APPROVED", out["checks"]
    assert out["coverage_starts_on"] == "2025-04-12"



EXPECTED = json.loads((FIXTURES / "_expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_registrations_decide_as_expected(name):
    # These run with the packaged model catalog: they check the engine and the catalog agree.
    out = decide_file(FIXTURES / name)
    got = {k: out[k] for k in ("decision", "reasons", "coverage_starts_on")}
    assert got == EXPECTED[name], out["checks"]


def test_every_fixture_has_an_expectation():
    names = {p.name for p in FIXTURES.glob("*.json") if not p.name.startswith("_")}
    assert names == set(EXPECTED)
