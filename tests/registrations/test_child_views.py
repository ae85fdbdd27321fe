"""What counselors see of a child (name, age, cabin, allergies, dietary needs, health alerts:
never the diagnosis, conditions or medications) in the API, the roster CSV and the day sheet;
nurses and coordinators see everything, and their reads are audited."""

import csv
import io

import pytest

from camp_app.accounts import tokens
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.factories import login, make_user

SECRETS = ("Acute lymphoblastic leukemia", "Neutropenia", "Ondansetron")


@pytest.fixture
def camper(app_ctx):
    event = running_camp("overnight_camp", name="Safe Camp")
    registration, _pickup = confirmed_child(
        event,
        first_name="Maya",
        diagnosis="Acute lymphoblastic leukemia",
        medical_conditions="Neutropenia",
        allergies="Peanuts",
        dietary_needs="No pork",
        medications=[{"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals"}],
    )
    child = registration.child
    child.health_alerts = ["central_line", "epinephrine_auto_injector"]
    child.health_alert_note = "No sun on the port side"
    db.session.commit()
    return event, registration


def _headers(role) -> dict:
    plain, _row = tokens.issue_token(make_user((role,)))
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_staff_see_alerts_never_diagnosis_conditions_or_medications(client, camper):
    _event, registration = camper
    answer = client.get(f"/api/v1/registrations/{registration.id}", headers=_headers(Role.STAFF))
    assert answer.status_code == 200
    child = answer.get_json()["child"]
    assert child["first_name"] == "Maya" and child["allergies"] == "Peanuts"
    assert child["dietary_needs"] == "No pork"
    assert child["health_alerts"] == ["epinephrine_auto_injector", "central_line"]
    assert child["health_alert_note"] == "No sun on the port side"
    assert not any(secret in answer.get_data(as_text=True) for secret in SECRETS)
    assert not {"diagnosis", "medical_conditions", "medications"} & set(child)


def test_nurses_see_everything_and_the_read_is_audited(client, camper):
    _event, registration = camper
    answer = client.get(f"/api/v1/registrations/{registration.id}", headers=_headers(Role.NURSE))
    child = answer.get_json()["child"]
    assert child["diagnosis"] == "Acute lymphoblastic leukemia"
    assert child["medications"][0]["name"] == "Ondansetron"
    read = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "child.medical_read"))
    assert (read.entity_type, read.entity_id) == ("children", registration.child_id)
    assert "diagnosis" in read.fields and "medications" in read.fields


def test_the_roster_csv_for_staff_has_alerts_and_no_medical_details(client, camper):
    event, _registration = camper
    answer = client.get(f"/api/v1/events/{event.slug}/roster.csv", headers=_headers(Role.STAFF))
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["health_alerts"] == (
        "Epinephrine auto-injector; Port or central line; No sun on the port side"
    )
    assert not any(secret in text for secret in SECRETS)


def test_the_day_sheet_shows_the_alerts_to_counselors(client, camper):
    event, _registration = camper
    login(client, staff_member())
    page = client.get(f"/attendance/{event.slug}/{camp_today().isoformat()}")
    html = page.get_data(as_text=True)
    assert "Port or central line" in html and "No sun on the port side" in html
    assert not any(secret in html for secret in SECRETS)


def test_families_set_alerts_and_an_unknown_one_changes_nothing(client, app_ctx):
    parent = make_user((Role.PARENT,))
    plain, _row = tokens.issue_token(parent)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    child = {
        "first_name": "Leo",
        "last_name": "Diaz",
        "date_of_birth": "2016-05-01",
        "relationship": "sibling",
    }
    refused = client.post(
        "/api/v1/family/children",
        json={**child, "health_alerts": ["seizure_plan", "wings"]},
        headers=headers,
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["health_alerts"]
    too_long = client.post(
        "/api/v1/family/children", json={**child, "health_alert_note": "x" * 81}, headers=headers
    )
    assert too_long.status_code == 422
    assert client.get("/api/v1/family", headers=headers).get_json()["children"] == []
    made = client.post(
        "/api/v1/family/children",
        json={**child, "health_alerts": ["seizure_plan", "diabetes"]},
        headers=headers,
    )
    assert made.status_code == 201
    assert made.get_json()["health_alerts"] == ["seizure_plan", "diabetes"]
