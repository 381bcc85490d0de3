"""Inspection benchmark: generated cases (dev + holdout) and real invoices, several engines.

``python -m bench.run [--n N] [--split dev|holdout|both] [--engines naive,engine,...]
[--kinds front,back,proof] [--quick] [--jobs J]``

Engines: ``naive`` (tesseract jpn+eng on the raw image + regexes, ``bench/naive.py``),
``engine`` (``inspection.engine.inspect_document``, default configuration),
``engine_rapidocr`` (the same with ``DEVICE_INTAKE_OCR=rapidocr``), ``engine_hybrid``
(``DEVICE_INTAKE_OCR=hybrid``). Each engine runs in its own process pinned to one core
(``bench/worker.py``). Writes ``bench/results/<name>.json`` and ``.md``; see docs/bench.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import metrics
from bench.dataset import CACHE, REPO, Item, generated_items, generator_version, invoice_items

RESULTS = REPO / "bench" / "results"
ENGINES: dict[str, dict[str, str | None]] = {
    "naive": {},
    "engine": {"DEVICE_INTAKE_OCR": None},  # default configuration: whatever the code defaults to
    "engine_rapidocr": {"DEVICE_INTAKE_OCR": "rapidocr"},
    "engine_hybrid": {"DEVICE_INTAKE_OCR": "hybrid"},
}
DEFAULT_ENGINES = "naive,engine,engine_rapidocr"

# Targets from issue 3, shown next to the numbers.
TARGETS = {
    "imei_exact_acceptable": ("≥ 99 %", lambda v: None if v is None else v >= 0.99),
    "purchase_date_acceptable": ("≥ 98 %", lambda v: None if v is None else v >= 0.98),
    "model": ("≥ 95 %", lambda v: None if v is None else v >= 0.95),
    "flag": ("P and R ≥ 95 %", None),
    "front_12mp_p50": ("≤ 800 ms", lambda v: None if v is None else v <= 800),
    "proof_p50": ("≤ 1500 ms", lambda v: None if v is None else v <= 1500),
    "speedup": ("≥ 2×", lambda v: None if v is None else v >= 2),
    "rss_12mp": ("≤ 600 MB", lambda v: None if v is None else v <= 600),
}


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _env_for(engine: str) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    for key, value in ENGINES[engine].items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _run_workers(
    engines: list[str],
    manifests: dict[str, Path],
    workdir: Path,
    jobs: int,
    warmup: bool = True,
) -> dict[str, tuple[dict[str, dict[str, Any]], dict[str, Any]]]:
    """Run each engine over its manifest; ``jobs`` workers at a time, each on its own core.

    A worker that dies (a native crash in an OCR library) is restarted after the item it
    died on, which is recorded with the flag ``CRASH``; at most three restarts per engine.
    """
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    pending: list[tuple[str, Path, int]] = [(eng, manifests[eng], 0) for eng in engines]
    running: list[tuple[str, subprocess.Popen[bytes], Path, Path, Path, int, int, float]] = []
    results: dict[str, dict[str, dict[str, Any]]] = {eng: {} for eng in engines}
    summaries: dict[str, dict[str, Any]] = {eng: {"wall_s": 0.0, "restarts": 0} for eng in engines}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            eng, manifest, attempt = pending.pop(0)
            used = {r[6] for r in running}
            cpu = next((c for c in cpus if c not in used), cpus[0])
            res_path = workdir / f"{manifest.stem}-{eng}.jsonl"
            rss_path = workdir / f"{manifest.stem}-{eng}.rss.json"
            cmd = [sys.executable, "-m", "bench.launch", str(rss_path), "--", sys.executable]
            cmd += ["-m", "bench.worker", "--engine", eng, "--manifest", str(manifest)]
            cmd += ["--out", str(res_path), "--cpu", str(cpu)]
            if not warmup:
                cmd.append("--no-warmup")
            _log(f"engine {eng} on cpu {cpu}: {manifest.name}")
            proc = subprocess.Popen(cmd, cwd=REPO, env=_env_for(eng), stderr=subprocess.DEVNULL)
            running.append((eng, proc, manifest, res_path, rss_path, attempt, cpu, time.time()))
        time.sleep(0.5)
        for entry in list(running):
            eng, proc, manifest, res_path, rss_path, attempt, _cpu, started = entry
            if proc.poll() is None:
                continue
            running.remove(entry)
            summary = summaries[eng]
            summary["returncode"] = proc.returncode
            if res_path.exists():
                for line in res_path.read_text(encoding="utf-8").splitlines():
                    row = json.loads(line)
                    if row.get("_summary"):
                        summary.update({k: v for k, v in row.items() if k != "_summary"})
                    else:
                        results[eng][row["id"]] = row
            if rss_path.exists():
                rss = json.loads(rss_path.read_text())
                rss.pop("returncode", None)
                summary["children_maxrss_mb"] = max(
                    summary.get("children_maxrss_mb") or 0, rss.get("children_maxrss_mb") or 0
                )
            summary["wall_s"] = round(summary["wall_s"] + time.time() - started, 1)
            todo = [
                line
                for line in manifest.read_text(encoding="utf-8").splitlines()
                if json.loads(line)["id"] not in results[eng]
            ]
            if todo and attempt < 3:
                dead = json.loads(todo[0])["id"]
                results[eng][dead] = {
                    "id": dead,
                    "ms": 0.0,
                    "flags": ["CRASH"],
                    "fields": {},
                    "error": f"worker exited with {proc.returncode}",
                }
                retry = workdir / f"{manifests[eng].stem}-retry{attempt + 1}.jsonl"
                retry.write_text("".join(t + "\n" for t in todo[1:]), encoding="utf-8")
                summary["restarts"] += 1
                _log(f"engine {eng} died on {dead}; restarting after it")
                if todo[1:]:
                    pending.append((eng, retry, attempt + 1))
                continue
            _log(f"engine {eng} done: {len(results[eng])} results in {summary['wall_s']} s")
    return {eng: (results[eng], summaries[eng]) for eng in engines}


def _probe_items(version: str) -> list[Item]:
    """Three 12 MP photos (front, back, proof on a table) for the peak-RSS probe."""
    from tests.generator import CaseSpec, generate

    folder = CACHE / version / "probe"
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for fam, params in (("front_photo", {}), ("back_photo", {}), ("proof", {"output": "photo"})):
        spec = CaseSpec(fam, "dev", {"photo_size": (3024, 4032), **params})
        meta = folder / f"{fam}.json"
        if meta.exists():
            label = json.loads(meta.read_text(encoding="utf-8"))
        else:
            case = generate(spec, 424_242)
            (folder / case.filename).write_bytes(case.data)
            label = {**case.label, "content_type": case.content_type}
            meta.write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
        items.append(
            Item(
                id=f"probe/{label['filename']}",
                split="probe",
                kind=label["kind"],
                path=str(folder / label["filename"]),
                filename=label["filename"],
                content_type=label["content_type"],
                case=label["case"],
                expected_flags=label["expected_flags"],
                fields=label["fields"],
                params=label["params"],
            )
        )
    return items


def _p50_ratios(
    items: dict[str, list[Item]],
    naive_ms: dict[str, float],
    mine_ms: dict[str, float],
    **extra: Any,
) -> dict[str, Any]:
    """naive p50 / engine p50 per split and kind, over the good items both have a time for."""
    out: dict[str, Any] = {}
    for split, group in items.items():
        for kind in ("front", "back", "proof"):
            common = [
                it.id
                for it in group
                if it.kind == kind
                and it.id in naive_ms
                and it.id in mine_ms
                and not metrics.it_is_bad(it)
            ]
            a = metrics.percentile([naive_ms[i] for i in common], 50)
            b = metrics.percentile([mine_ms[i] for i in common], 50)
            if a and b:
                out.setdefault(split, {})[kind] = {
                    "n": len(common),
                    "naive_p50": a,
                    "p50": b,
                    "ratio": round(a / b, 2),
                    **extra,
                }
    return out


def _speedups(
    items: dict[str, list[Item]],
    naive: dict[str, dict[str, Any]],
    mine: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The ratio from the separate runs: each engine's own timing of each item."""
    return _p50_ratios(
        items,
        {i: float(row["ms"]) for i, row in naive.items()},
        {i: float(row["ms"]) for i, row in mine.items()},
    )


