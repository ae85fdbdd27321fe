"""Who may download what: coordinators and admins only."""

import pytest

from camp_app.roles import Role
from tests.factories import login, make_event, make_user

PATHS = ("exports", "roster.csv", "roster.xlsx", "medical-summary.pdf")


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_people_are_sent_to_log_in(client, app_ctx, path):
    event = make_event()
    response = client.get(f"/manage/events/{event.slug}/{path}")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
@pytest.mark.parametrize("path", PATHS)
def test_parents_and_staff_are_refused(client, app_ctx, role, path):
    event = make_event()
    login(client, make_user((role,)))
    assert client.get(f"/manage/events/{event.slug}/{path}").status_code == 403


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize("path", PATHS)
def test_coordinators_and_admins_download_even_unpublished_events(client, app_ctx, role, path):
    event = make_event(published=False)
    login(client, make_user((role,)))
    response = client.get(f"/manage/events/{event.slug}/{path}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_event_is_not_found(client, app_ctx, path):
    login(client, make_user((Role.COORDINATOR,)))
    assert client.get(f"/manage/events/no-such-camp/{path}").status_code == 404
