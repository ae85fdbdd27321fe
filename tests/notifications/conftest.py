"""Notifications tests deliver to a real aiosmtpd server (tests/support/smtp.py).

A test module that needs no mail server (the development mailbox) overrides `app_config`.
"""

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.notifications.helpers import TEST_TEMPLATES
from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture
def app_config(smtp_app_config):  # noqa: F811
    return smtp_app_config


@pytest.fixture(autouse=True)
def mail_test_templates(request):
    """Let the app under test render mail/outbox_test.*, whichever app fixture the test uses."""
    names = request.fixturenames
    if "pg_app" in names:
        app = request.getfixturevalue("pg_app")
    elif "app" in names:
        app = request.getfixturevalue("app")
    else:
        return
    app.jinja_loader = ChoiceLoader([DictLoader(TEST_TEMPLATES), app.jinja_loader])
