"""From the pipeline's registration record to the domain's decision.

The one place that maps ``records.Registration`` onto ``domain.registration.RegistrationFacts``
and the stored inspections onto what ``domain.eligibility.decide`` reads.
"""

from __future__ import annotations

from datetime import date

from device_intake.app.records import TERMINAL_DOCUMENT, Registration, parse_iso
from device_intake.domain.documents import InspectionResult
from device_intake.domain.eligibility import Decision, decide
from device_intake.domain.plans import load_plan
from device_intake.domain.reasons import ReasonCode
from device_intake.domain.registration import DeclaredFacts, DeviceFacts, RegistrationFacts


def registration_facts(
    registration: Registration, *, imei_registered_elsewhere: bool
) -> RegistrationFacts:
    d = registration.device
    declared = {
        k: v for k, v in registration.declared.items()
        if k in ("carrier", "contract_type", "carrier_guarantee", "sold_by_operator")
    }
    return RegistrationFacts(
        plan=registration.plan,
        enrolled_on=registration.enrolled_on,
        submitted_on=max(parse_iso(registration.created_at).date(), registration.enrolled_on),
        device=DeviceFacts(
            category=d.category,
            maker=d.maker,
            model=d.model,
            model_id=d.model_id,
            imei=d.imei,
            serial=d.serial,
            released_on=d.released_on,
        ),
        declared=DeclaredFacts(
            purchased_after_enrollment=registration.purchased_after_enrollment,
            release_over_5_years=registration.release_over_5_years,
            **declared,
        ),
        imei_registered_elsewhere=imei_registered_elsewhere,
    )


def current_inspections(registration: Registration) -> list[InspectionResult]:
    """The latest finished inspection of each uploaded document (a refused file counts with
    its reason code; a slot never uploaded is absent, so the rules see DOCUMENT_MISSING)."""
    found: list[InspectionResult] = []
    for kind, slot in registration.documents.items():
        if slot.status not in TERMINAL_DOCUMENT:
            continue
        if slot.inspection is not None:
            found.append(slot.inspection)
        else:
            flags = [ReasonCode(f) for f in slot.flags if f in ReasonCode.__members__]
            found.append(InspectionResult(kind=kind, flags=flags))
    return found


def decide_with_domain(
    registration: Registration, *, imei_registered_elsewhere: bool, today: date
) -> Decision:
    facts = registration_facts(registration, imei_registered_elsewhere=imei_registered_elsewhere)
    # The terms in force on the day the form was sent (as `device-intake decide` does).
    plan = load_plan(registration.plan, on=facts.submitted_on)
    return decide(facts, current_inspections(registration), plan=plan, today=today)
