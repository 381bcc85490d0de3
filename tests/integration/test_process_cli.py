"""`device-intake process` pushes registration files through a running stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from device_intake.cli import main
from device_intake.domain.documents import DocumentKind

from infra.local_stack import LocalStack
from tests.integration.support import ScriptedInspector, fresh_imei, good, unique_jpeg

pytestmark = pytest.mark.integration


def _write(tmp_path: Path, name: str, imei: str, docs: dict[str, bytes]) -> Path:
    for kind, data in docs.items():
        (tmp_path / f"{name}-{kind}.jpg").write_bytes(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({
        "device": {"category": "smartphone", "maker": "Apple", "model": "iPhone 15",
                   "model_id": "iphone-15", "imei": imei, "serial": None},
        "declared": {"purchased_after_enrollment": False, "release_over_5_years": False},
        "documents": [{"kind": k, "path": f"{name}-{k}.jpg"} for k in docs],
    }))
    return path


def test_process_reports_a_decision_per_file(
    stack: LocalStack, inspector: ScriptedInspector, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    imei = fresh_imei()
    good_file = _write(tmp_path, "good", imei, {
        "front": inspector.on(unique_jpeg(), good(DocumentKind.FRONT, imei=imei, imeis=[imei])),
        "back": inspector.on(unique_jpeg(), good(DocumentKind.BACK)),
    })
    blurry_file = _write(tmp_path, "blurry", fresh_imei(), {
        "front": unique_jpeg(), "back": unique_jpeg(),
    })

    code = main(["process", str(good_file), str(blurry_file), "--plan", "keitai-support-plus",
                 "--enrolled", "2025-04-01", "--api", stack.api_url, "--json", "--timeout", "60"])

    assert code == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["file"] for r in results] == [str(good_file), str(blurry_file)]
    assert results[0]["decision"] == "APPROVED"
    assert results[1]["decision"] == "NEEDS_RESUBMISSION"
    assert "IMEI_NOT_FOUND" in results[1]["reasons"]


def test_process_refuses_a_file_without_document_paths(tmp_path: Path) -> None:
    path = tmp_path / "inline.json"
    path.write_text(json.dumps({"device": {"category": "smartphone"},
                                "documents": [{"kind": "front", "flags": []}]}))
    assert main(["process", str(path), "--plan", "keitai-support-plus",
                 "--enrolled", "2025-04-01", "--api", "http://127.0.0.1:9"]) == 2
