"""RegistrationFacts parses the ``decide`` input of cli.md exactly."""

from __future__ import annotations

import json
from datetime import date

import pytest
from device_intake.domain.registration import RegistrationFacts
from pydantic import ValidationError

CLI_EXAMPLE = """
{
  "plan": "keitai-support-plus",
  "enrolled_on": "2025-04-01",
  "submitted_on": "2025-04-10",
  "device": {"category": "smartphone", "maker": "Apple", "model": "iPhone 15",
             "imei": "352099001761481", "serial": null, "released_on": "2023-09-22"},
  "declared": {"purchased_after_enrollment": false, "release_over_5_years": false}
}
"""


def test_cli_example_parses():
    facts = RegistrationFacts.model_validate(json.loads(CLI_EXAMPLE))
    assert facts.plan == "keitai-support-plus"
    assert facts.enrolled_on == date(2025, 4, 1)
    assert facts.device.released_on == date(2023, 9, 22)
    assert facts.device.model_id is None
    assert facts.declared.carrier is None
    assert facts.imei_registered_elsewhere is False


def test_mobile_anshin_value_facts_parse():
    data = json.loads(CLI_EXAMPLE)
    data["plan"] = "mobile-anshin-value"
    data["declared"].update(
        carrier="docomo", contract_type="mnp", carrier_guarantee=True, sold_by_operator=True
    )
    assert RegistrationFacts.model_validate(data).declared.contract_type == "mnp"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("device", "category"), "toaster"),
        (("declared", "contract_type"), "lease"),
        (("enrolled_on",), "2025-13-01"),
        (("plan",), "Not A Plan!"),
    ],
)
def test_bad_values_are_rejected(path, value):
    data = json.loads(CLI_EXAMPLE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        RegistrationFacts.model_validate(data)


def test_unknown_keys_are_rejected_so_typos_surface():
    data = json.loads(CLI_EXAMPLE)
    data["device"]["imie"] = "352099001761481"
    with pytest.raises(ValidationError):
        RegistrationFacts.model_validate(data)


def test_released_on_is_optional():
    data = json.loads(CLI_EXAMPLE)
    del data["device"]["released_on"]
    assert RegistrationFacts.model_validate(data).device.released_on is None
