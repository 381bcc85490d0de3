"""The benchmark's scoring: optional flags are neutral, misses and false alarms count."""

from __future__ import annotations

from bench.dataset import Item
from bench.metrics import model_matches, percentile, score, wilson


def _item(i: int, kind: str, flags: list[str], optional: list[str] | None = None, **fields) -> Item:
    return Item(
        id=f"t/{i}",
        split="dev",
        kind=kind,
        path="-",
        filename=f"{i}.jpg",
        content_type="image/jpeg",
        case="front_photo" if not flags else "x",
        expected_flags=flags,
        optional_flags=optional or [],
        fields=fields,
        params={},
    )


def test_flag_precision_recall_ignore_optional_flags_and_count_misses() -> None:
    items = [
        _item(1, "front", [], imei="353199001234567"),
        _item(2, "front", ["TOO_DARK"], ["IMEI_NOT_FOUND"]),
        _item(3, "front", ["SCREENSHOT"]),
        _item(4, "front", []),
    ]
    results = {
        "t/1": {"flags": [], "fields": {"imei": "353199001234567"}, "ms": 100.0},
        "t/2": {"flags": ["TOO_DARK", "IMEI_NOT_FOUND"], "fields": {}, "ms": 200.0},
        "t/3": {"flags": [], "fields": {}, "ms": 300.0},
        "t/4": {"flags": ["SCREENSHOT"], "fields": {}, "ms": 400.0},
    }
    s = score(items, results)
    dark = {k: s["flags"]["TOO_DARK"][k] for k in ("tp", "fp", "fn", "precision", "recall")}
    assert dark == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert s["flags"]["IMEI_NOT_FOUND"]["fp"] == 0
    assert (
        s["flags"]["SCREENSHOT"]["precision"] == 0.0 and s["flags"]["SCREENSHOT"]["recall"] == 0.0
    )
    front = s["kinds"]["front"]
    assert front["imei_exact_acceptable"] == {"n": 1, "ok": 1, "rate": 1.0, "ci95": wilson(1, 1)}
    assert front["flags_exact"]["ok"] == 2
    assert front["latency_ms"]["p50"] == 250.0


def test_model_names_match_after_width_and_case_folding_only() -> None:
    assert model_matches("ｉＰｈｏｎｅ 15", "iPhone 15")
    assert not model_matches("iPhone 15 Pro", "iPhone 15")
    assert not model_matches(None, "iPhone 15")
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0


def test_wilson_interval_matches_published_values_and_stays_in_bounds() -> None:
    # 0 of 10: the textbook Wilson 95 % interval is [0, 27.75 %].
    assert wilson(0, 10) == [0.0, 0.2775]
    # A perfect dozen does not prove 95 %: the interval reaches down to 75.75 %.
    assert wilson(12, 12) == [0.7575, 1.0]
    lo, hi = wilson(38, 39)  # type: ignore[misc]
    assert lo < 38 / 39 < hi
    assert wilson(0, 0) is None


def test_scores_carry_their_intervals() -> None:
    items = [_item(i, "front", ["TOO_DARK"] if i % 2 else []) for i in range(1, 9)]
    results = {it.id: {"flags": ["TOO_DARK"], "fields": {}, "ms": 10.0} for it in items}
    out = score(items, results)
    dark = out["flags"]["TOO_DARK"]
    assert dark["precision"] == 0.5 and dark["recall"] == 1.0
    assert dark["precision_ci95"] == wilson(4, 8)
    assert dark["recall_ci95"] == wilson(4, 4)
    assert out["kinds"]["front"]["flags_exact"]["ci95"] == wilson(4, 8)
