"""Browser tests of the event pages, on the live server of tests/browser.

They start their own Chromium in a thread of their own (see session.py): tests/browser keeps
one Playwright for the whole session, and Playwright's sync API allows one per thread.
"""

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures, found by name)
    app_config,
    http_server,
    live_server,
)


def pytest_collection_modifyitems(config, items):
    here = config.rootpath / "tests" / "events" / "browser"
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
