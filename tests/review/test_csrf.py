"""With CSRF on (as in production), a decision needs the page's token; without it nothing
changes. No app context stays pushed around the requests (Flask-WTF keeps the token in `g`)."""

import re

import pytest

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from tests.factories import PASSWORD, pass_second_factor
from tests.review.helpers import make_coordinator, pending, review_event


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*\svalue="([^"]+)"', page).group(1)


def status_of(app, registration_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


def test_a_decision_without_the_token_changes_nothing_and_with_it_goes_through(app):
    with app.app_context():
        event = review_event()
        _parent, _child, registration = pending(event)
        coordinator = make_coordinator()
        slug, registration_id, email = event.slug, registration.id, coordinator.email
    client = app.test_client()
    login_page = client.get("/account/login").get_data(as_text=True)
    data = {"email": email, "password": PASSWORD, "csrf_token": token_of(login_page)}
    assert client.post("/account/login", data=data).status_code == 302
    pass_second_factor(client, email)
    url = f"/manage/events/{slug}/registrations/{registration_id}/decision"
    refused = client.post(url, data={"action": "approve"})
    assert refused.status_code == 400
    assert "Your form expired." in refused.get_data(as_text=True)
    assert status_of(app, registration_id) == "pending_review"
    token = token_of(client.get(f"/manage/events/{slug}/review").get_data(as_text=True))
    done = client.post(url, data={"action": "approve", "csrf_token": token})
    assert done.status_code == 302
    assert status_of(app, registration_id) == "confirmed"
