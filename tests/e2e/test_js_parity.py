"""The form's live checks in JavaScript agree with the Python domain code they mirror.

``web/js/imei.js`` mirrors ``domain/imei.py`` (item 4's live check-digit feedback) and
``web/js/rules.js`` mirrors the plans' documents matrix (item 7's live photo list). If one
side changes without the other, the page would tell subscribers something the API then
contradicts.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from device_intake.domain.imei import classify_identifier, luhn_check_digit

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _identifier_inputs() -> list[str]:
    rng = random.Random(20261123)
    inputs = [
        "",
        "   ",
        "352099001761481",
        "352099001761482",
        "35-209900-176148-1",
        "35 209900 176148 1",
        "３５２０９９００１７６１４８１",
        "３５－２０９９００－１７６１４８－１",
        "3520990017614812",
        "35209900176148",
        "DNPXK2ABHG7F",
        "dnpxk2abhg7f",
        "R58N12ABCDE",
        "12345",
        "123456",
        "12345678901234567890",
        "123456789012345678901",
        "ＡＢＣ１２３４５６",
        "abc!@#",
        "IMEI 352099001761481",
        "ー352099001761481",
        "35.209900.176148.1",
        "35/209900/176148/1",
    ]
    for _ in range(150):
        body = "".join(rng.choice("0123456789") for _ in range(14))
        good = body + str(luhn_check_digit(body))
        bad = body + str((luhn_check_digit(body) + rng.randint(1, 9)) % 10)
        pick = rng.choice([good, bad, good + str(rng.randint(0, 9)), body[: rng.randint(5, 14)]])
        if rng.random() < 0.3:
            pick = pick.translate(FULL_WIDTH)
        if rng.random() < 0.3:
            pick = f"{pick[:2]}-{pick[2:8]}-{pick[8:]}"
        inputs.append(pick)
    return inputs


@pytest.fixture
def module_page(browser: Any, static_web_url: str) -> Any:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{static_web_url}/review/index.html?parity")  # any page: we only import modules
    yield page
    ctx.close()


def test_identifier_classification_in_js_matches_python(module_page: Any) -> None:
    inputs = _identifier_inputs()
    js = module_page.evaluate(
        """async (inputs) => {
            const m = await import('/js/imei.js');
            return inputs.map((x) => m.classifyIdentifier(x));
        }""",
        inputs,
    )
    for raw, got in zip(inputs, js, strict=True):
        want = classify_identifier(raw)
        if want is None:
            assert got is None, raw
        else:
            assert got == {"kind": want.kind, "value": want.value, "imei": want.imei}, raw


def test_live_feedback_flags_a_wrong_check_digit_and_accepts_full_width(module_page: Any) -> None:
    result = module_page.evaluate(
        """async () => {
            const m = await import('/js/imei.js');
            const inputs = ['３５２０９９００１７６１４８１', '352099001761482',
                            '35-209900-176148-1', 'DNPXK2ABHG7F'];
            return inputs.map((x) => m.identifierFeedback(x).state);
        }"""
    )
    assert result == ["ok", "error", "ok", "info"]


def test_required_photos_in_js_match_every_plans_documents_matrix(module_page: Any) -> None:
    from device_intake.domain.plans import list_plans
    from device_intake.domain.requirements import required_documents

    plans = list_plans()
    assert plans
    cases = []
    for plan in plans:
        rows = [row.model_dump(mode="json") for row in plan.documents]
        for after in (True, False):
            for over in (True, False):
                required, optional = required_documents(plan, after, over)
                cases.append(
                    {
                        "rows": rows,
                        "after": after,
                        "over": over,
                        "plan": plan.id,
                        "required": [k.value for k in required],
                        "optional": [k.value for k in optional],
                    }
                )
    got = module_page.evaluate(
        """async (cases) => {
            const m = await import('/js/rules.js');
            return cases.map((c) => {
              const r = m.requiredDocuments(c.after, c.over, c.rows);
              return r && { required: r.required, optional: r.optional };
            });
        }""",
        cases,
    )
    for case, js in zip(cases, got, strict=True):
        assert js == {"required": case["required"], "optional": case["optional"]}, case["plan"]


def test_the_built_in_matrix_is_the_common_plans_matrix(module_page: Any) -> None:
    from device_intake.domain.plans import load_plan

    rows = [
        row.model_dump(mode="json", exclude_none=True)
        for row in load_plan("keitai-support-plus").documents
    ]
    js_rows = module_page.evaluate("async () => (await import('/js/rules.js')).DEFAULT_ROWS")
    assert [
        {
            k: v
            for k, v in r.items()
            if k in ("purchased_after_enrollment", "release_over_years", "alternatives")
        }
        for r in rows
    ] == js_rows


def test_reviewer_console_offers_every_reason_code(module_page: Any) -> None:
    from device_intake.domain.reasons import ReasonCode

    js = module_page.evaluate("async () => (await import('/review/js/common.js')).REASON_CODES")
    assert sorted(js) == sorted(code.value for code in ReasonCode)
