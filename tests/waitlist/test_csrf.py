"""With CSRF on (as in production) the verification and waitlist buttons need the page's
token; without it nothing changes. No app context stays pushed around the requests: Flask-WTF
keeps the token in `g`, which a shared context would carry across the login."""

import re

import pytest

from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests import factories
from tests.events.test_csrf_and_zone import sign_in_with_csrf
from tests.verification.helpers import make_family, make_person, register


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def camp(app):
    """A full event with Maya seated and Kid waiting; a signed-up coordinator."""
    with app.app_context():
        event = factories.make_event(capacity=1)
        parent, (maya,) = make_family(first_names=("Maya",))
        register(parent, event, [maya])
        parent2, (kid,) = make_family(first_names=("Kid",))
        (waiting,) = register(parent2, event, [kid])
        coordinator = make_person(Role.COORDINATOR)
        ids = {"slug": event.slug, "maya": maya.id, "waiting": waiting.id}
        ids["email"] = coordinator.email
        db.session.remove()
    return ids


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def current(app, model, row_id):
    with app.app_context():
        row = db.session.get(model, row_id)
        value = row.patient_verification if model is Child else row.status
        db.session.remove()
    return value


def test_verification_needs_the_token(app, client, camp):
    sign_in_with_csrf(client, camp["email"])
    url = f"/manage/events/{camp['slug']}/children/{camp['maya']}/verification"
    response = client.post(url, data={"state": "verified"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert current(app, Child, camp["maya"]) == "unverified"
    page = client.get(f"/manage/events/{camp['slug']}/verification?state=all")
    data = {"state": "verified", "csrf_token": token_from(page.get_data(as_text=True))}
    assert client.post(url, data=data).status_code == 302
    assert current(app, Child, camp["maya"]) == "verified"


@pytest.mark.parametrize("action", ["promote", "remove"])
def test_waitlist_buttons_need_the_token(app, client, camp, action):
    sign_in_with_csrf(client, camp["email"])
    url = f"/manage/events/{camp['slug']}/waitlist/{camp['waiting']}/{action}"
    response = client.post(url, data={"note": "Sorry"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert current(app, Registration, camp["waiting"]) == "waitlisted"
    page = client.get(f"/manage/events/{camp['slug']}/waitlist").get_data(as_text=True)
    client.post(url, data={"note": "Sorry", "csrf_token": token_from(page)})
    # With the token the request reaches the lifecycle: removed, or refused as the camp is full.
    expected = "declined" if action == "remove" else "waitlisted"
    assert current(app, Registration, camp["waiting"]) == expected
