"""Fixtures for the verification tests (the waitlist tests use them too): an app context and a
coordinator signed in through the login form. A module that needs a request context overrides
`ctx`; `coordinator` then runs inside it."""

import pytest

from camp_app.roles import Role
from tests.verification.helpers import make_person, sign_in


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def coordinator(ctx, client):
    user = make_person(Role.COORDINATOR)
    sign_in(client, user)
    return user
