"""Plan catalog: each service's registration rules as data, one JSON file per terms version.

The seeds in ``shared/seeds/`` are the source of truth; ``docs/domain.md`` quotes the seed
sentence behind every parameter. A change of terms is a NEW file
(``domain/data/plans/<plan-id>@<effective-from>.json``), never an edit of an old one, so a
registration is always judged by the terms in force on the day it was submitted.

Pure: stdlib + pydantic.
"""

from __future__ import annotations

import calendar
import json
import unicodedata
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from device_intake.domain.documents import DocumentKind

PlanId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,62}$")]

Category = Literal[
    "smartphone",
    "feature_phone",
    "tablet",
    "laptop",
    "desktop_pc",
    "router",
    "smartwatch",
    "game_console",
    "portable_game_console",
    "music_player",
    "wireless_earbuds",
    "mobile_data_device",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)


class CoverageStart(StrEnum):
    """When cover begins, per the seed's 補償期間 / 適用期間 sentence."""

    DAY_AFTER_ENROLLMENT = "day_after_enrollment"  # 000: 加入日の翌日以降の事故が対象
    ENROLLMENT_DAY = "enrollment_day"  # 002: 利用契約開始日より
    FIRST_OF_MONTH_AFTER_NEXT = "first_of_month_after_next"  # 001/003: 翌々月1日から
    APPROVAL_DATE = "approval_date"  # 004: 当社がそれを承認した日から


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReleaseRule(_Strict):
    """Devices released at most ``years`` before the anchor date are covered outright.

    ``inclusive``: a device released exactly ``years`` before the anchor still counts as
    "within" (以内 includes the boundary). ``counted_from`` says which date the years are
    counted from, which only matters around 29 February: "anchor" (000: 加入日を起算日として,
    i.e. released ≥ anchor − years) or "release" (001/003: 開始日時点で発売日から, i.e.
    anchor ≤ release + years).
    """

    years: int = Field(ge=1)
    inclusive: bool = True
    anchor: Literal["enrolled_on"] = "enrolled_on"
    anchor_term_ja: str  # the seed's word for the anchor (加入日 / 利用契約開始日)
    counted_from: Literal["anchor", "release"] = "release"

    def within(self, released_on: date, anchor_on: date) -> bool:
        """Whether a device released on ``released_on`` is inside the rule on ``anchor_on``."""
        if self.counted_from == "anchor":
            earliest = add_years(anchor_on, -self.years)
            return released_on >= earliest if self.inclusive else released_on > earliest
        last_day = add_years(released_on, self.years)
        return anchor_on <= last_day if self.inclusive else anchor_on < last_day


class PurchaseWindow(_Strict):
    """How an older device (outside the release rule) can still qualify: by its purchase date.

    The earliest qualifying purchase date is ``anchor - years_before_anchor`` (0 = the anchor
    itself); ``earliest_inclusive`` says whether that day itself qualifies. When
    ``max_years_since_purchase_at_submission`` is set, the registration must also be submitted
    within that many years of the purchase (001/003 "購入後一年以内").
    """

    years_before_anchor: int = Field(ge=0)
    earliest_inclusive: bool
    max_years_since_purchase_at_submission: int | None = None
    max_years_inclusive: bool = True


class DocumentRow(_Strict):
    """One row of the documents matrix (seed 000 items 5–7). ``None`` matches either value."""

    purchased_after_enrollment: bool | None = None
    release_over_years: bool | None = None
    # Any ONE alternative satisfies the row; the first one is what the form asks for first.
    alternatives: list[list[DocumentKind]] = Field(min_length=1)


class Limits(_Strict):
    """Payout limits, shown to subscribers and reviewers (not used for eligibility)."""

    repairable_max_jpy: int | None = None
    unrepairable_max_jpy: int | None = None
    unrepairable_price_ratio: float | None = None  # share of the purchase price (25 % → 0.25)
    deductible_jpy: int | None = None
    deductible_waived_at_limit: bool = False  # no deductible when the damage ≥ the limit
    claims_per_year: int | None = None  # None: no limit on the number of claims
    devices_per_year: int | None = None
    annual_cap_jpy: int | None = None
    theft_loss_max_jpy: int | None = None
    pays: Literal["repair_cost", "carrier_guarantee_copay"] = "repair_cost"
    year_anchor: Literal["enrolled_on"] = "enrolled_on"
    notes_ja: list[str] = Field(default_factory=list)


class CarrierConditions(_Strict):
    """Plan-specific conditions on the mobile line (mobile-anshin-value, seed 004 第5・6条)."""

    accepted_carriers: list[str] = Field(min_length=1)
    # Spellings on forms and documents → the canonical carrier id above.
    carrier_aliases: dict[str, str] = Field(default_factory=dict)
    accepted_contract_types: list[Literal["new", "model_change", "mnp"]] = Field(min_length=1)
    require_carrier_guarantee: bool = True
    require_sold_by_operator: bool = True

    def canonical_carrier(self, name: str | None) -> str | None:
        """The carrier id for a typed/printed carrier name, or ``None`` when unknown/empty."""
        if not name or not name.strip():
            return None
        key = _fold(name)
        for carrier in self.accepted_carriers:
            if _fold(carrier) == key:
                return carrier
        for alias, carrier in self.carrier_aliases.items():
            if _fold(alias) == key:
                return carrier
        return None


