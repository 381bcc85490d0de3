"""Deterministic test-data generator for the inspection engine and the benchmark.

``generate(CaseSpec(family, split), seed)`` renders one upload (front photo, back photo,
purchase proof or a broken file) with its label; ``iter_cases(split, n)`` yields a balanced
mix; ``python -m tests.generator --out DIR --n N --split dev|holdout`` writes files and
``labels.jsonl``. See ``docs/bench.md`` for what it models and what it does not.
"""

from tests.generator.cases import (
    FAMILIES,
    CaseSpec,
    GeneratedCase,
    generate,
    iter_cases,
    iter_specs,
)

__all__ = ["FAMILIES", "CaseSpec", "GeneratedCase", "generate", "iter_cases", "iter_specs"]
