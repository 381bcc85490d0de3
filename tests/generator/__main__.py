"""CLI: ``python -m tests.generator --out DIR --n N --split dev|holdout [--kinds front,back]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.generator.cases import FAMILIES, generate, iter_specs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.generator", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--n", type=int, default=40, help="number of cases")
    ap.add_argument("--split", choices=["dev", "holdout"], default="dev")
    ap.add_argument("--kinds", default=None, help="comma list of front,back,proof")
    ap.add_argument("--families", default=None, help=f"comma list of {', '.join(FAMILIES)}")
    args = ap.parse_args(argv)
    kinds = set(args.kinds.split(",")) if args.kinds else None
    families = set(args.families.split(",")) if args.families else None
    if families and not families <= set(FAMILIES):
        ap.error(f"unknown families: {sorted(families - set(FAMILIES))}")
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for spec, seed in iter_specs(args.split, args.n, kinds=kinds, families=families):
            case = generate(spec, seed)
            (args.out / case.filename).write_bytes(case.data)
            row = {"file": case.filename, "content_type": case.content_type, **case.label}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(
                f"{case.filename}\t{','.join(case.label['expected_flags']) or 'OK'}",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