# Engines whose speed-up is also timed in turn with the baseline, item by item (the target
# is the engine's; the RapidOCR peer is several times slower and keeps the separate-run
# ratio only).
PAIRED = ("engine",)


def _paired_speedups(
    items: dict[str, list[Item]],
    naive: dict[str, dict[str, Any]],
    mine: dict[str, dict[str, Any]],
    workdir: Path,
    eng: str,
) -> dict[str, Any] | None:
    """naive p50 / engine p50 per split and kind, both timed in one process, in turn.

    The separate runs time the baseline and the engine minutes apart; whatever the machine
    does in between lands in their ratio (unchanged code ran 5-10 % slower from one run
    to the next here). Same items as :func:`_speedups`: both engines ran them, not bad.
    """
    common = [
        it
        for split, group in items.items()
        if split != "invoices"
        for it in group
        if it.id in naive and it.id in mine and not metrics.it_is_bad(it)
    ]
    if not common:
        return None
    manifest = workdir / f"pair-{eng}.jsonl"
    _write_manifest(manifest, common)
    out = workdir / f"pair-{eng}-timings.jsonl"
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    cmd = [sys.executable, "-m", "bench.worker", "--engine", "naive", "--pair", eng]
    cmd += ["--manifest", str(manifest), "--out", str(out), "--cpu", str(cpus[-1])]
    _log(f"naive and {eng} in turn on {len(common)} items (speed-up)")
    subprocess.run(cmd, cwd=REPO, env=_env_for(eng), stderr=subprocess.DEVNULL, check=False)
    times: dict[str, dict[str, float]] = {"naive": {}, eng: {}}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for name in times:
                if row["pair_ms"].get(name) is not None:
                    times[name][row["id"]] = float(row["pair_ms"][name])
    return _p50_ratios(items, times["naive"], times[eng], method="in turn") or None


