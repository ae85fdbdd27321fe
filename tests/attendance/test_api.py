"""The contract's attendance endpoints: POST /events/{slug}/attendance and attendance.csv."""

import csv
import io
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

import camp_app.api.attendance  # noqa: F401  (registers the routes until api/routes.py does)
from camp_app.accounts import tokens
from camp_app.attendance.models import AttendanceEvent
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, family, register, running_camp
from tests.factories import make_contact, make_user

HEADER = (
    "date,registration_id,child_first_name,child_last_name,status,check_in_at,check_out_at,"
    "picked_up_by"
)


def token(role) -> str:
    plain, _row = tokens.issue_token(make_user((role,)))
    db.session.commit()
    return plain


@pytest.fixture
def gate(app_ctx):
    event = running_camp("day_camp")
    registration, pickup = confirmed_child(event)
    return event, registration, pickup, token(Role.STAFF)


def post(client, event, bearer, **body):
    return client.post(
        f"/api/v1/events/{event.slug}/attendance",
        json=body,
        headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
    )


def codes(response) -> list[str]:
    return [e["code"] for e in response.get_json()["errors"]]


def test_check_in_and_out_answer_the_days_record(client, gate):
    event, registration, pickup, bearer = gate
    today = camp_today().isoformat()
    answer = post(
        client, event, bearer, registration_id=registration.id, date=today, action="check_in"
    )
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "checked_in"
    answer = post(
        client,
        event,
        bearer,
        registration_id=registration.id,
        date=today,
        action="check_out",
        pickup_contact_id=pickup.id,
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["status"], body["picked_up_by"], body["date"]) == (
        "checked_out",
        "Ana Lopez",
        today,
    )
    assert body["check_out_at"].endswith("+00:00")

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    schema = {"$ref": "#/components/schemas/AttendanceRecord", "components": document["components"]}
    Draft202012Validator(schema).validate(body)


def test_unauthorized_pickup_is_422_and_recorded(client, gate):
    event, registration, _pickup, bearer = gate
    today = camp_today().isoformat()
    post(client, event, bearer, registration_id=registration.id, date=today, action="check_in")
    _parent, other_child = family()
    stranger = make_contact(other_child.household, kind="pickup")
    answer = post(
        client,
        event,
        bearer,
        registration_id=registration.id,
        date=today,
        action="check_out",
        pickup_contact_id=stranger.id,
    )
    assert answer.status_code == 422
    assert codes(answer) == ["pickup_not_authorized"]
    assert "coordinator" in answer.get_json()["errors"][0]["message"]
    assert db.session.scalar(
        db.select(AttendanceEvent.action).where(AttendanceEvent.action == "pickup_refused")
    )


def test_contract_error_codes(client, gate):
    event, registration, pickup, bearer = gate
    today = camp_today()
    body = {"registration_id": registration.id, "pickup_contact_id": pickup.id}
    answer = post(client, event, bearer, date=today.isoformat(), action="check_out", **body)
    assert (answer.status_code, codes(answer)) == (422, ["not_checked_in"])
    before = (event.starts_on - timedelta(days=1)).isoformat()
    answer = post(client, event, bearer, date=before, action="check_in", **body)
    assert (answer.status_code, codes(answer)) == (422, ["outside_event_dates"])
    parent, child = family(first_name="Wanda")
    waiting = register(event, child, parent, status="waitlisted")
    answer = post(
        client, event, bearer, registration_id=waiting.id, date=today.isoformat(), action="absent"
    )
    assert (answer.status_code, codes(answer)) == (422, ["not_confirmed"])
    answer = post(client, event, bearer, date="14/06/2027", action="check_in", **body)
    assert (answer.status_code, codes(answer)) == (422, ["invalid_date"])
    answer = post(client, event, bearer, date=today.isoformat(), action="dance", **body)
    assert (answer.status_code, codes(answer)) == (422, ["invalid_action"])
    answer = post(client, event, bearer, registration_id="x", action=3)
    assert answer.status_code == 422
    assert set(codes(answer)) == {"invalid_type", "required"}


