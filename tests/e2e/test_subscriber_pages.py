"""Subscriber pages in a phone-sized browser against the real local stack (seed 000 STEP 01-03)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.e2e.conftest import UNLABELLED, shoot
from tests.e2e.support import ENROLLED, IN_FLIGHT, XSS, Api

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _open_as_subscriber(page: Any, stack: Any, token: str) -> None:
    page.goto(f"{stack.web_url}?token={token}")
    page.wait_for_selector("#list-title")
    # The token leaves the address bar at once and lives in sessionStorage only.
    assert "token=" not in page.url
    assert page.evaluate("sessionStorage.getItem('device-intake.subscriber-token')") == token
    assert page.evaluate("localStorage.length") == 0


def _wait_for_settled_page(page: Any, timeout_ms: int = 150_000) -> str:
    """Wait until the detail page shows a registration status the pipeline has finished."""
    page.wait_for_function(
        """(inFlight) => {
            const badge = document.querySelector('#registration-status [data-status]');
            const busy = document.querySelector('#documents [data-status="UPLOADED"],'
                                                + '#documents [data-status="INSPECTING"]');
            return badge && !inFlight.includes(badge.dataset.status) && !busy;
        }""",
        arg=sorted(IN_FLIGHT),
        timeout=timeout_ms,
    )
    return str(page.get_attribute("#registration-status [data-status]", "data-status"))


def test_subscriber_registers_a_device_with_generated_photos_and_sees_the_result(
    stack: Any, phone_context: Any, new_page: Any, photos: dict[str, Any]
) -> None:
    front, back = photos["front_photo"], photos["back_photo"]
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    api = Api(stack.api_url, token)
    # The generator picks any catalog device (a phone, or a tablet's About screen): take the
    # category the catalog files it under, as a subscriber would.
    from device_intake.domain.catalog import ModelCatalog

    known = ModelCatalog.load().match(front.model_name or "")
    assert known, f"generated device {front.model_name!r} is not in the catalog"
    category = known.model.category
    catalog = api.call("GET", f"/api/catalog/models?category={category}", expect=200)
    model = next((m for m in catalog["models"] if m["name"] == front.model_name), None)
    assert model, f"generated device {front.model_name!r} is not listed under {category}"

    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token)
    assert page.inner_text("#registration-list-empty")
    shoot(page, "phone-01-device-list-empty")

    page.click("#new-registration")
    page.wait_for_selector("#form-title")
    assert page.evaluate("document.activeElement.id") == "form-title"  # focus follows the route
    # Item 7 before items 5 and 6 are answered: a prompt, no photo slots yet.
    assert "5 端末の購入時期" in page.inner_text("#required-docs")
    assert page.is_hidden("#new-front")
    page.select_option("#category", category)
    page.wait_for_selector(f"#maker option[value='{model['maker']}']", state="attached")
    page.select_option("#maker", model["maker"])
    page.wait_for_selector(f"#model option[value='{model['id']}']", state="attached")
    page.select_option("#model", model["id"])
    assert model["released_on"] in page.inner_text("#model-hint")

    # Item 4: live check-digit feedback, full-width digits and hyphens accepted.
    imei = front.imei
    wrong = imei[:-1] + str((int(imei[-1]) + 1) % 10)
    page.fill("#identifier", wrong)
    assert page.get_attribute("#identifier-feedback", "data-state") == "error"
    assert page.get_attribute("#identifier", "aria-invalid") == "true"
    grouped = f"{imei[:2]}-{imei[2:8]}-{imei[8:14]}-{imei[14]}".translate(FULL_WIDTH)
    page.fill("#identifier", grouped)
    assert page.get_attribute("#identifier-feedback", "data-state") == "ok"

    released = date.fromisoformat(model["released_on"])
    over_5 = released.replace(year=released.year + 5) < ENROLLED
    page.check("#purchase-before")
    page.check("#release-over" if over_5 else "#release-within")
    required_text = page.inner_text("#required-docs")
    assert "正面写真と背面写真" in required_text
    assert page.is_visible("#new-front") and page.is_visible("#new-back")
    assert page.is_hidden("#new-proof") != over_5

    # Submitting with a photo missing: an error summary that takes focus.
    page.set_input_files("#new-front-file", str(front.path))
    page.click("#registration-form button[type=submit]")
    page.wait_for_selector(".error-summary:not([hidden])")
    assert "端末の背面写真" in page.inner_text(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")

    page.set_input_files("#new-back-file", str(back.path))
    assert back.path.name in page.inner_text("#new-back-preview")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "phone-02-form-filled")
    page.click("#registration-form button[type=submit]")

    page.wait_for_selector("#confirm-title")
    summary = page.inner_text("#confirm-summary")
    assert imei in summary and model["name"] in summary
    shoot(page, "phone-03-confirm")
    page.click("#register-button")

    page.wait_for_selector("#detail-title", timeout=60_000)
    registration_id = page.url.rsplit("/", 1)[-1]
    status = _wait_for_settled_page(page)
    view = api.call("GET", f"/api/registrations/{registration_id}", expect=200)
    assert status == view["status"]
    for doc in view["documents"]:
        if doc["kind"] in ("front", "back"):
            card = f"#document-{doc['kind']}"
            assert page.get_attribute(card, "data-status") == doc["status"]
            for message in doc["messages"]:
                assert message["title"] in page.inner_text(card)
    shoot(page, "phone-04-registration-result")

    page.click("text=端末登録一覧へ戻る")
    page.wait_for_selector("#registration-list")
    row = page.locator(f"#registration-list li[data-id='{registration_id}']")
    assert row.get_attribute("data-status") == view["status"]
    shoot(page, "phone-05-device-list")
    assert page.errors == []  # type: ignore[attr-defined]


def test_screenshot_front_photo_shows_the_defect_and_a_reupload_clears_it(
    stack: Any, phone_context: Any, new_page: Any, photos: dict[str, Any]
) -> None:
    front, back, screenshot = (
        photos["front_photo"],
        photos["back_photo"],
        photos["front_screenshot"],
    )
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    api = Api(stack.api_url, token)
    reg = api.register(imei=front.imei, model=front.model_name or "iPhone")
    api.upload(reg["id"], "back", back)

    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token)
    # The 確認 link itself: a bare text=確認 also matches the status badge 写真を確認中 while
    # the back is being inspected, and a click on the badge goes nowhere.
    page.click(f"#registration-list li[data-id='{reg['id']}'] >> a:text-is('確認')")
    page.wait_for_selector("#document-front")
    prefix = f"doc-{reg['id']}-front"
    page.set_input_files(f"#{prefix}-file", str(screenshot.path))
    page.click("#reupload-front")
    page.wait_for_selector("#document-front[data-flags~='SCREENSHOT']", timeout=120_000)
    message = page.locator("#document-front [data-code='SCREENSHOT']")
    assert "スクリーンショット" in message.inner_text()
    assert page.is_visible("#reupload-front")
    shoot(page, "phone-06-screenshot-defect")

    page.set_input_files(f"#{prefix}-file", str(front.path))
    page.click("#reupload-front")
    page.wait_for_function(
        """() => {
            const card = document.querySelector('#document-front');
            return card && Number(card.dataset.version) >= 3 && card.dataset.status === 'INSPECTED';
        }""",
        timeout=120_000,
    )
    assert page.locator("#document-front [data-code='SCREENSHOT']").count() == 0
    assert "SCREENSHOT" not in (page.get_attribute("#document-front", "data-flags") or "")
    _wait_for_settled_page(page)
    shoot(page, "phone-07-after-reupload")
    assert page.errors == []  # type: ignore[attr-defined]


def test_contact_phone_can_be_edited_and_rejects_a_number_without_sms(
    stack: Any, phone_context: Any, new_page: Any
) -> None:
    token = stack.mint_subscriber_token("smart-care-m", ENROLLED)
    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token)
    page.click("#phone-edit")
    assert page.evaluate("document.activeElement.id") == "phone-input"
    page.fill("#phone-input", "03-1234-5678")
    page.click("#phone-form button[type=submit]")
    assert page.is_visible("#phone-error")
    page.fill("#phone-input", "０８０－１１１１－２２２２")
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#phone-form", state="hidden")
    assert page.inner_text("#phone-value") == "080-1111-2222"
    assert Api(stack.api_url, token).call("GET", "/api/me", expect=200)["phone"] == "08011112222"


def test_subscriber_b_cannot_see_subscriber_a_registration(
    stack: Any, phone_context: Any, new_page: Any
) -> None:
    api_a = Api(stack.api_url, stack.mint_subscriber_token("keitai-support-plus", ENROLLED))
    reg = api_a.register(imei="352099001761481")
    token_b = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)

    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token_b)
    assert page.locator(f"[data-id='{reg['id']}']").count() == 0
    page.goto(f"{stack.web_url}#/registrations/{reg['id']}")
    page.wait_for_selector("#detail-title")
    assert "見つかりません" in page.inner_text("main")
    assert "35209900" not in page.inner_text("main")
    shoot(page, "phone-08-other-subscribers-registration")


def test_free_text_model_with_markup_is_shown_as_text_on_the_subscriber_pages(
    stack: Any, phone_context: Any, new_page: Any
) -> None:
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token)
    page.click("#new-registration")
    page.select_option("#category", "smartphone")
    page.wait_for_selector("#maker option[value='__other__']", state="attached")
    page.select_option("#maker", "__other__")
    page.fill("#maker-other", XSS)
    page.fill("#model-other", XSS)
    page.fill("#identifier", "DNPXK2ABHG7F")
    page.check("#purchase-after")
    page.check("#release-within")
    # A row with alternatives: the subscriber picks proof or front + back.
    assert page.is_visible("#proof-choice")
    page.check("#doc_choice-1")
    assert page.is_visible("#new-front") and page.is_hidden("#new-proof")
    page.check("#doc_choice-0")
    assert page.is_visible("#new-proof") and page.is_hidden("#new-front")
    page.set_input_files(
        "#new-proof-file",
        {"name": f"{XSS}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    )
    assert XSS in page.inner_text("#new-proof-preview")
    page.click("#registration-form button[type=submit]")
    page.wait_for_selector("#confirm-title")
    assert XSS in page.inner_text("#confirm-summary")
    page.click("#register-button")
    page.wait_for_selector("#device-model", timeout=60_000)
    assert page.inner_text("#device-model") == XSS
    page.click("text=端末登録一覧へ戻る")
    page.wait_for_selector("#registration-list")
    assert XSS in page.inner_text("#registration-list")
    assert page.locator("img[src='x']").count() == 0
    assert page.title() != "pwned"
    assert page.errors == []  # type: ignore[attr-defined]
    assert re.search(r"SERIAL|DNPXK2ABHG7F", page.inner_text("#registration-list"))


_SMALL_TARGETS = """() => {
    const selector = 'button, a.button, select, input[type=text], input[type=tel], .choice,'
                   + ' .file-pick span, details.tips > summary';
    return [...document.querySelectorAll(selector)]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ what: el.id || el.className || el.tagName,
                      h: el.getBoundingClientRect().height }))
      .filter((t) => t.h < 43.5);
}"""


def test_form_fits_a_phone_and_every_control_is_a_44px_touch_target(
    stack: Any, phone_context: Any, desktop_context: Any, new_page: Any
) -> None:
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    for context, name in (
        (phone_context, "phone-09-form-choice"),
        (desktop_context, "desktop-05-form"),
    ):
        page = new_page(context)
        _open_as_subscriber(page, stack, token)
        page.click("#new-registration")
        page.select_option("#category", "smartphone")
        page.wait_for_selector("#maker option[value='Apple']", state="attached")
        page.select_option("#maker", "Apple")
        page.wait_for_selector("#model option[value='__other__']", state="attached")
        page.check("#purchase-after")
        page.check("#release-within")
        page.check("#doc_choice-0")
        page.click("#new-proof summary")  # open the shooting tips
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], "the page scrolls sideways"
        assert page.evaluate(_SMALL_TARGETS) == []
        assert page.evaluate(UNLABELLED) == []
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, name)
        assert page.errors == []  # type: ignore[attr-defined]


def test_device_bought_after_enrolment_registers_with_photos_when_there_is_no_proof(
    stack: Any, phone_context: Any, new_page: Any, photos: dict[str, Any]
) -> None:
    front, back = photos["front_photo"], photos["back_photo"]
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    page = new_page(phone_context)
    _open_as_subscriber(page, stack, token)
    page.click("#new-registration")
    page.select_option("#category", "smartphone")
    page.wait_for_selector("#maker option[value='__other__']", state="attached")
    page.select_option("#maker", "__other__")
    page.fill("#maker-other", "Apple")
    page.fill("#model-other", front.model_name or "iPhone")
    page.fill("#identifier", front.imei)
    page.check("#purchase-after")
    page.check("#release-within")
    page.check("#doc_choice-1")  # 正面・背面の写真で登録する
    assert "正面写真と背面写真" in page.inner_text("#required-docs")
    page.set_input_files("#new-front-file", str(front.path))
    page.set_input_files("#new-back-file", str(back.path))
    page.click("#registration-form button[type=submit]")
    page.click("#register-button")
    page.wait_for_selector("#detail-title", timeout=60_000)
    # The proof is not asked for any more once the photos are the chosen alternative.
    assert "任意" in page.inner_text("#document-proof-title")
    assert "必須" in page.inner_text("#document-front-title")
    status = _wait_for_settled_page(page)
    assert status != "AWAITING_UPLOADS"
    # 他端末の登録を行う starts from an empty form.
    page.click("#register-another")
    page.wait_for_selector("#form-title")
    assert page.input_value("#identifier") == ""
    assert page.input_value("#category") == ""
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_content_security_policy_blocks_inline_script(
    stack: Any, phone_context: Any, new_page: Any
) -> None:
    page = new_page(phone_context)
    page.goto(stack.web_url)
    page.wait_for_selector("#nosession-title")  # no token: the page says where to come from
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inline = 1';
                   document.head.append(s); }"""
    )
    assert page.evaluate("window.__inline") is None
    for _ in range(20):  # the console report of the violation arrives asynchronously
        if any(e.startswith("csp:") for e in page.errors):  # type: ignore[attr-defined]
            break
        page.wait_for_timeout(100)
    assert any(e.startswith("csp:") for e in page.errors)  # type: ignore[attr-defined]