def _write_manifest(path: Path, items: list[Item]) -> None:
    path.write_text(
        "".join(json.dumps(it.to_json(), ensure_ascii=False) + "\n" for it in items),
        encoding="utf-8",
    )


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "shared", "bench", "tests/generator"],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = "unknown", False
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit + ("+dirty" if dirty else ""),
        "loadavg_start": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--n", type=int, default=240, help="generated cases per split (default 240)")
    ap.add_argument("--split", choices=["dev", "holdout", "both"], default="both")
    ap.add_argument(
        "--engines", default=DEFAULT_ENGINES, help=f"comma list of {', '.join(ENGINES)}"
    )
    ap.add_argument("--kinds", default=None, help="comma list of front,back,proof (default all)")
    ap.add_argument("--quick", action="store_true", help="40-image smoke run (20 per split)")
    ap.add_argument("--no-invoices", action="store_true", help="skip the real invoices")
    ap.add_argument("--no-probe", action="store_true", help="skip the 12 MP peak-RSS probe")
    ap.add_argument("--jobs", type=int, default=1, help="engines run in parallel, one core each")
    ap.add_argument(
        "--name", default=None, help="result file stem (default latest, quick for --quick)"
    )
    ap.add_argument(
        "--naive-n",
        type=int,
        default=120,
        help="cases per split for the slow naive baseline (default 120)",
    )
    ap.add_argument("--gen-jobs", type=int, default=1, help="processes generating missing cases")
    ap.add_argument("--note", default=None, help="a line for the report (e.g. machine state)")
    ap.add_argument("--generate-only", action="store_true", help="fill the cache and stop")
    ap.add_argument(
        "--no-pair",
        action="store_true",
        help="skip timing naive and engine in turn (speed-up from the separate runs only)",
    )
    args = ap.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        ap.error(f"unknown engines {unknown}")
    n = 20 if args.quick else args.n
    kinds = set(args.kinds.split(",")) if args.kinds else None
    splits = ["dev", "holdout"] if args.split == "both" else [args.split]
    name = args.name or ("quick" if args.quick else "latest")
    started = dt.datetime.now(dt.UTC)
    machine = _machine()

    # Computed once: other helpers' commits to dates/catalog during a run must not split the cache.
    version = generator_version()
    items: dict[str, list[Item]] = {}
    for split in splits:
        _log(f"preparing {n} {split} cases (generator {version})")
        items[split] = generated_items(split, n, kinds, version=version, jobs=args.gen_jobs)
    if not args.no_invoices and not args.quick and (kinds is None or "proof" in kinds):
        items["invoices"] = invoice_items()
    probe = [] if args.no_probe or args.quick else _probe_items(version)
    if args.generate_only:
        _log("cache filled")
        return 0

    workdir = CACHE / "runs" / started.strftime("%Y%m%dT%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    all_items = [it for group in items.values() for it in group]
    manifest = workdir / "items.jsonl"
    _write_manifest(manifest, all_items)
    manifests = {eng: manifest for eng in engines}
    if "naive" in engines and args.naive_n < n:
        # The baseline takes seconds per photo: it runs on the first naive_n cases of each
        # split (the schedule is balanced, so a prefix keeps the family mix).
        naive_items = [it for split in splits for it in items[split][: args.naive_n]]
        manifests["naive"] = workdir / "items-naive.jsonl"
        _write_manifest(manifests["naive"], naive_items)
    runs = _run_workers(engines, manifests, workdir, args.jobs)
    probe_runs: dict[str, Any] = {}
    if probe:
        pm = workdir / "probe.jsonl"
        _write_manifest(pm, probe)
        # One fresh process per engine: its peak RSS is what a 12 MP upload costs a container.
        probe_runs = _run_workers(
            engines, dict.fromkeys(engines, pm), workdir, args.jobs, warmup=False
        )

    paired: dict[str, Any] = {}
    if "naive" in runs and not args.no_pair:
        for eng in engines:
            if eng in PAIRED and eng in runs:
                paired[eng] = _paired_speedups(items, runs["naive"][0], runs[eng][0], workdir, eng)

    report: dict[str, Any] = {
        "command": "python -m bench.run "
        + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {**machine, "loadavg_end": os.getloadavg()},
        "generator_version": version,
        "note": args.note,
        "counts": {k: len(v) for k, v in items.items()},
        "engines": {},
    }
    for eng in engines:
        results, summary = runs.get(eng, ({}, {}))
        entry: dict[str, Any] = {"run": summary, "splits": {}}
        for split, group in items.items():
            if split == "invoices":
                entry["splits"][split] = metrics.score_invoices(group, results)
            else:
                entry["splits"][split] = metrics.score(group, results)
        if eng in probe_runs:
            p_results, p_summary = probe_runs[eng]
            entry["probe_12mp"] = {
                "peak_rss_mb": max(
                    p_summary.get("vmhwm_mb") or 0, p_summary.get("children_maxrss_mb") or 0
                ),
                "vmhwm_mb": p_summary.get("vmhwm_mb"),
                "children_maxrss_mb": p_summary.get("children_maxrss_mb"),
                "ms": {it.kind: p_results.get(it.id, {}).get("ms") for it in probe},
            }
        report["engines"][eng] = entry
        if "naive" in runs and eng != "naive":
            separate = _speedups(items, runs["naive"][0], results)
            if paired.get(eng):
                entry["speedup_vs_naive"] = paired[eng]
                entry["speedup_vs_naive_separate_runs"] = separate
            else:
                entry["speedup_vs_naive"] = separate
        mistakes = [
            {
                "id": it.id,
                "case": it.case,
                "expected": it.expected_flags,
                "got": results[it.id].get("flags"),
                "error": (results[it.id].get("error") or "")[:200] or None,
            }
            for group in items.values()
            for it in group
            if it.id in results
            and it.split != "invoices"
            and set(results[it.id].get("flags", [])) - set(it.optional_flags)
            != set(it.expected_flags)
        ]
        entry["flag_mistakes"] = mistakes[:400]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    from bench.report import render

    (RESULTS / f"{name}.md").write_text(render(report, TARGETS), encoding="utf-8")
    _log(f"wrote {RESULTS / (name + '.json')} and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
