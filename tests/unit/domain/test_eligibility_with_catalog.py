"""The proof's model line against the packaged ModelCatalog (as the pipeline runs it)."""

from __future__ import annotations

from datetime import date

import pytest
from device_intake.domain.catalog import ModelCatalog
from device_intake.domain.eligibility import decide
from device_intake.domain.plans import load_plan
from domain_builders import back, front, make_facts, proof


def _decide(model_line: str, declared: str = "iPhone 15"):
    facts = make_facts(model=declared, released_on=None)
    docs = [front(), back(), proof(date(2023, 10, 1), model_name=model_line)]
    return decide(
        facts,
        docs,
        plan=load_plan("keitai-support-plus"),
        today=date(2025, 4, 10),
        catalog=ModelCatalog.load(),
    )


@pytest.mark.parametrize(
    "line",
    [
        "iPhone 15 128GB ブラック",
        "iPhone15 (128GB) ピンク docomo",
        "ｉＰｈｏｎｅ　１５",
        "Apple iPhone 15 128GB SIMフリー",
    ],
)
def test_receipt_lines_naming_the_declared_model_pass(line):
    decision = _decide(line)
    assert decision.decision == "APPROVED", decision.checks
    assert decision.model_id == "iphone-15"
    assert decision.released_on == date(2023, 9, 22)  # from the catalog


@pytest.mark.parametrize(
    "line",
    [
        "iPhone 15 Pro",  # a neighbour, not the declared model
        "iPhone 15 Plus 256GB",
        "Galaxy S24",
        "商品名: iPhone 15 ケース",  # a case was bought, not the phone
        "iPhone 15 Pr",  # OCR may have eaten the "o" of Pro
    ],
)
def test_receipt_lines_naming_something_else_go_to_review(line):
    decision = _decide(line)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["MODEL_MISMATCH"]
