"""Markdown rendering of a benchmark report (``bench/results/<name>.md``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Target = tuple[str, Callable[[Any], bool | None] | None]


def _rate(acc: dict[str, Any] | None) -> str:
    if not acc or not acc.get("n"):
        return "–"
    return f"{100 * acc['rate']:.1f} % ({acc['ok']}/{acc['n']})"


def _ci(ci: list[float] | None) -> str:
    """A 95 % interval, compact: `[87–100]` (per cent)."""
    if not ci:
        return ""
    return f" [{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]"


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f} ms"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ❌")


def _kind_rows(
    kind: str, engines: list[str], rep: dict[str, Any], split: str, targets: dict[str, Target]
) -> list[str]:
    def k(eng: str) -> dict[str, Any]:
        return rep["engines"][eng]["splits"].get(split, {}).get("kinds", {}).get(kind, {})

    rows: list[tuple[str, str, Callable[[str], str]]] = [
        ("items", "", lambda e: str(k(e).get("n", "–"))),
        ("flags exactly right", "", lambda e: _rate(k(e).get("flags_exact"))),
        ("acceptable items passed", "", lambda e: _rate(k(e).get("acceptable_passed"))),
    ]
    if kind == "front":
        t = targets["imei_exact_acceptable"]
        rows += [
            (
                "IMEI exact (acceptable fronts)",
                t[0],
                lambda e: (
                    _rate(k(e).get("imei_exact_acceptable"))
                    + _mark(
                        t[1](k(e).get("imei_exact_acceptable", {}).get("rate")) if t[1] else None
                    )
                ),
            ),
            ("IMEI exact (screenshots)", "", lambda e: _rate(k(e).get("imei_exact_screenshot"))),
        ]
    if kind == "proof":
        td, tm = targets["purchase_date_acceptable"], targets["model"]
        rows += [
            (
                "purchase date (acceptable proofs)",
                td[0],
                lambda e: (
                    _rate(k(e).get("purchase_date_acceptable"))
                    + _mark(
                        td[1](k(e).get("purchase_date_acceptable", {}).get("rate"))
                        if td[1]
                        else None
                    )
                ),
            ),
            (
                "purchase date (every proof with a date)",
                "",
                lambda e: _rate(k(e).get("purchase_date_all")),
            ),
            (
                "model (acceptable proofs)",
                tm[0],
                lambda e: (
                    _rate(k(e).get("model"))
                    + _mark(tm[1](k(e).get("model", {}).get("rate")) if tm[1] else None)
                ),
            ),
            ("store", "", lambda e: _rate(k(e).get("store"))),
            ("price (¥)", "", lambda e: _rate(k(e).get("price"))),
            ("IMEI on proof", "", lambda e: _rate(k(e).get("imei_on_proof"))),
            ("serial on proof", "", lambda e: _rate(k(e).get("serial_on_proof"))),
        ]
    rows += [
        (
            "latency p50 (one core, files that decode)",
            targets["proof_p50"][0] if kind == "proof" else "",
            lambda e: (
                _ms(k(e).get("latency_ms", {}).get("p50"))
                + (
                    _mark(targets["proof_p50"][1](k(e).get("latency_ms", {}).get("p50")))  # type: ignore[misc]
                    if kind == "proof" and e != "naive"
                    else ""
                )
            ),
        ),
        ("latency p95", "", lambda e: _ms(k(e).get("latency_ms", {}).get("p95"))),
    ]
    if kind == "front":
        t12 = targets["front_12mp_p50"]
        rows.append(
            (
                "12 MP photo latency p50",
                t12[0],
                lambda e: (
                    _ms(k(e).get("latency_12mp_ms", {}).get("p50"))
                    + f" (n={k(e).get('latency_12mp_ms', {}).get('n', 0)})"
                    + (
                        _mark(t12[1](k(e).get("latency_12mp_ms", {}).get("p50")))  # type: ignore[misc]
                        if e != "naive"
                        else ""
                    )
                ),
            )
        )
    if "naive" in engines:
        ts = targets["speedup"]

        def ratio(e: str, key: str = "speedup_vs_naive") -> dict[str, Any] | None:
            return rep["engines"][e].get(key, {}).get(split, {}).get(kind)

        def speed(e: str) -> str:
            sp = ratio(e)
            if e == "naive" or not sp:
                return "–"
            return f"{sp['ratio']:.2f}× (n={sp['n']})" + _mark(ts[1](sp["ratio"]))  # type: ignore[misc]

        def separate(e: str) -> str:
            sp = ratio(e, "speedup_vs_naive_separate_runs")
            return "–" if e == "naive" or not sp else f"{sp['ratio']:.2f}× (n={sp['n']})"

        paired = any((ratio(e) or {}).get("method") == "in turn" for e in engines)
        label = "speed-up vs naive (p50 ratio, same items"
        rows.append((label + (", timed in turn)" if paired else ")"), ts[0], speed))
        if paired:
            rows.append((label + ", separate runs)", "", separate))
    head = "| metric | " + " | ".join(engines) + " | target |"
    sep = "|---|" + "---|" * len(engines) + "---|"
    body = [
        f"| {name} | " + " | ".join(fn(e) for e in engines) + f" | {tgt} |"
        for name, tgt, fn in rows
    ]
    return [head, sep, *body]


def _flag_rows(engines: list[str], rep: dict[str, Any], split: str) -> list[str]:
    codes = sorted(
        {c for e in engines for c in rep["engines"][e]["splits"].get(split, {}).get("flags", {})}
    )
    head = "| flag | " + " | ".join(f"{e} P / R (tp/fp/fn)" for e in engines) + " | target |"
    sep = "|---|" + "---|" * len(engines) + "---|"
    rows = [head, sep]
    for c in codes:
        cells = []
        for e in engines:
            f = rep["engines"][e]["splits"].get(split, {}).get("flags", {}).get(c)
            if not f:
                cells.append("–")
                continue
            p = "–" if f["precision"] is None else f"{100 * f['precision']:.0f} %"
            r = "–" if f["recall"] is None else f"{100 * f['recall']:.0f} %"
            if e != "naive":
                p += _ci(f.get("precision_ci95"))
                r += _ci(f.get("recall_ci95"))
            ok = (
                (f["precision"] or 0) >= 0.95 and (f["recall"] or 0) >= 0.95
                if f["tp"] + f["fn"]
                else (False if f["fp"] else None)
            )
            cells.append(
                f"{p} / {r} ({f['tp']}/{f['fp']}/{f['fn']})" + _mark(ok if e != "naive" else None)
            )
        rows.append(f"| {c} | " + " | ".join(cells) + " | ≥ 95 % / ≥ 95 % |")
    return rows


def _summary(rep: dict[str, Any], engines: list[str], targets: dict[str, Target]) -> list[str]:
    """Issue 3's targets at a glance, per split, for every engine."""
    splits = [s for s in ("dev", "holdout") if s in rep["counts"]]
    if not splits:
        return []

    def kind(e: str, split: str, kd: str) -> dict[str, Any]:
        return rep["engines"][e]["splits"].get(split, {}).get("kinds", {}).get(kd, {})

    def rate(acc: dict[str, Any] | None, key: str) -> str:
        t = targets[key]
        v = (acc or {}).get("rate")
        return _rate(acc) + _ci((acc or {}).get("ci95")) + (_mark(t[1](v)) if t[1] else "")

    def flags_ok(e: str, split: str) -> str:
        fl = rep["engines"][e]["splits"].get(split, {}).get("flags", {})
        # A flag raised only wrongly (no true case in the split) still fails its precision.
        scored = {c: f for c, f in fl.items() if f["tp"] + f["fn"] + f["fp"]}
        good = sum(
            1
            for f in scored.values()
            if (f["precision"] or 0) >= 0.95 and (f["recall"] or 0) >= 0.95
        )
        return f"{good} of {len(scored)}" + _mark(good == len(scored) if scored else None)

    def ms(v: float | None, key: str) -> str:
        t = targets[key]
        return _ms(v) + (_mark(t[1](v)) if t[1] and v is not None else "")

    def speed(e: str, split: str, kd: str) -> str:
        sp = rep["engines"][e].get("speedup_vs_naive", {}).get(split, {}).get(kd)
        if not sp:
            return "–"
        t = targets["speedup"]
        return f"{sp['ratio']:.2f}×" + (_mark(t[1](sp["ratio"])) if t[1] else "")

    rows: list[tuple[str, str, Callable[[str, str], str]]] = [
        (
            "IMEI exact, acceptable fronts",
            targets["imei_exact_acceptable"][0],
            lambda e, sp: rate(
                kind(e, sp, "front").get("imei_exact_acceptable"), "imei_exact_acceptable"
            ),
        ),
        (
            "purchase date, acceptable proofs",
            targets["purchase_date_acceptable"][0],
            lambda e, sp: rate(
                kind(e, sp, "proof").get("purchase_date_acceptable"), "purchase_date_acceptable"
            ),
        ),
        (
            "model, acceptable proofs",
            targets["model"][0],
            lambda e, sp: rate(kind(e, sp, "proof").get("model"), "model"),
        ),
        ("flags with P and R ≥ 95 %", "all", flags_ok),
        (
            "12 MP front p50",
            targets["front_12mp_p50"][0],
            lambda e, sp: ms(
                kind(e, sp, "front").get("latency_12mp_ms", {}).get("p50"), "front_12mp_p50"
            ),
        ),
        (
            "proof p50",
            targets["proof_p50"][0],
            lambda e, sp: ms(kind(e, sp, "proof").get("latency_ms", {}).get("p50"), "proof_p50"),
        ),
        (
            "speed-up vs naive: front / proof",
            targets["speedup"][0],
            lambda e, sp: f"{speed(e, sp, 'front')} / {speed(e, sp, 'proof')}",
        ),
    ]
    cols = [(e, sp) for e in engines if e != "naive" for sp in splits]
    if not cols:
        return []
    out = [
        "## Targets at a glance",
        "",
        "| target | goal | " + " | ".join(f"{e} ({sp})" for e, sp in cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    for name, goal, fn in rows:
        out.append(f"| {name} | {goal} | " + " | ".join(fn(e, sp) for e, sp in cols) + " |")
    rss_cells = []
    for e, _sp in cols:
        p = rep["engines"][e].get("probe_12mp")
        t = targets["rss_12mp"]
        rss_cells.append(
            "–"
            if not p
            else f"{p['peak_rss_mb']:.0f} MB" + (_mark(t[1](p["peak_rss_mb"])) if t[1] else "")
        )
    out.append(
        f"| peak RSS on 12 MP (one probe per engine) | {targets['rss_12mp'][0]} | "
        + " | ".join(rss_cells)
        + " |"
    )
    return [*out, ""]


def render(rep: dict[str, Any], targets: dict[str, Target]) -> str:
    engines = list(rep["engines"])
    m = rep["machine"]
    load = m.get("loadavg_start", [0, 0, 0])
    # The load at the end includes this run's own engines (one per core): only the load
    # before it started says whether anything else was competing.
    busy = load[0] > 0.5 * (m.get("nproc") or 1)
    lines = [
        "# Inspection benchmark",
        "",
        f"- command: `{rep['command']}`",
        f"- date (UTC): {rep['started_utc']} → {rep['finished_utc']}",
        f"- git commit: `{m['commit']}`, generator version `{rep['generator_version']}`",
        f"- machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}; "
        "every engine runs in its own process pinned to ONE core with `OMP_THREAD_LIMIT=1`",
        f"- load average at start / end: {load[0]:.1f} / {m.get('loadavg_end', [0])[0]:.1f}",
        f"- items: {', '.join(f'{k} {v}' for k, v in rep['counts'].items())}",
    ]
    if rep.get("note"):
        lines.append(f"- note: {rep['note']}")
    if busy:
        lines.append(
            "- **Other processes were running on this machine during the run (shared by the "
            "whole team): latencies are pessimistic; re-run on a quiet machine for the record.**"
        )
    lines += [
        "",
        "Labels are what an ideal inspector returns; `optional_flags` (e.g. IMEI_NOT_FOUND on "
        "a photo that is already TOO_DARK) are neither rewarded nor penalised. See docs/bench.md.",
        "",
        "Figures in brackets are 95 % Wilson intervals (per cent): with a dozen positives a "
        "flag's 100 % can mean a true 76 %, and one miss reads 92 %.",
        *(
            [
                "",
                "Speed-ups are timed in turn: after the runs, the baseline and the engine are "
                "called one after the other on each item both ran, in one process on one core, "
                "the order alternating; the ratio of the separate runs (minutes apart) is shown "
                "below it.",
            ]
            if any("speedup_vs_naive_separate_runs" in rep["engines"][e] for e in engines)
            else []
        ),
        "",
        *_summary(rep, engines, targets),
    ]
    for split in ("dev", "holdout"):
        if split not in rep["counts"]:
            continue
        lines += [f"## {split} split", ""]
        for kind in ("front", "back", "proof"):
            if not any(
                kind in rep["engines"][e]["splits"].get(split, {}).get("kinds", {}) for e in engines
            ):
                continue
            lines += [
                f"### {split}: {kind}",
                "",
                *_kind_rows(kind, engines, rep, split, targets),
                "",
            ]
        fams = sorted(
            {
                f
                for e in engines
                for f in rep["engines"][e]["splits"].get(split, {}).get("families", {})
            }
        )
        if fams:
            lines += [
                f"### {split}: flags exactly right, per case family",
                "",
                "| family | " + " | ".join(engines) + " |",
                "|---|" + "---|" * len(engines),
            ]
            for fam in fams:
                cells = [
                    _rate(rep["engines"][e]["splits"].get(split, {}).get("families", {}).get(fam))
                    for e in engines
                ]
                lines.append(f"| {fam} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += [
            f"### {split}: flags (precision / recall over all kinds)",
            "",
            *_flag_rows(engines, rep, split),
            "",
        ]
    if "invoices" in rep["counts"]:
        lines += [
            "## Real invoices (invoice2data, English/European; fields only)",
            "",
            "| source | metric | " + " | ".join(engines) + " |",
            "|---|---|" + "---|" * len(engines),
        ]
        for case in ("invoice_pdf", "invoice_png"):
            for metric in ("purchase_date", "store", "price"):
                cells = [
                    _rate(rep["engines"][e]["splits"].get("invoices", {}).get(case, {}).get(metric))
                    for e in engines
                ]
                lines.append(f"| {case} | {metric} | " + " | ".join(cells) + " |")
            cells = [
                _ms(
                    rep["engines"][e]["splits"]
                    .get("invoices", {})
                    .get(case, {})
                    .get("latency_ms", {})
                    .get("p50")
                )
                for e in engines
            ]
            lines.append(f"| {case} | latency p50 | " + " | ".join(cells) + " |")
        lines.append("")
    if any("probe_12mp" in rep["engines"][e] for e in engines):
        t = targets["rss_12mp"]
        lines += [
            "## Peak memory on 12 MP photos (fresh process: front, back, proof photo)",
            "",
            "| engine | peak RSS | worker VmHWM | launcher RUSAGE_CHILDREN "
            "| ms front / back / proof | target |",
            "|---|---|---|---|---|---|",
        ]
        for e in engines:
            p = rep["engines"][e].get("probe_12mp")
            if not p:
                continue
            ms = " / ".join(_ms(p["ms"].get(kd)) for kd in ("front", "back", "proof"))
            lines.append(
                f"| {e} | {p['peak_rss_mb']:.0f} MB"
                f"{_mark(t[1](p['peak_rss_mb']) if t[1] else None)} "
                f"| {p['vmhwm_mb']} MB | {p['children_maxrss_mb']} MB | {ms} (cold) | {t[0]} |"
            )
        lines.append("")
    lines += [
        "## Engine runs",
        "",
        "| engine | wall time | exceptions | worker peak RSS |",
        "|---|---|---|---|",
    ]
    for e in engines:
        run = rep["engines"][e]["run"]
        errs = sum(
            rep["engines"][e]["splits"].get(s, {}).get("errors", 0) for s in ("dev", "holdout")
        )
        lines.append(
            f"| {e} | {run.get('wall_s', '–')} s | {errs} | {run.get('vmhwm_mb', '–')} MB |"
        )
    lines.append("")
    return "\n".join(lines)
