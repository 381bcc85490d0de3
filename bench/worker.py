"""One engine over a manifest, in its own process pinned to one core.

``python -m bench.worker --engine NAME --manifest IN.jsonl --out OUT.jsonl --cpu 0``

The parent (``bench.run``) sets the engine's environment (``DEVICE_INTAKE_OCR``) and
``OMP_THREAD_LIMIT=1``; this process pins itself to ``--cpu`` so that latencies are
one-core numbers, warms the engine up (model loading is not per-request cost in a warm
Lambda container), then times each call. The last output line is a summary with the peak
resident set size of this process and of its children (tesseract CLI runs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def _runner(engine: str) -> Any:
    if engine == "naive":
        from bench import naive

        def run_naive(kind: str, data: bytes, filename: str, ctype: str | None) -> dict[str, Any]:
            return naive.inspect(kind, data)

        return run_naive

    from device_intake.inspection.engine import inspect_document

    def run_engine(kind: str, data: bytes, filename: str, ctype: str | None) -> dict[str, Any]:
        res = inspect_document(kind, data, filename=filename, content_type=ctype)
        return {
            "flags": [str(f) for f in res.flags],
            "fields": res.fields.model_dump(mode="json"),
            "engine": res.engine,
        }

    return run_engine


def _vmhwm_mb() -> float | None:
    """This process's own peak RSS (``ru_maxrss`` would include the parent's, see launch.py)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--manifest", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument(
        "--pair",
        default=None,
        help="time this engine and --engine in turn on every item (speed-up, see _paired)",
    )
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    items = [json.loads(line) for line in args.manifest.read_text(encoding="utf-8").splitlines()]
    if args.pair:
        return _paired(args.engine, args.pair, items, args.out)
    run = _runner(args.engine)
    if not args.no_warmup:
        warmed: set[str] = set()
        for it in items:  # one untimed call per kind builds the OCR engine / loads models
            if it["kind"] in warmed or it["case"].startswith("bad_"):
                continue
            warmed.add(it["kind"])
            with contextlib.suppress(Exception):  # the timed pass records it
                run(it["kind"], Path(it["path"]).read_bytes(), it["filename"], it["content_type"])
    with args.out.open("w", encoding="utf-8") as out:
        for it in items:
            data = Path(it["path"]).read_bytes()
            t0 = time.perf_counter()
            try:
                res = run(it["kind"], data, it["filename"], it["content_type"])
                err = None
            except Exception as exc:  # a bug in an engine is a benchmark result, not a crash
                res = {"flags": ["EXCEPTION"], "fields": {}}
                err = f"{type(exc).__name__}: {traceback.format_exc(limit=3)[-400:]}"
            ms = (time.perf_counter() - t0) * 1000.0
            out.write(json.dumps({"id": it["id"], "ms": round(ms, 1), "error": err, **res}) + "\n")
            out.flush()
        summary = {
            "_summary": True,
            "vmhwm_mb": _vmhwm_mb(),
            "maxrss_children_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
        }
        out.write(json.dumps(summary) + "\n")
    print(json.dumps(summary), file=sys.stderr)
    return 0


def _paired(first: str, second: str, items: list[dict[str, Any]], out_path: Path) -> int:
    """Both engines on each item, one after the other, the order alternating per item.

    A speed-up is a ratio of two engines' times. Timed in two runs minutes apart, it
    takes in whatever the machine did in between (on this shared VM, unchanged code ran
    5-10 % slower from one run to the next); timed in turn, item by item, in one process
    on one core, both see the same machine.
    """
    runs = {name: _runner(name) for name in (first, second)}
    firsts = {it["kind"]: it for it in reversed(items)}  # the first item of each kind
    for run in runs.values():  # build engines, load models: not per-request cost
        for it in firsts.values():
            with contextlib.suppress(Exception):
                run(it["kind"], Path(it["path"]).read_bytes(), it["filename"], it["content_type"])
    with out_path.open("w", encoding="utf-8") as out:
        for n, it in enumerate(items):
            data = Path(it["path"]).read_bytes()
            order = (first, second) if n % 2 == 0 else (second, first)
            ms: dict[str, float | None] = {}
            for name in order:
                t0 = time.perf_counter()
                try:
                    runs[name](it["kind"], data, it["filename"], it["content_type"])
                    ms[name] = round((time.perf_counter() - t0) * 1000.0, 1)
                except Exception:  # scored by the main run; no time for a failed call
                    ms[name] = None
            out.write(json.dumps({"id": it["id"], "pair_ms": ms}) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
