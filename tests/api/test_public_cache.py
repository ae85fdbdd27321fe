"""Anonymous answers about published events are kept for PUBLIC_READ_CACHE_SECONDS, never
longer, and never for anyone who sent a token or a cookie (camp_app/public_cache.py)."""

import pytest

from camp_app.extensions import db
from camp_app.roles import Role
from tests.api.conftest import token_for
from tests.factories import make_event, make_user
from tests.support.kept_answers import move_clock

KEPT = 60  # long enough for a loaded machine: expiry is shown by moving the clock


@pytest.fixture
def app_config():
    return {"PUBLIC_READ_CACHE_SECONDS": KEPT}


def _rename(event, name):
    event.name = name
    db.session.commit()


@pytest.mark.parametrize("path", ["/events/{slug}", "/events"])
def test_an_anonymous_answer_is_kept_for_its_time_and_no_longer(api, app_ctx, path, monkeypatch):
    event = make_event(name="Before")
    path = path.format(slug=event.slug)
    assert "Before" in api.get(path).get_data(as_text=True)
    _rename(event, "After")
    assert "Before" in api.get(path).get_data(as_text=True)  # the same second: kept
    move_clock(monkeypatch, KEPT + 1)
    assert "After" in api.get(path).get_data(as_text=True)


def test_a_head_request_is_answered_from_the_kept_answer(api, app_ctx):
    event = make_event(name="Before")
    path = f"/api/v1/events/{event.slug}"
    kept = api.client.get(path).get_data()
    _rename(event, "Afterwards")  # a longer name: a fresh answer would be longer
    head = api.client.head(path)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(kept))


def test_a_signed_in_or_cookie_bearing_request_is_answered_afresh(api, app_ctx):
    event = make_event(name="Before")
    coordinator = make_user(roles=[Role.COORDINATOR])
    token = token_for(coordinator)
    path = f"/events/{event.slug}"
    assert "Before" in api.get(path).get_data(as_text=True)
    _rename(event, "After")
    assert "After" in api.get(path, token=token).get_data(as_text=True)
    api.client.set_cookie("session", "x")
    assert "After" in api.get(path).get_data(as_text=True)


def test_each_language_is_kept_apart_and_a_missing_event_is_not_kept(api, app_ctx):
    event = make_event(name="Before")
    path = f"/events/{event.slug}"
    assert api.get("/events/not-yet").status_code == 404
    api.get(path, headers={"Accept-Language": "es"})
    _rename(event, "After")
    assert "After" in api.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Before" in api.get(path, headers={"Accept-Language": "es"}).get_data(as_text=True)
    make_event(slug="not-yet")
    assert api.get("/events/not-yet").status_code == 200
