"""Events: the public catalogue, coordinators' changes, a family's eligibility."""

from datetime import UTC, date, datetime, timedelta

import pytest

from camp_app.events.models import Event
from camp_app.extensions import db
from tests.api.conftest import codes_of, errors_of
from tests.factories import make_child, make_event

NEW_EVENT = {
    "slug": "bear-hug-2027",
    "name": "Bear Hug 2027",
    "kind": "day_camp",
    "summary": "A day camp for siblings.",
    "description": "Games, crafts and a picnic.",
    "location": "Hospital park",
    "starts_on": "2027-07-05",
    "ends_on": "2027-07-09",
    "registration_opens_at": "2027-01-01T09:00:00-05:00",
    "registration_closes_at": "2027-06-01T17:00:00-04:00",
    "capacity": 20,
    "waitlist_enabled": True,
    "requires_review": False,
    "published": True,
    "eligibility": {
        "min_age": 5,
        "max_age": 12,
        "audience": "siblings",
        "diagnosis_categories": ["cancer"],
        "treated_at_hospital_required": False,
    },
}


def test_anyone_lists_published_events_soonest_first(api, app_ctx):
    later = make_event(starts_on=date(2027, 8, 1), ends_on=date(2027, 8, 5))
    sooner = make_event(starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 5))
    make_event(published=False)
    make_event(starts_on=date(2020, 1, 1), ends_on=date(2020, 1, 2))  # over
    response = api.get("/events")
    assert response.status_code == 200
    body = response.get_json()
    assert [e["slug"] for e in body] == [sooner.slug, later.slug]
    first = body[0]
    assert first["seats_taken"] == 0 and first["seats_left"] == 10
    assert first["waitlist_length"] == 0
    assert first["eligibility"]["audience"] == "patients"
    assert first["starts_on"] == "2027-06-01"
    assert datetime.fromisoformat(first["registration_opens_at"]).tzinfo is not None


def test_one_event_by_slug(api, app_ctx):
    event = make_event()
    response = api.get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert response.get_json()["name"] == event.name
    assert api.get("/events/no-such-camp").status_code == 404