def test_registration_of_another_event_is_404(client, gate):
    _event, registration, _pickup, bearer = gate
    other = running_camp()
    answer = post(
        client,
        other,
        bearer,
        registration_id=registration.id,
        date=camp_today().isoformat(),
        action="check_in",
    )
    assert answer.status_code == 404


def test_roles(client, gate):
    event, registration, _pickup, _bearer = gate
    body = {
        "registration_id": registration.id,
        "date": camp_today().isoformat(),
        "action": "absent",
    }
    assert post(client, event, None, **body).status_code == 401
    assert post(client, event, token(Role.PARENT), **body).status_code == 403
    assert post(client, event, token(Role.COORDINATOR), **body).status_code == 200


def test_attendance_csv(client, gate):
    event, registration, _pickup, bearer = gate
    today = camp_today().isoformat()
    post(client, event, bearer, registration_id=registration.id, date=today, action="check_in")
    auth = {"Authorization": f"Bearer {bearer}"}
    url = f"/api/v1/events/{event.slug}/attendance.csv"
    answer = client.get(f"{url}?from={today}&to={today}", headers=auth)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["registration_id"], r["status"]) for r in rows] == [
        (str(registration.id), "checked_in")
    ]
    whole = list(csv.reader(io.StringIO(client.get(url, headers=auth).get_data(as_text=True))))
    assert len(whole) == 1 + (event.ends_on - event.starts_on).days + 1

    # A range reaching outside the event is cut to the event's days (see test_exports.py).
    clamped = client.get(f"{url}?from=2001-01-01", headers=auth).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(clamped))) == whole
    assert codes(client.get(f"{url}?from={today}&to=2001-01-01", headers=auth)) == ["invalid_range"]
    assert codes(client.get(f"{url}?to=tomorrow", headers=auth)) == ["invalid_date"]
    assert (
        client.get(url, headers={"Authorization": f"Bearer {token(Role.PARENT)}"}).status_code
        == 403
    )
    assert client.get("/api/v1/events/nope/attendance.csv", headers=auth).status_code == 404


JUNK = [None, "", "x", "2027-02-30", 0, -1, 2**40, 1.5, True, [], {}, ["check_in"], {"a": 1}]


def test_junk_bodies_never_yield_a_500(client, gate):
    event, registration, pickup, bearer = gate
    valid = {
        "registration_id": registration.id,
        "date": camp_today().isoformat(),
        "action": "check_out",
        "pickup_contact_id": pickup.id,
        "reason": "sick",
    }
    statuses = set()
    for name in valid:
        for junk in JUNK:
            answer = post(client, event, bearer, **{**valid, name: junk})
            assert answer.status_code in (200, 404, 409, 422), (name, junk, answer.data)
            assert answer.get_json().get("errors") or answer.status_code == 200
            statuses.add(answer.status_code)
    assert {404, 422} <= statuses


def test_the_nurse_checks_a_child_out_like_staff_with_the_same_pickup_rules(client, app_ctx):
    """A child sent home from the health center: the nurse checks them out at the gate."""
    event = running_camp("day_camp")
    registration, pickup = confirmed_child(event)
    restricted = make_contact(
        registration.child.household, kind="do_not_release", name="Rex Restricted"
    )
    nurse = token(Role.NURSE)
    today = camp_today().isoformat()
    assert (
        post(
            client, event, nurse, registration_id=registration.id, date=today, action="check_in"
        ).status_code
        == 200
    )
    refused = post(
        client,
        event,
        nurse,
        registration_id=registration.id,
        date=today,
        action="check_out",
        pickup_contact_id=restricted.id,
    )
    assert refused.status_code == 422 and codes(refused) == ["pickup_restricted"]
    answer = post(
        client,
        event,
        nurse,
        registration_id=registration.id,
        date=today,
        action="check_out",
        pickup_contact_id=pickup.id,
    )
    assert answer.status_code == 200 and answer.get_json()["status"] == "checked_out"
