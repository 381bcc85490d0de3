"""Plan catalog: versions as data, calendar arithmetic and coverage start per seed."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest
from device_intake.domain.plans import (
    Plan,
    UnknownPlanError,
    add_years,
    first_of_month_after_next,
    list_plans,
    load_plan,
    plan_versions,
)
from domain_builders import ALL_PLANS, front, make_facts, photos, run


def test_every_seed_plan_is_in_the_catalog():
    assert {p.id for p in list_plans()} == set(ALL_PLANS)


def test_every_plan_file_is_named_after_its_id_and_effective_date():
    root = resources.files("device_intake.domain").joinpath("data", "plans")
    for entry in root.iterdir():
        plan = Plan.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        assert entry.name == f"{plan.id}@{plan.effective_from.isoformat()}.json"


def test_load_plan_picks_the_version_in_force_on_the_date():
    plan = load_plan("smart-care-m", on=date(2022, 11, 1))  # 2022 年 11 月 1 日 制定
    assert plan.effective_from == date(2022, 11, 1)
    with pytest.raises(UnknownPlanError):
        load_plan("smart-care-m", on=date(2022, 10, 31))


def test_a_terms_change_is_a_new_version_that_wins_from_its_date(monkeypatch):
    from device_intake.domain import plans as plans_module

    old = load_plan("keitai-support-plus")
    new = old.model_copy(update={"effective_from": date(2026, 1, 1), "monthly_fee_jpy": 1320})
    monkeypatch.setattr(plans_module, "_all_versions", lambda: (old, new))
    assert load_plan("keitai-support-plus", on=date(2025, 12, 31)).monthly_fee_jpy == 1210
    assert load_plan("keitai-support-plus", on=date(2026, 1, 1)).monthly_fee_jpy == 1320
    assert load_plan("keitai-support-plus").monthly_fee_jpy == 1320
    assert [p.effective_from for p in plans_module.plan_versions("keitai-support-plus")] == [
        old.effective_from,
        date(2026, 1, 1),
    ]


def test_list_plans_on_a_date_lists_only_plans_in_force():
    ids = {p.id for p in list_plans(on=date(2022, 9, 1))}
    assert ids == {"keitai-support-plus", "vision-hikari", "nap-mobile-anshin"}


def test_unknown_plan_is_an_error():
    with pytest.raises(UnknownPlanError):
        load_plan("no-such-plan")
    assert plan_versions("no-such-plan") == []


def test_dated_seeds_use_their_date_and_undated_ones_say_assumed():
    assert load_plan("nap-mobile-anshin").effective_from == date(2022, 8, 1)  # 2022年8月1日制定
    assert load_plan("mobile-anshin-value").effective_from == date(2023, 3, 1)  # 2023年3月1日改定
    assert load_plan("keitai-support-plus").effective_from_source == "assumed"
    assert load_plan("vision-hikari").effective_from_source == "assumed"


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2020, 4, 1), 5, date(2025, 4, 1)),
        (date(2020, 2, 29), 5, date(2025, 2, 28)),  # no 29 Feb in 2025
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2025, 12, 31), -5, date(2020, 12, 31)),
    ],
)
def test_add_years_follows_the_calendar(start, years, expected):
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("enrolled", "expected"),
    [
        (date(2025, 1, 1), date(2025, 3, 1)),
        (date(2025, 1, 15), date(2025, 3, 1)),
        (date(2025, 1, 31), date(2025, 3, 1)),
        (date(2025, 10, 31), date(2025, 12, 1)),
        (date(2025, 11, 30), date(2026, 1, 1)),
        (date(2025, 12, 1), date(2026, 2, 1)),
        (date(2025, 12, 15), date(2026, 2, 1)),
        (date(2025, 12, 31), date(2026, 2, 1)),
        (date(2024, 2, 29), date(2024, 4, 1)),
    ],
)
def test_first_of_month_after_next(enrolled, expected):
    assert first_of_month_after_next(enrolled) == expected


# Seed 000: 修理費用の保険はサービス加入日の翌日以降の事故が対象です。
@pytest.mark.parametrize(
    ("enrolled", "expected"),
    [
        (date(2025, 5, 1), date(2025, 5, 2)),
        (date(2025, 5, 15), date(2025, 5, 16)),
        (date(2025, 4, 30), date(2025, 5, 1)),
        (date(2025, 12, 31), date(2026, 1, 1)),
        (date(2024, 2, 28), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2024, 3, 1)),
        (date(2025, 2, 28), date(2025, 3, 1)),
    ],
)
def test_keitai_support_plus_covers_from_the_day_after_enrollment(enrolled, expected):
    assert load_plan("keitai-support-plus").coverage_starts_on(enrolled, enrolled) == expected


# Seed 001/003 別紙2 3.: 本サービスの提供開始日が属する月の翌々月1日から
@pytest.mark.parametrize("plan_id", ["smart-care-m", "nap-mobile-anshin"])
@pytest.mark.parametrize(
    ("enrolled", "expected"),
    [
        (date(2025, 5, 1), date(2025, 7, 1)),
        (date(2025, 5, 15), date(2025, 7, 1)),
        (date(2025, 5, 31), date(2025, 7, 1)),
        (date(2025, 12, 1), date(2026, 2, 1)),
        (date(2025, 12, 31), date(2026, 2, 1)),
        (date(2024, 2, 29), date(2024, 4, 1)),
    ],
)
def test_smart_care_plans_cover_from_the_first_of_the_month_after_next(plan_id, enrolled, expected):
    assert load_plan(plan_id).coverage_starts_on(enrolled, enrolled) == expected


# Seed 002 3.: 本サービスの利用契約開始日より本サービス契約期間中
@pytest.mark.parametrize(
    "enrolled",
    [date(2025, 5, 1), date(2025, 5, 15), date(2025, 5, 31), date(2025, 12, 31), date(2024, 2, 29)],
)
def test_vision_hikari_covers_from_the_contract_start(enrolled):
    assert load_plan("vision-hikari").coverage_starts_on(enrolled, enrolled) == enrolled


# Seed 004 第10条: 本サービスへの加入申込みを受け当社がそれを承認した日から
def test_mobile_anshin_value_covers_from_the_approval_date():
    plan = load_plan("mobile-anshin-value")
    assert plan.coverage_starts_on(date(2025, 5, 1), approved_on=date(2025, 5, 9)) == date(
        2025, 5, 9
    )
    # Never before the enrollment itself.
    assert plan.coverage_starts_on(date(2025, 5, 1), approved_on=date(2025, 4, 30)) == date(
        2025, 5, 1
    )


def test_approved_registration_carries_the_plans_coverage_start_and_limits():
    decision = run(
        make_facts("smart-care-m", enrolled=date(2025, 12, 15), submitted=date(2025, 12, 20)),
        photos(),
    )
    assert decision.decision == "APPROVED"
    assert decision.coverage_starts_on == date(2026, 2, 1)
    assert decision.limits.repairable_max_jpy == 100_000
    assert decision.limits.deductible_jpy == 3_000


def test_no_coverage_date_unless_approved():
    decision = run(make_facts(), [front()])  # back photo missing
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.coverage_starts_on is None


@pytest.mark.parametrize(
    ("plan_id", "repairable", "unrepairable", "claims"),
    [
        ("keitai-support-plus", 150_000, 75_000, 2),  # 最大150,000円 / 75,000円 年2回
        ("vision-hikari", 10_000, 2_500, 1),  # 最大1万円 / 2千5百円 年1回
        ("smart-care-m", 100_000, 25_000, None),  # 最大10万円 / 2万5,000円 制限なし
        ("nap-mobile-anshin", 100_000, 25_000, None),
    ],
)
def test_limits_follow_the_seed_tables(plan_id, repairable, unrepairable, claims):
    limits = load_plan(plan_id).limits
    assert (limits.repairable_max_jpy, limits.unrepairable_max_jpy, limits.claims_per_year) == (
        repairable,
        unrepairable,
        claims,
    )


def test_family_coverage_per_seed():
    assert (
        load_plan("keitai-support-plus").family_coverage == "subscriber_only"
    )  # 家族等の利用端末は対象外
    for plan_id in ("vision-hikari", "smart-care-m", "nap-mobile-anshin"):
        assert load_plan(plan_id).family_coverage == "household_2nd_degree_and_unmarried_children"
