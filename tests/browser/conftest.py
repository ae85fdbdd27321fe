"""Browser tests: Debian's Chromium, driven by Playwright, against the app on a live server.

Every test in this folder is marked `browser`. Without /usr/bin/chromium (or the Python
playwright package) they are skipped, unless CAMP_REQUIRE_BROWSER=1 (as in .ci/run), which
turns the skip into a failure. Never downloads a browser.

Run them with `.venv/bin/pytest tests/browser` (add CAMP_TEST_DATABASE=postgresql for
PostgreSQL). A failing test leaves a screenshot in test-artifacts/FAILED-<test>.png; the phone
walk leaves test-artifacts/phone-*.png for people to look at.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.artifacts import ARTIFACTS, safe_name, screenshot
from tests.conftest import skip_or_fail

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
# The machine has no outside network: without the background-networking switches Chromium
# keeps trying to reach Google's services and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the live server ------------------------------------------------------------------------


class DeferredApp:
    """A WSGI callable whose app is set after the server socket exists.

    The socket is bound first (port 0: the system picks a free one, no race), so that the
    app can be built with BASE_URL pointing at the real address.
    """

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class LiveServer:
    def __init__(self, server, app):
        self.server = server
        self.app = app
        self.url = f"http://127.0.0.1:{server.port}"


@pytest.fixture
def http_server():
    """A threaded werkzeug server bound to 127.0.0.1 on a free port, not yet serving."""
    wsgi = DeferredApp()
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    server.wsgi = wsgi
    yield server
    server.server_close()


@pytest.fixture
def app_config(http_server):
    """Mail links point at the live server; CSRF is on, as in production: a real browser
    submits the token the form carries."""
    return {
        "BASE_URL": f"http://127.0.0.1:{http_server.port}",
        "WTF_CSRF_ENABLED": True,
        "DEV_MAILBOX": True,  # as `make run` sets it
    }


@pytest.fixture
def live_server(http_server, app):
    """The suite's `app` (SQLite copy of the migrated template, or PostgreSQL when
    CAMP_TEST_DATABASE=postgresql) served over HTTP in a thread."""
    http_server.wsgi.app = app
    thread = threading.Thread(target=http_server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(http_server, app)
    http_server.shutdown()
    thread.join(timeout=10)


# --- the browser ----------------------------------------------------------------------------


def _browser_missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Module, not session: while a sync Playwright is alive, its event loop counts as running
    on this thread, so any later test calling asyncio.run() would fail, and a second
    Playwright could not start here. Stopping it at the end of each module keeps both working.
    """
    reason = _browser_missing_reason()
    if reason:
        skip_or_fail(reason, "CAMP_REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context per test: no cookies or storage carried between tests."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def server_errors():
    """Responses with a 5xx status seen by the page: bad input must never produce one."""
    return []


@pytest.fixture
def page(request, context, server_errors):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    failure_shot = ARTIFACTS / f"FAILED-{safe_name(request.node.nodeid)}.png"
    failure_shot.unlink(missing_ok=True)  # from an earlier run: it would mislead
    page = context.new_page()
    page.on(
        "response",
        lambda r: (
            server_errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500
            else None
        ),
    )
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _screenshot_failure(page, request.node.nodeid)
        if server_errors:
            print(f"the server answered with an error: {server_errors}")
    page.close()
    if server_errors and (report is None or report.passed):
        pytest.fail(f"the server answered with an error: {server_errors}", pytrace=False)


def _screenshot_failure(page, nodeid: str) -> None:
    # Never let a failing screenshot (a crashed page, say) hide the test's own failure.
    try:
        path = screenshot(page, f"FAILED-{safe_name(nodeid)}")
    except Exception as exc:
        print(f"no screenshot of the failure: {exc}")
    else:
        print(f"screenshot of the failure: {path}")
