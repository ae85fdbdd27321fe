"""A Chromium page in a thread of its own, for tests outside tests/browser.

tests/browser holds one sync Playwright for the whole test session on the main thread, and a
second one cannot start on that thread; in another thread it can.
"""

import threading
from collections.abc import Callable

from tests.browser.artifacts import safe_name, screenshot
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _browser_missing_reason
from tests.conftest import skip_or_fail


def run_in_browser(live_server, scenario: Callable, name: str) -> None:
    """Run scenario(page) on a fresh page against the live server; re-raise its failure.

    A response with a 5xx status fails the run too: bad input must never produce one.
    """
    reason = _browser_missing_reason()
    if reason:
        skip_or_fail(reason, "CAMP_REQUIRE_BROWSER")
    outcome: dict = {}
    thread = threading.Thread(
        target=_drive, args=(live_server.url, scenario, name, outcome), name="browser-test"
    )
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the browser scenario did not finish in 5 minutes"
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["server_errors"] == [], f"the server answered with an error: {outcome}"


def _drive(url: str, scenario: Callable, name: str, outcome: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    server_errors: list[str] = []
    outcome["server_errors"] = server_errors
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(base_url=url, locale="en-US")
            context.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page = context.new_page()
            page.on(
                "response",
                lambda r: (
                    server_errors.append(f"{r.status} {r.request.method} {r.url}")
                    if r.status >= 500
                    else None
                ),
            )
            try:
                scenario(page)
            except BaseException:
                _failure_screenshot(page, name)
                raise
            finally:
                browser.close()
    except BaseException as error:  # handed to the test's thread, which re-raises it
        outcome["error"] = error


def _failure_screenshot(page, name: str) -> None:
    try:
        path = screenshot(page, f"FAILED-{safe_name(name)}")
    except Exception as exc:
        print(f"no screenshot of the failure: {exc}")
    else:
        print(f"screenshot of the failure: {path}")
