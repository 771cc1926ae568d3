"""Headless Chromium for the browser tests: Debian's `chromium`, driven by playwright.

Screenshots go to $UI_SHOTS_DIR (default tests/browser/artifacts/, gitignored) for a human
to look at. Run with: pytest tests/browser -m browser
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("UI_SHOTS_DIR", Path(__file__).parent / "artifacts"))


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium; the test opens pages in it with `new_page`."""
    if not shutil.which(CHROMIUM):
        pytest.skip("needs the Debian chromium package")
    from playwright.sync_api import sync_playwright

    # playwright's sync API runs an event loop on this thread; database teardown is plain sync code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """`new_page(width=1280, height=900, **context_options)`: a page in a fresh context (its
    own cookies); options such as java_script_enabled=False go to browser.new_context."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """`shot(page, name)`: a screenshot of the page from its top into SHOTS/name.png."""

    def take(page, name: str, full_page: bool = True) -> None:
        page.evaluate("window.scrollTo(0, 0)")  # sticky header: capture from the top
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def section_shot():
    """`section_shot(page, selector, name)`: a screenshot of one element into SHOTS/name.png."""

    def take(page, selector: str, name: str) -> None:
        # The sticky header would cover the top of an element scrolled into view.
        page.evaluate("document.querySelector('.site-header').style.position = 'static'")
        page.locator(selector).scroll_into_view_if_needed()
        page.locator(selector).screenshot(path=str(SHOTS / f"{name}.png"))

    return take
