"""Every 「seed quote」 in docs/domain.md really is in a seed (so interpretations cite the text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO.parent / "shared" / "seeds"
DOC = REPO / "docs" / "domain.md"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not next to the repository")
def test_quotes_in_domain_doc_appear_in_the_seeds():
    corpus = _squash("".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    quotes = re.findall(r"「(.+?)」", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(quotes) >= 15
    missing = []
    for quote in quotes:
        for piece in re.split(r"…", quote):
            piece = _squash(piece)
            if len(piece) >= 6 and piece not in corpus:
                missing.append(piece)
    assert missing == []
