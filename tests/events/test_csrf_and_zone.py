"""With CSRF on (as in production) the manage buttons need the token; the camp's zone is
whatever CAMP_TIMEZONE says.

No app context stays pushed around the client's requests here: requests would share its `g`,
where Flask-WTF keeps the CSRF token, and a token from before the login would leak across.
"""

import html
import re
from datetime import UTC, datetime

import pytest

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from tests.factories import PASSWORD, make_event, make_user, pass_second_factor


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "CAMP_TIMEZONE": "America/Los_Angeles"}


def csrf_token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in_with_csrf(client, email: str) -> None:
    token = csrf_token_of(client.get("/account/login").get_data(as_text=True))
    response = client.post(
        "/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    pass_second_factor(client, email)


def is_published(app, slug: str) -> bool:
    with app.app_context():
        return db.session.scalar(db.select(Event.published).where(Event.slug == slug))


def test_publish_button_needs_the_csrf_token(app, client):
    with app.app_context():
        make_event(slug="camp-q", published=False)
        email = make_user((Role.COORDINATOR,)).email
    sign_in_with_csrf(client, email)

    assert client.post("/manage/events/camp-q/publish").status_code == 400
    assert is_published(app, "camp-q") is False

    token = csrf_token_of(client.get("/manage/events").get_data(as_text=True))
    response = client.post("/manage/events/camp-q/publish", data={"csrf_token": token})
    assert response.status_code == 302
    assert is_published(app, "camp-q") is True


def test_window_follows_the_configured_camp_zone(app, client):
    # 17:00 UTC on March 1 is 9:00 AM in Los Angeles (PST, UTC-8).
    with app.app_context():
        make_event(
            slug="west-camp",
            registration_opens_at=datetime(2027, 3, 1, 17, 0, tzinfo=UTC),
            registration_closes_at=datetime(2027, 5, 1, 19, 0, tzinfo=UTC),
        )

    page = html.unescape(client.get("/events/west-camp").get_data(as_text=True))

    assert "Registration opens on March 1, 2027 at 9:00\u202fAM (Pacific Time)" in page
