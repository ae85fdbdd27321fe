"""The browser harness of tests/browser (live server, Debian's Chromium), reused here."""

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures, found by name)
    app_config,
    browser,
    context,
    http_server,
    live_server,
    page,
    pytest_runtest_makereport,
    server_errors,
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
