"""A real headless Chromium (Debian's, driven by Playwright) on the served playground.

One browser per test session; a fresh page (its own browser context) per test. Without a
browser the tests skip with the reason; with CI=true they must run (`.ci/run` installs
Chromium when it is missing).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.playground import ServedPlayground, served_playground

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

# Debian's package; Playwright's own browser download cannot work offline.
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _browser_problem() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401 (only asking whether it is installed)
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    problem = _browser_problem()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the browser tests to run: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedPlayground]:
    with served_playground(tmp_path_factory.mktemp("playground")) as running:
        yield running


@pytest.fixture
def page(browser: Browser, served: ServedPlayground) -> Iterator[Page]:
    """A fresh tab; a script error on the page, or a dialog it opens, fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def refuse(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")  # alert(1) from an injected script
        dialog.dismiss()

    opened.on("dialog", refuse)
    yield opened
    context.close()
    assert problems == []


# Where the page's screenshot goes unless PLAYGROUND_SCREENSHOT says otherwise: one path that
# stays put from run to run (git ignores it), for a person or CI to open after the tests.
SCREENSHOT = Path(__file__).parents[2] / ".artifacts" / "playground.png"


def screenshot_path() -> Path:
    """Where the page's screenshot goes (its folder made): PLAYGROUND_SCREENSHOT, else
    .artifacts/playground.png in the checkout."""
    path = Path(os.environ.get("PLAYGROUND_SCREENSHOT") or SCREENSHOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
