"""The benchmark's inputs: generated cases (cached on disk) and the real invoices.

Generated files are cached under ``bench/cache/<version>/<split>/`` where ``version`` is a
hash of the generator's sources and of the domain modules its output depends on (dates,
catalog data), so a change to any of them regenerates instead of benchmarking stale files.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench" / "cache"
INVOICES = REPO.parent / "shared" / "data" / "invoice2data"


@dataclass
class Item:
    """One file to inspect, with what an ideal inspector would say about it."""

    id: str
    split: str  # dev | holdout | invoices
    kind: str
    path: str
    filename: str
    content_type: str | None
    case: str
    expected_flags: list[str] = field(default_factory=list)
    optional_flags: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def generator_version() -> str:
    """A fingerprint of what the generator would produce: its sources plus the OUTPUT of
    the domain helpers it uses (date formatting, model list), so that other commits to
    those modules invalidate the cache only when they change a rendered string."""
    from datetime import date

    from tests.generator import data as gdata

    h = hashlib.sha256()
    for p in sorted((REPO / "tests" / "generator").glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    samples = [date(2019, 4, 30), date(2019, 5, 1), date(2023, 9, 22), date(2024, 12, 5)]
    for fmt in gdata.date_formats():
        h.update(fmt.encode())
        for d in samples:
            h.update(gdata.format_date(d, fmt).encode())
    gdata._models.cache_clear()
    for m in gdata._models():
        h.update(f"{m.maker}|{m.name}|{m.category}|{m.released_on}".encode())
    return h.hexdigest()[:12]


def _generate_into(
    folder: str, family: str, split: str, params: dict[str, Any], seed: int, key: str
) -> None:
    from tests.generator import CaseSpec, generate

    case = generate(CaseSpec(family, split, params), seed)  # type: ignore[arg-type]
    Path(folder, case.filename).write_bytes(case.data)
    label = {**case.label, "content_type": case.content_type}
    Path(folder, f"{key}.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")


def generated_items(
    split: str,
    n: int,
    kinds: set[str] | None,
    *,
    version: str | None = None,
    jobs: int = 1,
) -> list[Item]:
    """``n`` generated cases of ``split`` (from the cache, generating what is missing)."""
    from tests.generator import iter_specs

    folder = CACHE / (version or generator_version()) / split
    folder.mkdir(parents=True, exist_ok=True)
    specs = []
    for spec, seed in iter_specs(split, n, kinds=kinds):  # type: ignore[arg-type]
        key = f"{seed}-{spec.family}-{'-'.join(f'{k}{v}' for k, v in sorted(spec.params.items()))}"
        specs.append((spec, seed, key))
    missing = [(s, seed, key) for s, seed, key in specs if not (folder / f"{key}.json").exists()]
    if missing:
        args = [(str(folder), s.family, s.split, s.params, seed, key) for s, seed, key in missing]
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(_generate_into, *zip(*args, strict=True)))
        else:
            for a in args:
                _generate_into(*a)
    items: list[Item] = []
    for _spec, _seed, key in specs:
        label = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        items.append(
            Item(
                id=f"{split}/{label['filename']}",
                split=split,
                kind=label["kind"],
                path=str(folder / label["filename"]),
                filename=label["filename"],
                content_type=label.get("content_type"),
                case=label["case"],
                expected_flags=label["expected_flags"],
                optional_flags=label.get("optional_flags", []),
                fields=label["fields"],
                params=label["params"],
            )
        )
    return items


def invoice_items() -> list[Item]:
    """The real invoices (English/European, not Japanese): PDFs and their PNG renders.

    Only their fields are scored (date, store, total); they carry no model or IMEI, so the
    proof inspector's MODEL_OR_ID_NOT_FOUND on them is correct and flags are not scored.
    """
    labels = INVOICES / "labels.jsonl"
    if not labels.exists():
        return []
    items: list[Item] = []
    for line in labels.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for rel in dict.fromkeys([row["file"], row.get("original_file") or row["file"]]):
            path = INVOICES / rel
            if not path.exists() or path.suffix.lower() not in (".pdf", ".png"):
                continue
            ctype = "application/pdf" if path.suffix.lower() == ".pdf" else "image/png"
            items.append(
                Item(
                    id=f"invoices/{rel}",
                    split="invoices",
                    kind="proof",
                    path=str(path),
                    filename=path.name,
                    content_type=ctype,
                    case="invoice_pdf" if ctype == "application/pdf" else "invoice_png",
                    fields={
                        "purchase_date": row.get("date"),
                        "store_name": row.get("store"),
                        "price": row.get("price_total"),
                        "currency": row.get("currency"),
                    },
                )
            )
    return items
