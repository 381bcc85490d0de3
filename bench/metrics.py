"""Scoring engine outputs against generated labels and the invoice ground truth."""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections.abc import Iterable
from typing import Any

from bench.dataset import Item

TWELVE_MP = [3024, 4032]


def norm(s: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").casefold().split())


def model_matches(pred: str | None, label: str | None) -> bool:
    if not pred or not label:
        return False
    if norm(pred) == norm(label):
        return True
    from device_intake.domain.catalog import ModelCatalog

    m = ModelCatalog.load().match(pred)
    return m is not None and norm(m.model.name) == norm(label)


def store_matches(pred: str | None, label: str | None) -> bool:
    a, b = norm(pred), norm(label)
    return bool(a and b and (a in b or b in a))


def price_matches(pred_fields: dict[str, Any], label: dict[str, Any]) -> bool:
    if label.get("price_jpy") is not None:
        return pred_fields.get("price_jpy") == label["price_jpy"]
    want = label.get("price")
    got = pred_fields.get("price")
    if got is None:
        got = pred_fields.get("price_jpy")
    return want is not None and got is not None and abs(float(got) - float(want)) < 0.01


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def wilson(ok: int, n: int, z: float = 1.96) -> list[float] | None:
    """The Wilson score interval (95 % by default) of a rate of ``ok`` in ``n``.

    A target such as "precision >= 95 %" cannot be decided on a dozen cases: one miss in 12
    is 91.7 %, and 12 of 12 is still compatible with a true rate of 76 %. The interval says
    how much a figure can be trusted; it stays inside [0, 1] and is sensible at 0 and n.
    """
    if n <= 0:
        return None
    p = ok / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def _acc(hits: Iterable[bool]) -> dict[str, Any]:
    h = list(hits)
    ok = sum(h)
    return {
        "n": len(h),
        "ok": ok,
        "rate": round(ok / len(h), 4) if h else None,
        "ci95": wilson(ok, len(h)),
    }


def is_12mp_photo(it: Item) -> bool:
    size = it.params.get("photo_size") or []
    return sorted(size) == TWELVE_MP and "downscaled_to" not in it.params


def score(items: list[Item], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Metrics for one engine over ``items`` (all of one split)."""
    out: dict[str, Any] = {"kinds": {}, "flags": {}, "errors": 0}
    pairs = [(it, results[it.id]) for it in items if it.id in results]
    out["errors"] = sum(1 for _, r in pairs if r.get("error"))
    for kind in ("front", "back", "proof"):
        kp = [(it, r) for it, r in pairs if it.kind == kind]
        if not kp:
            continue
        k: dict[str, Any] = {"n": len(kp)}

        def flags_ok(it: Item, r: dict[str, Any]) -> bool:
            got = set(r.get("flags", [])) - set(it.optional_flags)
            return got == set(it.expected_flags)

        k["flags_exact"] = _acc(flags_ok(it, r) for it, r in kp)
        k["acceptable_passed"] = _acc(
            not (set(r.get("flags", [])) - set(it.optional_flags))
            for it, r in kp
            if not it.expected_flags
        )
        if kind == "front":
            k["imei_exact_acceptable"] = _acc(
                r.get("fields", {}).get("imei") == it.fields.get("imei")
                for it, r in kp
                if not it.expected_flags and it.fields.get("imei")
            )
            k["imei_exact_screenshot"] = _acc(
                r.get("fields", {}).get("imei") == it.fields.get("imei")
                for it, r in kp
                if it.case == "front_screenshot" and it.fields.get("imei")
            )
        if kind == "proof":
            with_date = [(it, r) for it, r in kp if it.fields.get("purchase_date")]
            k["purchase_date_acceptable"] = _acc(
                r.get("fields", {}).get("purchase_date") == it.fields["purchase_date"]
                for it, r in with_date
                if not it.expected_flags
            )
            k["purchase_date_all"] = _acc(
                r.get("fields", {}).get("purchase_date") == it.fields["purchase_date"]
                for it, r in with_date
            )
            k["model"] = _acc(
                model_matches(r.get("fields", {}).get("model_name"), it.fields.get("model_name"))
                for it, r in kp
                if it.fields.get("model_name") and not it.expected_flags
            )
            k["store"] = _acc(
                store_matches(r.get("fields", {}).get("store_name"), it.fields.get("store_name"))
                for it, r in kp
                if it.fields.get("store_name") and not it.expected_flags
            )
            k["price"] = _acc(
                price_matches(r.get("fields", {}), it.fields)
                for it, r in kp
                if (it.fields.get("price_jpy") or it.fields.get("price")) and not it.expected_flags
            )
            k["serial_on_proof"] = _acc(
                norm(r.get("fields", {}).get("serial")) == norm(it.fields["serial"])
                for it, r in kp
                if it.fields.get("serial") and not it.expected_flags
            )
            k["imei_on_proof"] = _acc(
                it.fields["imei"] in (r.get("fields", {}).get("imeis") or [])
                for it, r in kp
                if it.fields.get("imei") and not it.expected_flags
            )
        ms = [float(r["ms"]) for it, r in kp if not it_is_bad(it)]
        k["latency_ms"] = {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "n": len(ms)}
        big = [float(r["ms"]) for it, r in kp if is_12mp_photo(it)]
        k["latency_12mp_ms"] = {
            "p50": percentile(big, 50),
            "p95": percentile(big, 95),
            "n": len(big),
        }
        out["kinds"][kind] = k
    # Per family: how often the flags are exactly right (where engine owners should look).
    out["families"] = {}
    for fam in sorted({it.case for it, _ in pairs}):
        in_family = [(it, r) for it, r in pairs if it.case == fam]
        out["families"][fam] = _acc(
            set(r.get("flags", [])) - set(it.optional_flags) == set(it.expected_flags)
            for it, r in in_family
        )
    # Per-flag precision / recall, pooled over kinds (a flag means the same on every kind).
    codes = sorted(
        {f for it, _ in pairs for f in it.expected_flags}
        | {f for _, r in pairs for f in r.get("flags", [])}
    )
    for code in codes:
        tp = fp = fn = 0
        for it, r in pairs:
            got = code in r.get("flags", [])
            want = code in it.expected_flags
            if got and want:
                tp += 1
            elif got and code not in it.optional_flags:
                fp += 1
            elif want:
                fn += 1
        out["flags"][code] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None,
            "precision_ci95": wilson(tp, tp + fp),
            "recall_ci95": wilson(tp, tp + fn),
        }
    return out


def it_is_bad(it: Item) -> bool:
    """Broken files are rejected in microseconds and would flatter the latency numbers."""
    return it.case.startswith("bad_")


def score_invoices(items: list[Item], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    pairs = [(it, results[it.id]) for it in items if it.id in results]
    out: dict[str, Any] = {}
    for case in ("invoice_pdf", "invoice_png"):
        cp = [(it, r) for it, r in pairs if it.case == case]
        if not cp:
            continue
        out[case] = {
            "n": len(cp),
            "purchase_date": _acc(
                r.get("fields", {}).get("purchase_date") == it.fields["purchase_date"]
                for it, r in cp
            ),
            "store": _acc(
                store_matches(r.get("fields", {}).get("store_name"), it.fields["store_name"])
                for it, r in cp
            ),
            "price": _acc(
                price_matches(r.get("fields", {}), it.fields)
                for it, r in cp
                if it.fields.get("price") is not None
            ),
            "latency_ms": {
                "p50": percentile([float(r["ms"]) for _, r in cp], 50),
                "p95": percentile([float(r["ms"]) for _, r in cp], 95),
            },
        }
    return out
