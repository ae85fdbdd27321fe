"""The pages coordinators, staff and nurses work in name the event in the reader's language
(Event.text), like the parents' pages: a coordinator, counselor or nurse who chose Spanish sees
the Spanish name, and the English one where none is given."""

import html
from datetime import timedelta

import pytest

from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.events.helpers import sign_in
from tests.factories import make_event, make_group, make_user

ENGLISH, SPANISH = "Sun Camp", "Campamento Sol"

# (who reads, the page's path: {slug}, {day}, {group} filled in)
PAGES = [
    (Role.COORDINATOR, "/manage/events"),
    (Role.COORDINATOR, "/manage/events/{slug}/dashboard"),
    (Role.COORDINATOR, "/manage/events/{slug}/roster"),
    (Role.COORDINATOR, "/manage/events/{slug}/review"),
    (Role.COORDINATOR, "/manage/events/{slug}/verification"),
    (Role.COORDINATOR, "/manage/events/{slug}/waitlist"),
    (Role.COORDINATOR, "/manage/events/{slug}/cabins"),
    (Role.COORDINATOR, "/manage/events/{slug}/cabins/groups/{group}/edit"),
    (Role.COORDINATOR, "/manage/events/{slug}/cabins/groups/{group}/delete"),
    (Role.COORDINATOR, "/manage/events/{slug}/messages"),
    (Role.COORDINATOR, "/manage/events/{slug}/exports"),
    (Role.COORDINATOR, "/manage/events/{slug}/documents"),
    (Role.COORDINATOR, "/manage/events/{slug}/copy"),
    (Role.COORDINATOR, "/events/{slug}/readiness"),
    (Role.COORDINATOR, "/events/{slug}/required-documents"),
    (Role.STAFF, "/attendance/"),
    (Role.STAFF, "/attendance/{slug}/{day}"),
    (Role.NURSE, "/attendance/health-center/{slug}/{day}"),
    (Role.NURSE, "/attendance/health-center/{slug}/{day}/visits"),
    (Role.NURSE, "/attendance/health-center/{slug}/{day}/visits/new"),
    (Role.NURSE, "/events/{slug}/readiness"),
]


@pytest.fixture
def camp(app):
    # No app context around the requests: Flask-Babel keeps a context's language once chosen.
    with app.app_context():
        today = camp_today()
        event = make_event(
            name=ENGLISH,
            starts_on=today,
            ends_on=today + timedelta(days=4),
            translations={"es": {"name": SPANISH}},
        )
        group = make_group(event)
        return {"slug": event.slug, "day": today.isoformat(), "group": group.id}


def _sign_in_in_spanish(app, client, role) -> None:
    with app.app_context():
        sign_in(client, make_user((role,)))
    client.post("/language/es", data={"next": "/"})


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_a_worker_who_chose_spanish_sees_the_event_named_in_spanish(app, client, camp, role, path):
    _sign_in_in_spanish(app, client, role)

    response = client.get(path.format(**camp))

    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert SPANISH in page
    assert ENGLISH not in page


def test_without_a_spanish_name_the_english_one_shows(app, client, camp):
    _sign_in_in_spanish(app, client, Role.COORDINATOR)
    page = html.unescape(client.get("/manage/events").get_data(as_text=True))
    assert SPANISH in page  # the translated event

    with app.app_context():
        make_event(name="Art Day", translations={"es": {"summary": "Un día de arte."}})
    page = html.unescape(client.get("/manage/events").get_data(as_text=True))
    assert "Art Day" in page


@pytest.mark.parametrize(
    ("path", "data", "notice"),
    [
        ("/manage/events/{slug}/unpublish", {}, f"“{SPANISH}” está oculto para las familias."),
        (  # a name the event's cabins already use
            "/manage/events/{slug}/cabins/groups",
            {"name": "Bears", "capacity": "8"},
            f"{SPANISH} ya usa el nombre “Bears”.",
        ),
    ],
)
def test_a_coordinators_notices_name_the_event_in_spanish(app, client, camp, path, data, notice):
    _sign_in_in_spanish(app, client, Role.COORDINATOR)

    response = client.post(path.format(**camp), data=data, follow_redirects=True)

    page = html.unescape(response.get_data(as_text=True))
    assert notice in page
    assert ENGLISH not in page
