"""Every cabins form needs its CSRF token: without it the app answers 400 and nothing changes."""

import re

import pytest
from flask import g

from camp_app.extensions import db
from camp_app.roster.models import CampGroup
from tests.factories import PASSWORD, pass_second_factor

from .helpers import camp, coordinator, group, group_id_of, registered


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(client, path) -> str:
    # The test's app context shares flask.g with the requests: forget the token Flask-WTF
    # cached there for an earlier session, as a fresh request would.
    g.pop("csrf_token", None)
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_posts_without_a_token_change_nothing(app_ctx, client):
    event = camp()
    maya = registered(event)
    bears = group(event)
    base = f"/manage/events/{event.slug}/cabins"
    user = coordinator()
    sign_in = {"email": user.email, "password": PASSWORD}
    client.post("/account/login", data={**sign_in, "csrf_token": _token(client, "/account/login")})
    g.pop("csrf_token", None)
    pass_second_factor(client, user.email)
    assert client.get(base).status_code == 200
    assign = {"registration_ids": maya.id, "group_id": bears.id}
    for path, form in (
        (f"{base}/assign", assign),
        (f"{base}/assign", {**assign, "confirm": "1"}),
        (f"{base}/groups", {"name": "Owls", "capacity": "4"}),
        (f"{base}/groups/{bears.id}/delete", {}),
        (f"{base}/groups/{bears.id}/edit", {"name": "Renamed", "capacity": "3"}),
    ):
        assert client.post(path, data=form).status_code == 400, path
    db.session.expire_all()
    assert group_id_of(maya.id) is None
    assert [g.name for g in db.session.scalars(db.select(CampGroup))] == ["Bears"]

    response = client.post(f"{base}/assign", data={**assign, "csrf_token": _token(client, base)})
    assert response.status_code == 302
    db.session.expire_all()
    assert group_id_of(maya.id) == bears.id