def test_unpublished_events_are_hidden_except_from_editors(api, people):
    hidden = make_event(published=False)
    assert api.get(f"/events/{hidden.slug}").status_code == 404
    for role in ("parent", "staff"):
        assert api.get(f"/events/{hidden.slug}", people[role][1]).status_code == 404
    for role in ("coordinator", "admin"):
        response = api.get(f"/events/{hidden.slug}", people[role][1])
        assert response.status_code == 200
        assert response.get_json()["published"] is False


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_editors_create_and_change_events(api, people, role):
    _user, token = people[role]
    response = api.post("/events", token, json=NEW_EVENT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "bear-hug-2027" and body["kind"] == "day_camp"
    assert body["eligibility"]["audience"] == "siblings"
    assert body["seats_left"] == 20
    assert response.headers["Location"].endswith("/api/v1/events/bear-hug-2027")
    changed = api.patch("/events/bear-hug-2027", token, json={"capacity": 25, "published": False})
    assert changed.status_code == 200
    assert changed.get_json()["capacity"] == 25
    assert changed.get_json()["name"] == "Bear Hug 2027"
    # Unpublished now, but the editors can still change it.
    again = api.patch("/events/bear-hug-2027", token, json={"name": "Bear Hug"})
    assert again.status_code == 200 and again.get_json()["name"] == "Bear Hug"


@pytest.mark.parametrize("role", ["parent", "staff"])
def test_others_cannot_create_or_change_events(api, people, role):
    _user, token = people[role]
    event = make_event()
    assert api.post("/events", token, json=NEW_EVENT).status_code == 403
    assert api.patch(f"/events/{event.slug}", token, json={"capacity": 1}).status_code == 403
    assert api.post("/events", json=NEW_EVENT).status_code == 401
    assert api.patch(f"/events/{event.slug}", json={"capacity": 1}).status_code == 401
    assert db.session.get(Event, event.id).capacity == 10


def test_event_validation_is_422_with_fields(api, people):
    _user, token = people["coordinator"]
    response = api.post(
        "/events",
        token,
        json={**NEW_EVENT, "capacity": "many", "ends_on": "2027-07-01", "kind": "party"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in errors_of(response)}
    assert {"capacity", "kind", "ends_on"} <= fields
    missing = api.post("/events", token, json={})
    assert missing.status_code == 422
    assert {"slug", "name", "starts_on"} <= {e["field"] for e in errors_of(missing)}


@pytest.mark.parametrize("field", ["kind", "audience"])
@pytest.mark.parametrize("value", [[], {}, ["day_camp"], {"a": 1}])
def test_choices_of_the_wrong_json_type_are_422(api, people, field, value):
    _user, token = people["coordinator"]
    body = (
        {**NEW_EVENT, field: value}
        if field == "kind"
        else {**NEW_EVENT, "eligibility": {**NEW_EVENT["eligibility"], field: value}}
    )
    response = api.post("/events", token, json=body)
    assert response.status_code == 422
    assert any(e["field"].endswith(field) for e in errors_of(response))


def test_a_taken_slug_is_refused(api, people):
    _user, token = people["coordinator"]
    event = make_event()
    response = api.post("/events", token, json={**NEW_EVENT, "slug": event.slug})
    assert response.status_code == 422
    assert "slug_taken" in codes_of(response)


def test_patch_of_an_unknown_event_is_404(api, people):
    _user, token = people["coordinator"]
    assert api.patch("/events/nope", token, json={"capacity": 3}).status_code == 404


# --- eligibility ---------------------------------------------------------------------------


def test_eligibility_explains_each_child(api, people):
    parent, token = people["parent"]
    maya = make_child(parent.household, first_name="Maya", date_of_birth=date(2016, 5, 1))
    tom = make_child(
        parent.household,
        first_name="Tom",
        relationship="sibling",
        diagnosis_category=None,
        date_of_birth=date(2008, 1, 1),
    )
    event = make_event()
    response = api.get(f"/events/{event.slug}/eligibility", token)
    assert response.status_code == 200
    answers = {a["child_id"]: a for a in response.get_json()}
    assert answers[maya.id] == {"child_id": maya.id, "eligible": True, "reasons": []}
    assert answers[tom.id]["eligible"] is False
    codes = {r["code"] for r in answers[tom.id]["reasons"]}
    assert codes == {"too_old", "not_a_patient"}
    assert all("Tom" in r["message"] for r in answers[tom.id]["reasons"])


def test_eligibility_reports_a_closed_window_and_a_missing_contact(api, people):
    parent, token = people["parent"]
    make_child(parent.household)
    for contact in parent.household.contacts:
        db.session.delete(contact)
    db.session.commit()
    now = datetime.now(UTC)
    event = make_event(
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=now - timedelta(days=1),
    )
    (answer,) = api.get(f"/events/{event.slug}/eligibility", token).get_json()
    assert {r["code"] for r in answer["reasons"]} == {"registration_closed", "profile_incomplete"}


def test_eligibility_of_a_family_without_children_is_empty(api, people):
    _parent, token = people["parent"]
    event = make_event()
    response = api.get(f"/events/{event.slug}/eligibility", token)
    assert response.status_code == 200 and response.get_json() == []


def test_eligibility_is_for_parents_and_published_events(api, people):
    event = make_event()
    hidden = make_event(published=False)
    for role in ("coordinator", "staff", "admin"):
        assert api.get(f"/events/{event.slug}/eligibility", people[role][1]).status_code == 403
    assert api.get(f"/events/{event.slug}/eligibility").status_code == 401
    parent_token = people["parent"][1]
    assert api.get(f"/events/{hidden.slug}/eligibility", parent_token).status_code == 404