class Policy(_Strict):
    """Judgement calls that are ours, not the seed's; kept as data so they can be tuned."""

    # Pre-orders: a receipt may predate the maker's release date by a few weeks.
    purchase_before_release_grace_days: int = 45
    # A catalog release date and a declared one further apart than this get a reviewer note.
    release_date_tolerance_days: int = 31
    # Devices with no screen to show their IMEI/serial on (the front-photo rule of 000 assumes
    # one): the identifier is not demanded on the front photo.
    screenless_categories: tuple[Category, ...] = ("router", "wireless_earbuds")
    # Sellers that mean a sale between individuals (000: 「家族・知人・フリーマーケット・
    # オークション等の個人間による購入・譲受した端末は保険対象外」; 002 (14); 001/003 ⑤).
    # Review, not rejection: business shops also sell on some of these sites.
    private_sale_markers: tuple[str, ...] = (
        "メルカリ",
        "mercari",
        "ラクマ",
        "rakuma",
        "ヤフオク",
        "ヤフーオークション",
        "yahoo!オークション",
        "paypayフリマ",
        "ジモティー",
        "フリマ",
        "オークション",
        "個人売買",
    )


class Plan(_Strict):
    """One version of one plan's registration rules."""

    id: PlanId
    name_ja: str
    seed: str  # seed file the rules come from
    operator_ja: str
    effective_from: date
    effective_from_source: Literal["seed", "assumed"]  # "assumed": the seed carries no date
    monthly_fee_jpy: int | dict[str, int] | None = None
    covered_categories: list[Category] = Field(min_length=1)
    # Category → makers allowed (001/003 list "AirPods", not every wireless earbud).
    category_makers: dict[Category, list[str]] = Field(default_factory=dict)
    release_rule: ReleaseRule | None
    purchase_window: PurchaseWindow | None
    # 000 "サービス加入日当日以降の購入端末": buying ON the enrollment day counts as "after".
    purchased_after_includes_enrollment_day: bool = True
    documents: list[DocumentRow] = Field(min_length=1)
    coverage_start: CoverageStart
    limits: Limits
    family_coverage: Literal["subscriber_only", "household_2nd_degree_and_unmarried_children"]
    carrier_conditions: CarrierConditions | None = None
    policy: Policy = Field(default_factory=Policy)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _older_devices_need_a_window(self) -> Plan:
        if self.release_rule is not None and self.purchase_window is None:
            raise ValueError("a plan with a release rule needs a purchase_window for older devices")
        return self

    @property
    def version(self) -> str:
        return f"{self.id}@{self.effective_from.isoformat()}"

    def covers_category(self, category: str, maker: str | None = None) -> bool:
        if category not in self.covered_categories:
            return False
        makers = self.category_makers.get(category)
        if not makers:
            return True
        return maker is not None and _fold(maker) in {_fold(m) for m in makers}

    def coverage_starts_on(self, enrolled_on: date, approved_on: date) -> date:
        """First covered day under this plan's rule (see :class:`CoverageStart`)."""
        if self.coverage_start is CoverageStart.DAY_AFTER_ENROLLMENT:
            return enrolled_on + timedelta(days=1)
        if self.coverage_start is CoverageStart.ENROLLMENT_DAY:
            return enrolled_on
        if self.coverage_start is CoverageStart.FIRST_OF_MONTH_AFTER_NEXT:
            return first_of_month_after_next(enrolled_on)
        # APPROVAL_DATE: the operator approves on the day of the decision, never before enrolling.
        return max(approved_on, enrolled_on)


class UnknownPlanError(LookupError):
    """No plan with that id, or no version of it in force on the requested date."""

    def __init__(self, plan_id: str, on: date | None = None) -> None:
        self.plan_id = plan_id
        self.on = on
        when = f" in force on {on.isoformat()}" if on else ""
        super().__init__(f"no plan {plan_id!r}{when}")


# --- calendar helpers (periods per 民法 §143: counted by the calendar, not by days) ---------


def add_years(d: date, years: int) -> date:
    """The same month/day ``years`` later (or earlier); 29 Feb → 28 Feb in common years."""
    target = d.year + years
    if d.month == 2 and d.day == 29 and not calendar.isleap(target):
        return date(target, 2, 28)
    return d.replace(year=target)


def first_of_month_after_next(d: date) -> date:
    """翌々月1日: the 1st of the month after the month after ``d``'s month."""
    month_index = d.year * 12 + (d.month - 1) + 2
    return date(month_index // 12, month_index % 12 + 1, 1)


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


# --- loading -------------------------------------------------------------------------------


@cache
def _all_versions() -> tuple[Plan, ...]:
    root = resources.files("device_intake.domain").joinpath("data", "plans")
    plans: list[Plan] = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        plan = Plan.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        expected = f"{plan.version}.json"
        if entry.name != expected:
            raise ValueError(f"plan file {entry.name} should be named {expected}")
        plans.append(plan)
    return tuple(sorted(plans, key=lambda p: (p.id, p.effective_from)))


def list_plans(on: date | None = None) -> list[Plan]:
    """One plan per id: the version in force on ``on`` (the newest when ``on`` is None)."""
    ids = sorted({p.id for p in _all_versions()})
    found: list[Plan] = []
    for plan_id in ids:
        try:
            found.append(load_plan(plan_id, on=on))
        except UnknownPlanError:
            continue  # not yet in force on that date
    return found


def plan_versions(plan_id: str) -> list[Plan]:
    """Every stored version of a plan, oldest first."""
    return [p for p in _all_versions() if p.id == plan_id]


def load_plan(plan_id: str, on: date | None = None) -> Plan:
    """The version of ``plan_id`` in force on ``on`` (newest when None).

    Raises :class:`UnknownPlanError` for an unknown id or a date before the first version.
    """
    versions = plan_versions(plan_id)
    if not versions:
        raise UnknownPlanError(plan_id)
    if on is None:
        return versions[-1]
    in_force = [p for p in versions if p.effective_from <= on]
    if not in_force:
        raise UnknownPlanError(plan_id, on)
    return in_force[-1]
