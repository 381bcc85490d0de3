"""The speed-up timing: baseline and engine called in turn on each item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import worker


def test_paired_timing_alternates_the_order_and_records_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []

    def fake_runner(name: str) -> Any:
        def run(kind: str, data: bytes, filename: str, ctype: str | None) -> dict[str, Any]:
            calls.append((name, filename))
            if name == "engine" and filename == "broken.jpg":
                raise ValueError("boom")
            return {}

        return run

    monkeypatch.setattr(worker, "_runner", fake_runner)
    items = []
    for i, filename in enumerate(["a.jpg", "b.jpg", "broken.jpg"]):
        path = tmp_path / filename
        path.write_bytes(b"x")
        items.append(
            {
                "id": f"dev/{i}",
                "kind": "proof",
                "path": str(path),
                "filename": filename,
                "content_type": "image/jpeg",
            }
        )
    out = tmp_path / "pair.jsonl"
    assert worker._paired("naive", "engine", items, out) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["dev/0", "dev/1", "dev/2"]
    assert rows[2]["pair_ms"]["engine"] is None and rows[2]["pair_ms"]["naive"] >= 0
    assert all(r["pair_ms"]["naive"] is not None for r in rows)
    # Warm-up first (one item of the kind per engine), then the timed calls in turn.
    timed = calls[2:]
    assert timed[:2] == [("naive", "a.jpg"), ("engine", "a.jpg")]
    assert timed[2:4] == [("engine", "b.jpg"), ("naive", "b.jpg")]
