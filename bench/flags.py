"""Flag sweep: many generated photos of chosen families, per-flag precision/recall, misses.

``python -m bench.flags --families front_partial,front_photo --n 40 [--split dev] [--jobs 2]``

The full benchmark (``bench.run``) draws a weighted mix, so a flag gets 3-10 positives per
split: too few to see what a change does. This sweep renders ``--n`` cases of EACH family
named (cached like the benchmark's under ``bench/cache/<version>/sweep-<split>/``), runs the
default engine on them in ``--jobs`` processes and prints, per family, the share with
exactly the expected flags, per flag precision / recall, every miss with the generator
parameters that explain it, and IMEI exact on the acceptable fronts (each wrong one
listed). It is a development tool: numbers for the README
come from ``bench.run``. Tune on ``dev`` only; ``holdout`` is for checking.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.dataset import CACHE, generator_version
from bench.metrics import model_matches

PARAM_KEYS = (
    "background",
    "fill",
    "cut_fraction",
    "case",
    "subject",
    "layout",
    "dark_mode",
    "body_colour",
    "rotation",
    "perspective",
    "tablet",
)


def _case_path(folder: Path, family: str, seed: int) -> Path:
    return folder / f"{family}-{seed}.json"


def _generate(folder: str, family: str, split: str, seed: int) -> None:
    from tests.generator import CaseSpec, generate

    case = generate(CaseSpec(family, split), seed)  # type: ignore[arg-type]
    Path(folder, case.filename).write_bytes(case.data)
    label = {**case.label, "content_type": case.content_type}
    _case_path(Path(folder), family, seed).write_text(json.dumps(label), encoding="utf-8")


def _inspect(folder: str, label_file: str) -> dict[str, Any]:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from device_intake.inspection.engine import inspect_document

    label = json.loads(Path(label_file).read_text(encoding="utf-8"))
    data = Path(folder, label["filename"]).read_bytes()
    t0 = time.perf_counter()
    res = inspect_document(
        label["kind"], data, filename=label["filename"], content_type=label["content_type"]
    )
    return {
        "label": label,
        "flags": sorted(str(f) for f in res.flags),
        "imei": res.fields.imei,
        "purchase_date": res.fields.purchase_date.isoformat() if res.fields.purchase_date else None,
        "model_name": res.fields.model_name,
        "seconds": time.perf_counter() - t0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", required=True, help="comma list of generator families")
    ap.add_argument("--n", type=int, default=30, help="cases per family")
    ap.add_argument("--split", default="dev", choices=("dev", "holdout"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--offset", type=int, default=0, help="first seed index")
    ap.add_argument("--quiet", action="store_true", help="no list of misses")
    args = ap.parse_args(argv)
    from tests.generator.cases import FAMILIES, SPLIT_SEED_BASE

    families = [f for f in args.families.split(",") if f]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        ap.error(f"unknown families: {unknown}")
    folder = CACHE / generator_version() / f"sweep-{args.split}"
    folder.mkdir(parents=True, exist_ok=True)
    base = SPLIT_SEED_BASE[args.split] + 900_000 + args.offset
    todo = [(fam, base + i) for fam in families for i in range(args.n)]
    missing = [(f, s) for f, s in todo if not _case_path(folder, f, s).exists()]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        if missing:
            list(
                pool.map(
                    _generate,
                    [str(folder)] * len(missing),
                    [f for f, _ in missing],
                    [args.split] * len(missing),
                    [s for _, s in missing],
                )
            )
        results = list(
            pool.map(
                _inspect,
                [str(folder)] * len(todo),
                [str(_case_path(folder, f, s)) for f, s in todo],
            )
        )
    per_family: dict[str, list[bool]] = defaultdict(list)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    for r in results:
        label = r["label"]
        expected = set(label["expected_flags"])
        optional = set(label.get("optional_flags", []))
        got = set(r["flags"]) - (optional - expected)
        ok = got == expected
        per_family[label["case"]].append(ok)
        for f in got & expected:
            tp[f] += 1
        for f in got - expected:
            fp[f] += 1
        for f in expected - got:
            fn[f] += 1
        if not ok:
            misses.append(r)
    print(f"split={args.split} n={args.n} per family, generator {generator_version()}")
    for fam in families:
        oks = per_family[fam]
        print(f"  {fam:28s} exact {sum(oks):3d}/{len(oks):3d}")
    print("flag                     P        R      (tp/fp/fn)")
    for f in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[f] / (tp[f] + fp[f]) if tp[f] + fp[f] else float("nan")
        rc = tp[f] / (tp[f] + fn[f]) if tp[f] + fn[f] else float("nan")
        print(f"  {f:22s} {p:6.1%}  {rc:6.1%}   ({tp[f]}/{fp[f]}/{fn[f]})")
    # IMEI exact on the fronts that should pass (acceptable photos with a known IMEI).
    fronts = [
        r
        for r in results
        if r["label"]["kind"] == "front"
        and r["label"].get("acceptable")
        and r["label"].get("fields", {}).get("imei")
    ]
    if fronts:
        right = sum(1 for r in fronts if r["imei"] == r["label"]["fields"]["imei"])
        print(f"IMEI exact on acceptable fronts {right}/{len(fronts)}")
    # Purchase date and model on the proofs that should pass, scored as bench.run scores them.
    proofs = [
        r
        for r in results
        if r["label"]["kind"] == "proof" and not r["label"]["expected_flags"]
    ]
    dated = [r for r in proofs if r["label"]["fields"].get("purchase_date")]
    modelled = [r for r in proofs if r["label"]["fields"].get("model_name")]
    wrong_date = [r for r in dated if r["purchase_date"] != r["label"]["fields"]["purchase_date"]]
    wrong_model = [
        r
        for r in modelled
        if not model_matches(r["model_name"], r["label"]["fields"]["model_name"])
    ]
    if dated:
        print(f"purchase date on acceptable proofs {len(dated) - len(wrong_date)}/{len(dated)}")
    if modelled:
        print(f"model on acceptable proofs {len(modelled) - len(wrong_model)}/{len(modelled)}")
    secs = sorted(r["seconds"] for r in results)
    print(f"latency p50 {secs[len(secs) // 2]:.2f} s (jobs={args.jobs}, machine shared)")
    if not args.quiet:
        for r in fronts:
            want = r["label"]["fields"]["imei"]
            if r["imei"] != want:
                print(f"IMEI {r['label']['filename']}: want {want} got {r['imei']}")
        for r in wrong_date:
            want, params = r["label"]["fields"]["purchase_date"], r["label"]["params"]
            print(
                f"DATE {r['label']['filename']}: want {want} got {r['purchase_date']} "
                f"{json.dumps(params, ensure_ascii=False)}"
            )
        for r in wrong_model:
            want, params = r["label"]["fields"]["model_name"], r["label"]["params"]
            print(
                f"MODEL {r['label']['filename']}: want {want!r} got {r['model_name']!r} "
                f"{json.dumps(params, ensure_ascii=False)}"
            )
        for r in misses:
            label = r["label"]
            params = {k: label["params"].get(k) for k in PARAM_KEYS if k in label["params"]}
            print(
                f"MISS {label['filename']}: want {label['expected_flags']} got {r['flags']} "
                f"{json.dumps(params, ensure_ascii=False)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
