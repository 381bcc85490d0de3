"""Property tests: the engine agrees with oracles written straight from each seed sentence."""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain_builders import IMEI, OLD, OTHER_IMEI, back, front, make_facts, proof, run
from hypothesis import given, settings
from hypothesis import strategies as st


def _years_back(d: date, years: int) -> date:
    # Written independently of plans.add_years: 29 Feb falls back to 28 Feb.
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return date(d.year - years, 2, 28)


def _years_on(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 2, 28)


# Oracles: may an older device bought on `p` be registered on `s` (enrolled `e`)?
ORACLES = {
    # 加入日前1年以内もしくは加入日以降
    "keitai-support-plus": lambda e, p, s: p >= _years_back(e, 1),
    # 1年前より後に購入
    "vision-hikari": lambda e, p, s: p > _years_back(e, 1),
    # 起算日後に購入したものが、購入後一年以内
    "smart-care-m": lambda e, p, s: p > e and s <= _years_on(p, 1),
    "nap-mobile-anshin": lambda e, p, s: p > e and s <= _years_on(p, 1),
}

# From the date every stored plan version is in force; spans the leap years 2024 and 2028.
enrolments = st.dates(min_value=date(2023, 3, 1), max_value=date(2030, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    plan_id=st.sampled_from(sorted(ORACLES)),
    enrolled=enrolments,
    purchase_offset=st.integers(min_value=-400, max_value=400),
    submit_offset=st.integers(min_value=0, max_value=400),
)
def test_older_device_purchase_window_matches_the_seed_oracle(
    plan_id, enrolled, purchase_offset, submit_offset
):
    purchased = enrolled + timedelta(days=purchase_offset)
    submitted = max(enrolled, purchased) + timedelta(days=submit_offset)
    facts = make_facts(
        plan_id, enrolled=enrolled, submitted=submitted, over=True, after=purchased >= enrolled
    )
    decision = run(facts, [front(), back(), proof(purchased)], released_on=OLD)
    expected = "APPROVED" if ORACLES[plan_id](enrolled, purchased, submitted) else "REJECTED"
    assert decision.decision == expected, decision.checks


@settings(max_examples=150, deadline=None)
@given(
    plan_id=st.sampled_from(sorted(ORACLES)),
    enrolled=enrolments,
    age_days=st.integers(min_value=5 * 365 - 5, max_value=5 * 366 + 5),
)
def test_release_rule_is_five_years_inclusive(plan_id, enrolled, age_days):
    released = enrolled - timedelta(days=age_days)
    if plan_id in ("keitai-support-plus", "vision-hikari"):
        within = released >= _years_back(enrolled, 5)  # 加入日/利用契約開始日を起算日として
    else:
        within = enrolled <= _years_on(released, 5)  # 開始日時点で発売日から5年以内
    facts = make_facts(plan_id, enrolled=enrolled, submitted=enrolled, over=not within)
    decision = run(facts, [front(), back()], released_on=released)
    outcomes = [c.outcome.value for c in decision.checks if c.rule == "release_window"]
    assert (outcomes == ["pass"]) == within


_FIFTEEN_DIGITS = re.compile(r"\d{15}")


@given(duplicate=st.booleans(), typed=st.sampled_from([IMEI, OTHER_IMEI]))
def test_no_check_detail_carries_a_full_imei(duplicate, typed):
    facts = make_facts(imei=typed, duplicate=duplicate)
    docs = [front((IMEI,)), back(), proof(date(2023, 10, 1), imeis=(OTHER_IMEI,))]
    decision = run(facts, docs)
    assert not any(_FIFTEEN_DIGITS.search(c.detail) for c in decision.checks)
