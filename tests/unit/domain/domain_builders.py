"""Builders for eligibility tests: registrations, inspection results and a tiny catalog.

The fake catalog is deliberately dumb (exact folded names) so these tests exercise the
plan rules, not the real catalog's matching (tested in test_catalog_*.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from device_intake.domain.documents import InspectionResult
from device_intake.domain.eligibility import Decision, decide
from device_intake.domain.plans import load_plan
from device_intake.domain.registration import RegistrationFacts

IMEI = "352099001761481"  # Luhn-valid
IMEI_2 = "352099001761499"  # Luhn-valid, the second SIM slot of the same phone
OTHER_IMEI = "490154203237518"  # Luhn-valid, another device

ENROLLED = date(2025, 4, 1)
SUBMITTED = date(2025, 4, 10)
RECENT = date(2023, 9, 22)  # well inside 5 years of ENROLLED
OLD = date(2015, 1, 1)  # far outside 5 years of ENROLLED

PLANS_WITH_RELEASE_RULE = (
    "keitai-support-plus",
    "vision-hikari",
    "smart-care-m",
    "nap-mobile-anshin",
)
ALL_PLANS = (*PLANS_WITH_RELEASE_RULE, "mobile-anshin-value")


def fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


@dataclass(frozen=True)
class FakeModel:
    id: str
    maker: str
    name: str
    category: str
    released_on: date
    aliases: tuple[str, ...] = ()
    verified: bool = True  # release date checked against a source


@dataclass(frozen=True)
class FakeMatch:
    model: FakeModel
    score: float


class FakeCatalog:
    def __init__(self, *models: FakeModel) -> None:
        self.models = list(models)

    def get(self, model_id: str) -> FakeModel | None:
        return next((m for m in self.models if m.id == model_id), None)

    def match(
        self, text: str, *, maker: str | None = None, category: str | None = None
    ) -> FakeMatch | None:
        for m in self.models:
            if maker is not None and fold(maker) != fold(m.maker):
                continue
            if fold(text) in {fold(n) for n in (m.name, *m.aliases)}:
                return FakeMatch(m, 1.0)
        return None

    def find_in_text(
        self, text: str, *, maker: str | None = None, category: str | None = None
    ) -> list[FakeMatch]:
        hits = [m for m in self.models if fold(m.name) in fold(text)]
        # Longest name first, and a name inside a longer hit is not a hit ("15" in "15 Pro").
        hits.sort(key=lambda m: -len(m.name))
        kept: list[FakeModel] = []
        for m in hits:
            if not any(fold(m.name) in fold(k.name) for k in kept):
                kept.append(m)
        return [FakeMatch(m, 1.0) for m in kept]


def phone(
    released_on: date = RECENT,
    name: str = "Test Phone",
    category: str = "smartphone",
    maker: str = "Apple",
    model_id: str | None = None,
    verified: bool = True,
) -> FakeModel:
    return FakeModel(model_id or fold(name), maker, name, category, released_on, verified=verified)


def make_facts(
    plan: str = "keitai-support-plus",
    *,
    enrolled: date = ENROLLED,
    submitted: date = SUBMITTED,
    category: str = "smartphone",
    maker: str = "Apple",
    model: str = "Test Phone",
    imei: str | None = IMEI,
    serial: str | None = None,
    released_on: date | None = None,
    after: bool = False,
    over: bool = False,
    duplicate: bool = False,
    **declared: Any,
) -> RegistrationFacts:
    return RegistrationFacts.model_validate(
        {
            "plan": plan,
            "enrolled_on": enrolled,
            "submitted_on": submitted,
            "device": {
                "category": category,
                "maker": maker,
                "model": model,
                "imei": imei,
                "serial": serial,
                "released_on": released_on,
            },
            "declared": {
                "purchased_after_enrollment": after,
                "release_over_5_years": over,
                **declared,
            },
            "imei_registered_elsewhere": duplicate,
        }
    )


def front(
    imeis: tuple[str, ...] = (IMEI,),
    flags: tuple[str, ...] = (),
    serial: str | None = None,
    uncertain: tuple[str, ...] = (),
) -> InspectionResult:
    return InspectionResult.model_validate(
        {
            "kind": "front",
            "flags": list(flags),
            "fields": {"imei": imeis[0] if imeis else None, "imeis": list(imeis), "serial": serial},
            "uncertain": list(uncertain),
        }
    )


def back(flags: tuple[str, ...] = ()) -> InspectionResult:
    return InspectionResult.model_validate({"kind": "back", "flags": list(flags)})


def proof(
    purchased: date | None,
    model_name: str | None = "Test Phone",
    imeis: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    carrier: str | None = None,
    serial: str | None = None,
    uncertain: tuple[str, ...] = (),
    store_name: str | None = None,
) -> InspectionResult:
    return InspectionResult.model_validate(
        {
            "kind": "proof",
            "flags": list(flags),
            "fields": {
                "purchase_date": purchased,
                "model_name": model_name,
                "imei": imeis[0] if imeis else None,
                "imeis": list(imeis),
                "carrier": carrier,
                "serial": serial,
                "store_name": store_name,
            },
            "uncertain": list(uncertain),
        }
    )


def photos() -> list[InspectionResult]:
    return [front(), back()]


def run(
    facts: RegistrationFacts,
    docs: list[InspectionResult],
    *,
    catalog: FakeCatalog | None = None,
    released_on: date = RECENT,
    today: date | None = None,
) -> Decision:
    """Decide under the plan version in force on the submission date."""
    plan = load_plan(facts.plan, on=facts.submitted_on)
    cat = catalog if catalog is not None else FakeCatalog(phone(released_on))
    return decide(facts, docs, plan=plan, today=today or facts.submitted_on, catalog=cat)


def check(decision: Decision, rule: str) -> list[str]:
    """Outcomes of every check with this rule id (in order)."""
    return [c.outcome.value for c in decision.checks if c.rule == rule]
