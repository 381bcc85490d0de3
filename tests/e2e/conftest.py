"""Browser tests: Debian chromium driven by Playwright against the real local stack.

Never ``playwright install``: the browser is the distribution's ``/usr/bin/chromium``.
The stack (``infra.local_stack.LocalStack``, helper "pipeline") runs in-process on free
ports; the web pages are the repository's ``web/`` folder, which the stack serves at ``/``.
Screenshots go to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make apt)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageErrors(list[str]):
    """JavaScript exceptions and CSP violations seen by a page (a test asserts none)."""


def _watch(page: Any) -> PageErrors:
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg: Any) -> None:
        text = msg.text
        if msg.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            errors.append(f"csp: {text}")

    page.on("console", on_console)
    # An injected onerror handler would call alert(): any dialog is a failure.
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.errors = errors  # type: ignore[attr-defined]
    return errors


def _context(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    ctx = browser.new_context(
        viewport=viewport, device_scale_factor=1, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def phone_context(browser: Any) -> Iterator[Any]:
    yield from _context(browser, PHONE)


@pytest.fixture
def desktop_context(browser: Any) -> Iterator[Any]:
    yield from _context(browser, DESKTOP)


@pytest.fixture
def new_page() -> Any:
    """``new_page(context)`` → a page whose JS errors / CSP violations / dialogs are recorded."""

    def make(context: Any) -> Any:
        page = context.new_page()
        _watch(page)
        return page

    return make


# Form controls without an accessible name (label, aria-label or aria-labelledby).
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                    && !el.getAttribute('aria-labelledby'))
    .map((el) => el.id || el.name || el.outerHTML.slice(0, 60))"""


def shoot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of the current page to tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def static_web_url() -> Iterator[str]:
    """The web/ folder as plain static files: only for tests of the pure JS modules
    (no API behind it; page flows run against the local stack)."""
    handler = functools.partial(_QuietHandler, directory=str(WEB))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def stack() -> Iterator[Any]:
    """The whole pipeline, in-process on free ports (helper "pipeline"'s LocalStack)."""
    local_stack = pytest.importorskip("infra.local_stack")
    # No random quality sampling: the tests decide which items reach the queue.
    with local_stack.LocalStack(port=0, env={"REVIEW_SAMPLE_RATE": "0"}) as running:
        yield running
        assert not running.worker_errors, running.worker_errors


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Generated uploads (tests.generator, helper "generator"), made once per session."""
    from tests.e2e.support import generate_photo

    out = tmp_path_factory.mktemp("photos")
    return {
        family: generate_photo(family, seed, out)
        for family, seed in (("front_photo", 1), ("back_photo", 1), ("front_screenshot", 1))
    }
