"""The benchmark's inputs: generated cases (cached on disk) and the real invoices.

Generated files are cached under ``bench/cache/<version>/<split>/`` where ``version`` is a
hash of the generator's sources and of the domain modules its output depends on (dates,
catalog data), so a change to any of them regenerates instead of benchmarking stale files.
"""

from __future__ import annotations

import hashlib
import json
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
    h = hashlib.sha256()
    paths = sorted((REPO / "tests" / "generator").glob("*.py"))
    domain = REPO / "shared" / "device_intake" / "domain"
    paths += [domain / "dates.py", domain / "catalog.py", domain / "data" / "models.csv"]
    for p in paths:
        if p.exists():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def generated_items(
    split: str, n: int, kinds: set[str] | None, *, version: str | None = None, log: Any = None
) -> list[Item]:
    """``n`` generated cases of ``split`` (from the cache, generating what is missing)."""
    from tests.generator import generate, iter_specs

    folder = CACHE / (version or generator_version()) / split
    folder.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []
    for spec, seed in iter_specs(split, n, kinds=kinds):  # type: ignore[arg-type]
        key = f"{seed}-{spec.family}-{'-'.join(f'{k}{v}' for k, v in sorted(spec.params.items()))}"
        meta = folder / f"{key}.json"
        if meta.exists():
            label = json.loads(meta.read_text(encoding="utf-8"))
        else:
            case = generate(spec, seed)
            (folder / case.filename).write_bytes(case.data)
            label = {**case.label, "content_type": case.content_type}
            meta.write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
            if log:
                log(f"generated {split} {case.filename}")
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
