"""Reviewer console on a desktop browser against the real local stack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.conftest import UNLABELLED, shoot
from tests.e2e.support import ENROLLED, XSS, Api


@pytest.fixture(scope="module")
def review_items(stack: Any, photos: dict[str, Any]) -> dict[str, Any]:
    """Two registrations in the review queue: a model typed as free text (with markup in it)
    is missing from the catalog, which the eligibility rules send to a person."""
    front, back = photos["front_photo"], photos["back_photo"]
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    api = Api(stack.api_url, token)
    ids = []
    for _ in range(2):
        reg = api.register(maker=XSS, model=XSS, model_free_text=XSS, imei=front.imei)
        api.upload(reg["id"], "front", front)
        api.upload(reg["id"], "back", back)
        ids.append(reg["id"])
    for registration_id in ids:
        view = api.wait_until_settled(registration_id)
        assert view["status"] == "NEEDS_REVIEW", view["decision"]
    return {"api": api, "approve": ids[0], "contested": ids[1]}


def _reviewer(stack: Any, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.reviewer_token(username)}"}


@pytest.fixture
def reviewer_page(desktop_context: Any, new_page: Any) -> Iterator[Any]:
    yield new_page(desktop_context)


def test_reviewer_signs_in_claims_inspects_and_approves(
    stack: Any, reviewer_page: Any, review_items: dict[str, Any]
) -> None:
    page = reviewer_page
    registration_id = review_items["approve"]
    page.goto(f"{stack.web_url}review/")
    page.fill("#login-username", "reviewer1")
    page.fill("#login-password", "wrong")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('Wrong')")
    page.fill("#login-password", stack.reviewer_password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#queue-table")
    assert page.inner_text("#reviewer-name") == "reviewer1"
    row = page.locator(f"#queue-table tr[data-id='{registration_id}']")
    assert "MODEL_NOT_IN_CATALOG" in row.inner_text()
    shoot(page, "desktop-01-review-queue")

    # Filters narrow the queue (plan, reason code) and keep the oldest-first order.
    page.select_option("#filter-plan", "smart-care-m")
    page.wait_for_selector(f"#queue-table tr[data-id='{registration_id}']", state="detached")
    page.select_option("#filter-plan", "")
    page.select_option("#filter-reason", "MODEL_NOT_IN_CATALOG")
    page.wait_for_selector(f"#queue-table tr[data-id='{registration_id}']")
    ages = [
        int(a)
        for a in page.eval_on_selector_all(
            "#queue-table tbody tr", "rows => rows.map(r => r.dataset.age)"
        )
    ]
    assert ages == sorted(ages, reverse=True)

    row.locator("button.claim").click()
    page.wait_for_selector("#item-title")
    page.wait_for_selector("#lease:has-text('left')")
    assert re.search(r"Your lease: 1[45]:\d\d left", page.inner_text("#lease"))

    # The three documents side by side, with the detected boxes drawn over the images.
    view = requests.get(
        f"{stack.api_url}/api/review/registrations/{registration_id}",
        headers=_reviewer(stack, "reviewer1"),
        timeout=30,
    ).json()
    docs = {d["kind"]: d for d in view["documents"]}
    page.wait_for_function(
        "() => { const i = document.querySelector('#viewer-front img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    boxes = page.locator("#viewer-front svg.overlay g.box")
    assert boxes.count() == len(docs["front"]["boxes"] or [])
    assert page.locator("#panel-front .chip.flag").count() == len(docs["front"]["flags"])
    before = page.eval_on_selector("#viewer-front .stage", "s => s.style.transform")
    page.click("#facts-title")
    page.keyboard.press("+")
    after = page.eval_on_selector("#viewer-front .stage", "s => s.style.transform")
    assert _scale(after) > _scale(before)
    page.keyboard.press("b")
    assert page.locator("#viewer-front.boxes-hidden").count() == 1
    page.keyboard.press("b")
    page.keyboard.press("?")
    assert page.is_visible("#help-dialog")
    page.keyboard.press("Escape")
    assert page.is_hidden("#help-dialog")
    assert page.inner_text("dl.facts-grid").count(XSS) >= 2  # maker and model, as text
    assert page.evaluate(UNLABELLED) == []
    shoot(page, "desktop-02-review-item")

    # Reject needs a reason code.
    page.uncheck("input[name=reason][value=MODEL_NOT_IN_CATALOG]")
    page.click("#facts-title")
    page.keyboard.press("r")
    assert "reason code" in page.inner_text("#decision-error")
    assert page.is_hidden("#confirm-bar")
    page.check("input[name=reason][value=MODEL_NOT_IN_CATALOG]")

    # Edit a field, leave a note with markup in it, approve with the keyboard.
    page.fill("#field-front-serial", "F2LXK0AAHG7F")
    page.fill("#decision-note", XSS)
    page.click("#facts-title")
    page.keyboard.press("a")
    page.wait_for_selector("#confirm-decision")
    assert "field edits" in page.inner_text("#confirm-bar")
    page.keyboard.press("Enter")
    page.wait_for_selector("#decision-result")
    assert "APPROVED" in page.inner_text("#decision-result")
    audit = page.inner_text("#audit")
    assert XSS in audit and "F2LXK0AAHG7F" in audit
    assert page.locator("#item-status [data-status='APPROVED']").count() == 1
    assert page.locator("img[src='x']").count() == 0
    assert page.title() != "pwned"
    shoot(page, "desktop-03-review-decided")
    api: Api = review_items["api"]
    assert api.status(registration_id) == "APPROVED"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_second_reviewer_cannot_claim_an_item_someone_holds(
    stack: Any, desktop_context: Any, new_page: Any, review_items: dict[str, Any]
) -> None:
    registration_id = review_items["contested"]
    res = requests.post(
        f"{stack.api_url}/api/review/items/{registration_id}/claim",
        headers=_reviewer(stack, "reviewer1"),
        timeout=30,
    )
    assert res.status_code == 200
    token = stack.reviewer_token("reviewer2")
    desktop_context.add_init_script(
        f"sessionStorage.setItem('device-intake.reviewer-token', {token!r});"
    )
    page = new_page(desktop_context)
    page.goto(f"{stack.web_url}review/")
    row = page.locator(f"#queue-table tr[data-id='{registration_id}']")
    assert "reviewer1" in row.inner_text()
    row.locator("button.claim").click()
    page.wait_for_selector(
        f"tr[data-id='{registration_id}'] .row-status:has-text('Claimed by someone else')"
    )
    shoot(page, "desktop-04-queue-claimed-by-someone-else")

    page.goto(f"{stack.web_url}review/item.html?id={registration_id}")
    page.wait_for_selector("#lease-conflict")
    assert "Claimed by someone else" in page.inner_text("#lease-conflict")
    assert page.is_disabled("#decide-APPROVED")
    page.click("#facts-title")
    page.keyboard.press("a")
    assert page.is_hidden("#confirm-bar")
    # "n" moves on to another unclaimed item, or says there is none; never this one.
    page.keyboard.press("n")
    page.wait_for_function(
        """(id) => !location.search.includes(id) || (document.querySelector('#result')
                 || {}).textContent.includes('No other unclaimed item')""",
        arg=registration_id,
    )
    assert page.errors == []  # type: ignore[attr-defined]


def _scale(transform: str) -> float:
    match = re.search(r"scale\(([\d.]+)\)", transform)
    assert match, transform
    return float(match.group(1))


def test_review_queue_is_usable_on_a_phone(stack: Any, phone_context: Any, new_page: Any) -> None:
    token = stack.reviewer_token("reviewer1")
    phone_context.add_init_script(
        f"sessionStorage.setItem('device-intake.reviewer-token', {token!r});"
    )
    page = new_page(phone_context)
    page.goto(f"{stack.web_url}review/")
    page.wait_for_selector("#queue-title")
    page.wait_for_selector("#queue-table, #queue-empty")
    shoot(page, "phone-10-review-queue")
    assert page.errors == []  # type: ignore[attr-defined]
