"""What browser tests share beside the `browser` and `page` fixtures (tests/conftest.py):
waits that keep the app's Content-Security-Policy on, screenshots, and axe-core."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.conftest import ARTIFACTS, ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def wait_js(page, expression: str, arg=None, timeout: float = 15.0) -> None:
    """Wait until a JavaScript expression is true. Playwright's wait_for_function compiles its
    predicate with eval, which the app's Content-Security-Policy rightly forbids; evaluate()
    goes through DevTools instead, so the policy stays on in these tests."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression, arg) if arg is not None else page.evaluate(expression):
                return
        except Error as exc:  # the page navigated (reloaded) mid-check: look again
            if "context was destroyed" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)


def shot(page, name: str, publish: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if publish:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
    return path


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """axe-core (bundled by axe-playwright-python) findings of any impact, minor and moderate
    too: every page must have none."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]
