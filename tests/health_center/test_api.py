"""The contract's health center endpoints (v1.1): the nurse records; coordinators and admins
read; staff get 403; records and visits are never changed or deleted (405)."""

import pytest
from jsonschema import Draft202012Validator

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.api.conftest import Api, token_for
from tests.factories import make_user
from tests.health_center.helpers import at, child_at_camp, overnight_camp


@pytest.fixture
def world(app_ctx, client):
    event = overnight_camp()
    maya = child_at_camp(event, first_name="Maya", allergies="Penicillin")
    tokens = {
        role: token_for(make_user((role,), name=f"{role.value} person"))
        for role in (Role.NURSE, Role.COORDINATOR, Role.ADMIN, Role.STAFF, Role.PARENT)
    }
    db.session.commit()
    return Api(client), event, maya, tokens


def codes(response) -> list[str]:
    return [e["code"] for e in response.get_json()["errors"]]


def dose(maya, **extra):
    return {
        "registration_id": maya.id,
        "medication_id": maya.child.medications[0].id,
        "due_at": at(8).isoformat(),
        "status": "given",
        **extra,
    }


def schema_of(client, name):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {**document["components"]["schemas"][name]}
    schema["components"] = document["components"]
    return Draft202012Validator(schema)


def test_the_nurse_reads_the_day_and_records_doses(world, client):
    api, event, maya, tokens = world
    nurse = tokens[Role.NURSE]
    day = api.get(f"/events/{event.slug}/medication?date={camp_today()}", nurse)
    assert day.status_code == 200
    (child,) = day.get_json()
    assert child["allergies"] == "Penicillin" and child["present"] is True
    assert [d["status"] for d in child["doses"]] == ["due", "due"]
    schema_of(client, "ChildMedicationDay").validate(child)

    made = api.post(f"/events/{event.slug}/medication", nurse, dose(maya))
    assert made.status_code == 201, made.get_json()
    record = made.get_json()
    assert record["status"] == "given" and record["corrects_id"] is None
    schema_of(client, "DoseRecord").validate(record)
    again = api.post(
        f"/events/{event.slug}/medication", nurse, dose(maya, status="missed", note="x")
    )
    assert again.status_code == 409 and codes(again) == ["dose_already_recorded"]
    fix = api.post(
        f"/events/{event.slug}/medication",
        nurse,
        dose(maya, status="refused", note="Refused: nausea", corrects_id=record["id"]),
    )
    assert fix.status_code == 201 and fix.get_json()["corrects_id"] == record["id"]
    doses = api.get(f"/events/{event.slug}/medication", nurse).get_json()[0]["doses"]
    assert doses[0]["status"] == "refused" and doses[0]["record_id"] == fix.get_json()["id"]


def test_bad_input_is_a_clear_422(world):
    api, event, maya, tokens = world
    nurse = tokens[Role.NURSE]
    url = f"/events/{event.slug}/medication"
    answer = api.post(url, nurse, dose(maya, status="refused"))
    assert answer.status_code == 422 and codes(answer) == ["reason_required"]
    answer = api.post(url, nurse, {**dose(maya), "due_at": "tomorrow-ish", "status": None})
    assert answer.status_code == 422 and sorted(codes(answer)) == ["invalid_datetime", "required"]
    assert api.get(f"{url}?date=2026-13-01", nurse).status_code == 422
    assert api.get(f"{url}?date=1999-01-01", nurse).status_code == 422


def test_who_may_read_and_who_may_write(world):
    api, event, maya, tokens = world
    url = f"/events/{event.slug}/medication"
    visits = f"/events/{event.slug}/health-visits"
    for role in (Role.COORDINATOR, Role.ADMIN):
        assert api.get(url, tokens[role]).status_code == 200
        assert api.get(visits, tokens[role]).status_code == 200
        assert api.post(url, tokens[role], dose(maya)).status_code == 403
    for role in (Role.STAFF, Role.PARENT):
        assert api.get(url, tokens[role]).status_code == 403
        assert api.get(visits, tokens[role]).status_code == 403
        assert api.post(url, tokens[role], dose(maya)).status_code == 403
    assert api.get(url).status_code == 401


def test_records_and_visits_are_never_changed_or_deleted(world):
    api, event, maya, tokens = world
    nurse = tokens[Role.NURSE]
    made = api.post(
        f"/events/{event.slug}/health-visits",
        nurse,
        {
            "registration_id": maya.id,
            "complaint": "Scraped knee",
            "assessment": "Superficial",
            "treatment": "Cleaned, bandage",
            "disposition": "returned_to_activity",
            "guardian_notified": True,
        },
    )
    assert made.status_code == 201, made.get_json()
    visit = made.get_json()
    assert visit["addenda"] == [] and visit["guardian_notified_at"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.call(method, f"/health-visits/{visit['id']}", nurse).status_code == 405
        assert api.call(method, f"/events/{event.slug}/medication", nurse).status_code == 405
        assert api.call(method, f"/events/{event.slug}/health-visits", nurse).status_code == 405
    note = api.post(f"/health-visits/{visit['id']}/addenda", nurse, {"text": "Fine at dinner."})
    assert note.status_code == 201
    (listed,) = api.get(f"/events/{event.slug}/health-visits", nurse).get_json()
    (addendum,) = listed["addenda"]
    assert addendum["text"] == "Fine at dinner." and addendum["author"] == "nurse person"
    assert addendum["written_at"] and listed["complaint"] == "Scraped knee"
    assert api.post("/health-visits/999999/addenda", nurse, {"text": "x"}).status_code == 404
    bad = api.post(f"/health-visits/{visit['id']}/addenda", nurse, {"text": "", "x": 1})
    assert bad.status_code == 422 and sorted(codes(bad)) == ["required", "unknown_field"]


def test_each_read_is_one_audit_entry(world):
    api, event, _maya, tokens = world
    child_at_camp(event, first_name="Ben")
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    api.get(f"/events/{event.slug}/medication", tokens[Role.COORDINATOR])
    api.get(f"/events/{event.slug}/health-visits", tokens[Role.COORDINATOR])
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id).offset(before)).all()
    assert [e.action for e in entries] == ["medication_record.read", "health_visit.read"]
