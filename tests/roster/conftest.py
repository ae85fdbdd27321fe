"""Fixtures for the dashboard and roster pages: a coordinator signed in."""

import pytest

from camp_app.roles import Role
from tests.roster.test_roster_page_data import sign_in_as


@pytest.fixture
def coordinator(app_ctx, client):
    return sign_in_as(client, Role.COORDINATOR)
