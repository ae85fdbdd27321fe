"""The catalogue and event pages an anonymous visitor reads are kept PUBLIC_READ_CACHE_SECONDS
(camp_app/public_cache.py), never longer, never for anyone with a cookie or a token; they set
no cookie, so the language switch takes no CSRF token from an anonymous visitor.

CSRF is on, as in production. No app context stays pushed around the client's requests (see
test_csrf_and_zone.py): Flask-WTF keeps the token in `g`.
"""

import re

import pytest

from camp_app.extensions import db
from camp_app.public_cache import kept_for_anonymous_visitors
from tests.factories import PASSWORD, make_event, make_user
from tests.support.kept_answers import move_clock

KEPT = 60  # long enough for a loaded machine: expiry is shown by moving the clock
PAGES = ["/", "/events/{slug}"]


@pytest.fixture
def app_config():
    return {"PUBLIC_READ_CACHE_SECONDS": KEPT, "WTF_CSRF_ENABLED": True}


def _event(app, **fields) -> str:
    with app.app_context():
        return make_event(**fields).slug


def _rename(app, slug, name):
    from camp_app.events.models import Event

    with app.app_context():
        db.session.scalars(db.select(Event).where(Event.slug == slug)).one().name = name
        db.session.commit()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_page_is_kept_for_its_time_and_no_longer(app, client, path, monkeypatch):
    slug = _event(app, name="Before")
    path = path.format(slug=slug)
    made = client.get(path)
    assert "Before" in _text(made)
    _rename(app, slug, "After")
    kept = client.get(path)
    assert kept.status_code == 200
    assert "Before" in _text(kept)  # the same second: kept
    # The hooks still run on an answer from memory.
    assert kept.headers["Content-Type"] == "text/html; charset=utf-8"
    assert kept.headers["Cache-Control"] == "no-store"
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert kept.headers.get("Vary") == made.headers.get("Vary")
    assert kept.headers["X-Request-ID"]
    assert kept.headers["X-Request-ID"] != client.get(path).headers["X-Request-ID"]
    move_clock(monkeypatch, KEPT + 1)
    assert "After" in _text(client.get(path))


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_page_sets_no_cookie_and_carries_no_token(app, client, path):
    path = path.format(slug=_event(app))
    for _ in range(2):  # made, then from memory
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert "csrf_token" not in _text(response)


def test_a_request_with_a_cookie_or_a_token_is_answered_afresh(app, client):
    slug = _event(app, name="Before")
    path = f"/events/{slug}"
    assert "Before" in _text(client.get(path))
    _rename(app, slug, "After")
    assert "After" in _text(client.get(path, headers={"Authorization": "Bearer something"}))
    client.set_cookie("session", "x")
    assert "After" in _text(client.get(path))


def test_each_language_is_kept_apart_and_a_missing_event_is_not_kept(app, client):
    slug = _event(app, name="Before")
    path = f"/events/{slug}"
    assert client.get("/events/not-yet").status_code == 404
    spanish = client.get(path, headers={"Accept-Language": "es"})
    assert 'lang="es"' in _text(spanish)
    _rename(app, slug, "After")
    english = client.get(path, headers={"Accept-Language": "en"})
    assert "After" in _text(english)
    assert 'lang="en"' in _text(english)
    assert "Before" in _text(client.get(path, headers={"Accept-Language": "es"}))
    _event(app, slug="not-yet")
    assert client.get("/events/not-yet").status_code == 200


def test_a_page_that_wrote_the_session_is_not_kept(app, client):
    answers = iter(range(100))

    @kept_for_anonymous_visitors
    def writes_the_session():
        from flask import session

        session["seen"] = True
        return str(next(answers))

    app.add_url_rule("/test-writes-session", view_func=writes_the_session)
    first = client.get("/test-writes-session")
    assert "Set-Cookie" in first.headers
    client.delete_cookie("session")
    second = client.get("/test-writes-session")
    assert (_text(first), _text(second)) == ("0", "1")


def test_an_anonymous_visitor_switches_the_language_without_a_token(app, client):
    response = client.post("/language/es", data={"next": "/"})
    assert response.status_code == 302
    assert 'lang="es"' in _text(client.get("/"))  # the cookie now set: answered afresh


def _signed_in_client(app):
    with app.app_context():
        email = make_user().email
    client = app.test_client()
    token = _token(_text(client.get("/account/login")))
    response = client.post(
        "/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_a_signed_in_language_switch_needs_the_token(app):
    client = _signed_in_client(app)
    refused = client.post("/language/es", data={"next": "/"})
    assert refused.status_code == 400
    page = _text(client.get("/"))
    assert 'lang="en"' in page
    response = client.post("/language/es", data={"next": "/", "csrf_token": _token(page)})
    assert response.status_code == 302
    assert 'lang="es"' in _text(client.get("/"))


def test_a_visitor_with_a_session_still_sees_their_flashed_message(app, client):
    client.get("/")  # an anonymous catalogue, kept
    signed_in = _signed_in_client(app)
    token = _token(_text(signed_in.get("/")))
    assert signed_in.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert "You are logged out." in _text(signed_in.get("/"))
