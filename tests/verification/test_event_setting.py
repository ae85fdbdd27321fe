"""The event's "requires verification" setting: on the coordinator's form and in the API."""

import re

import pytest
from sqlalchemy import select

from camp_app.accounts import tokens
from camp_app.audit.models import AuditEntry
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from tests import factories
from tests.api.test_events_api import NEW_EVENT
from tests.events.test_pages import form_fields

from .helpers import make_person, text_of

HINT = "A patient's seat is confirmed only once the medical team has verified the child."


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def stored(slug) -> Event:
    db.session.expire_all()
    return db.session.scalar(select(Event).where(Event.slug == slug))


def test_the_form_offers_the_checkbox_with_its_hint(coordinator, client):
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'name="requires_verification"' in page
    assert "Patients need verification by the medical team" in page
    assert HINT in text_of(client.get("/manage/events/new"))


def test_creating_with_the_box_ticked_requires_verification(coordinator, client):
    response = client.post("/manage/events/new", data=form_fields(requires_verification="y"))
    assert response.status_code == 302
    assert stored("art-day").requires_verification is True


def test_creating_without_it_leaves_it_off(coordinator, client):
    assert client.post("/manage/events/new", data=form_fields()).status_code == 302
    assert stored("art-day").requires_verification is False


def test_editing_turns_it_on_and_off_and_audits_the_name(coordinator, client):
    event = factories.make_event(slug="camp-v")
    fields = form_fields(slug="camp-v", kind="overnight_camp", requires_verification="y")
    assert client.post("/manage/events/camp-v/edit", data=fields).status_code == 302
    assert stored("camp-v").requires_verification is True
    edit_page = client.get("/manage/events/camp-v/edit").get_data(as_text=True)
    (box,) = re.findall(r"<input[^>]*name=\"requires_verification\"[^>]*>", edit_page)
    assert "checked" in box
    del fields["requires_verification"]
    assert client.post("/manage/events/camp-v/edit", data=fields).status_code == 302
    assert stored("camp-v").requires_verification is False
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "event.update", AuditEntry.entity_id == event.id
        )
    ).all()
    assert all("requires_verification" in e.fields for e in entries) and len(entries) == 2


# --- the API ----------------------------------------------------------------------------------


def api(client, method, path, user, body=None):
    token, _row = tokens.issue_token(user)
    headers = {"Authorization": f"Bearer {token}"}
    return client.open("/api/v1" + path, method=method, json=body, headers=headers)


def test_the_api_defaults_to_false_and_shows_it(coordinator, client):
    response = api(client, "POST", "/events", coordinator, NEW_EVENT)
    assert response.status_code == 201
    assert response.get_json()["requires_verification"] is False
    public = client.get(f"/api/v1/events/{NEW_EVENT['slug']}").get_json()
    assert public["requires_verification"] is False


def test_the_api_creates_and_patches_it(coordinator, client):
    body = {**NEW_EVENT, "requires_verification": True}
    assert api(client, "POST", "/events", coordinator, body).get_json()["requires_verification"]
    assert stored(NEW_EVENT["slug"]).requires_verification is True
    path = f"/events/{NEW_EVENT['slug']}"
    response = api(client, "PATCH", path, coordinator, {"requires_verification": False})
    assert response.status_code == 200 and response.get_json()["requires_verification"] is False
    assert stored(NEW_EVENT["slug"]).requires_verification is False


@pytest.mark.parametrize("value", ["yes", 1, None, "true", []])
def test_the_api_refuses_a_non_boolean(coordinator, client, value):
    factories.make_event(slug="camp-w")
    response = api(client, "PATCH", "/events/camp-w", coordinator, {"requires_verification": value})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["code"] == "invalid_type" and error["field"] == "requires_verification"
    assert stored("camp-w").requires_verification is False


def test_a_parent_cannot_set_it(ctx, client):
    factories.make_event(slug="camp-p")
    parent = make_person(Role.PARENT)
    response = api(client, "PATCH", "/events/camp-p", parent, {"requires_verification": True})
    assert response.status_code == 403
    assert stored("camp-p").requires_verification is False


def test_the_openapi_schema_describes_it(ctx, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for name in ("EventInput", "EventPatch", "Event"):
        assert schemas[name]["properties"]["requires_verification"]["type"] == "boolean"
    assert "requires_verification" in schemas["Event"]["required"]
