"""Every JSON body of the API, one field at a time (nested ones too), with hostile values: the
contract's 4xx errors only, nothing hostile stored, no hostile value in the log."""

import json
import logging
from itertools import count

import pytest

from camp_app.extensions import limiter
from tests.factories import otp_for
from tests.hostile.fuzz import (
    JSON_VALUES,
    LOG_NEEDLES,
    MARK,
    Tally,
    json_leaves,
    path_name,
    stored_hostile_text,
    with_value,
)
from tests.hostile.world import Snapshot, build_world

_addresses = count(1)


def _address() -> dict:
    n = next(_addresses)
    return {"REMOTE_ADDR": f"10.200.{n // 256 % 256}.{n % 256}"}


def _token(client, world, role: str) -> str:
    response = client.post(
        "/api/v1/tokens",
        json={
            "email": world.emails[role],
            "password": world.password,
            "otp": otp_for(client.application, world.emails[role]),  # ignored for parents
        },
        environ_base=_address(),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


CHILD = {
    "first_name": "Nina",
    "last_name": "Lopez",
    "date_of_birth": "2015-04-30",
    "gender": "female",
    "relationship": "patient",
    "diagnosis_category": "cancer",
    "diagnosis": "ALL",
    "treated_at_hospital": True,
    "allergies": "",
    "dietary_needs": "",
    "medical_conditions": "",
    "medications": [{"name": "Ondansetron", "dose": "4 mg", "schedule": "with breakfast"}],
    "physician_name": "Dr. Ruiz",
    "physician_phone": "(305) 555-0101",
}
EVENT = {
    "slug": "fuzz-camp",
    "name": "Fuzz Camp",
    "kind": "overnight_camp",
    "summary": "A week.",
    "description": "Cabins.",
    "location": "Lake Road 1",
    "contact_email": "camps@hospital.example",
    "contact_phone": "(305) 555-0199",
    "starts_on": "2027-08-01",
    "ends_on": "2027-08-05",
    "registration_opens_at": "2027-01-01T09:00:00-05:00",
    "registration_closes_at": "2027-06-01T17:00",
    "capacity": 20,
    "waitlist_enabled": True,
    "requires_review": False,
    "requires_verification": False,
    "published": False,
    "eligibility": {
        "min_age": 7,
        "max_age": 16,
        "audience": "patients",
        "diagnosis_categories": ["cancer"],
        "treated_at_hospital_required": False,
    },
}


def _calls(world) -> list[tuple[str | None, str, str, dict]]:
    """(role, method, path, a valid body) for every API call that reads a body."""
    ids, slugs = world.ids, world.slugs
    return [
        (None, "POST", "/api/v1/accounts", {
            "email": "api.newcomer@example.org", "password": "a long enough password",
            "name": "Api Newcomer", "phone": "(305) 555-0100", "locale": "en",
        }),
        (None, "POST", "/api/v1/accounts/verify", {"token": world.tokens["verify"]}),
        (None, "POST", "/api/v1/tokens", {
            "email": world.emails["visitor"], "password": world.password,
        }),
        ("parent", "POST", "/api/v1/family/children", CHILD),
        ("parent", "PATCH", f"/api/v1/family/children/{ids['patient']}", CHILD),
        ("parent", "POST", "/api/v1/family/contacts", {
            "kind": "pickup", "name": "Tia Rosa", "relationship": "aunt",
            "phone": "(305) 555-0102", "child_ids": [ids["patient"]],
        }),
        ("parent", "POST", "/api/v1/registrations", {
            "event": slugs["open"], "child_id": ids["patient"], "signature": "Ana Rivera",
            "consents": {
                "medical_treatment": True, "liability_waiver": True, "photo_release": False,
            },
        }),
        ("parent", "POST", f"/api/v1/registrations/{ids['cancellable']}/cancel", {}),
        ("coordinator", "POST", "/api/v1/events", EVENT),
        ("coordinator", "PATCH", f"/api/v1/events/{slugs['review']}", EVENT),
        ("coordinator", "POST", f"/api/v1/registrations/{ids['pending']}/decision", {
            "action": "approve", "note": "Welcome", "override_reason": "Approved anyway",
        }),
        ("staff", "POST", f"/api/v1/events/{slugs['running']}/attendance", {
            "registration_id": ids["running_present"], "date": world.day,
            "action": "check_out", "pickup_contact_id": None, "reason": "",
        }),
    ]  # fmt: skip


@pytest.fixture
def world(sqlite_app):
    return build_world(sqlite_app)


@pytest.fixture
def quiet_limits(sqlite_app):
    yield
    limiter.reset()


def test_every_json_field_of_the_api_refuses_hostile_input(
    sqlite_app, world, tmp_path, caplog, quiet_limits
):
    caplog.set_level(logging.INFO, logger="camp_app")
    client = sqlite_app.test_client()
    tokens = {r: _token(client, world, r) for r in ("parent", "coordinator", "staff")}
    snapshot = Snapshot(sqlite_app, tmp_path)
    tally = Tally()

    def send(role, method, path, body, what):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        response = client.open(
            path,
            method=method,
            data=json.dumps(body),  # lone surrogates leave as \ud800 escapes, as a client sends
            content_type="application/json",
            headers=headers,
            environ_base=_address(),
        )
        tally.note(what, response.status_code)
        if response.status_code < 300:
            stored = stored_hostile_text(sqlite_app)
            if stored:
                tally.stored.append(f"{what}: {sorted(set(stored))}")
            snapshot.restore()
        return response

    for role, method, path, body in _calls(world):
        tally.forms += 1
        baseline = send(role, method, path, body, f"{method} {path} baseline")
        tally.baselines.append(f"{method} {path} -> {baseline.status_code}")
        for field in json_leaves(body):
            tally.fields += 1
            for name, value in JSON_VALUES:
                what = f"{method} {path} {path_name(field)}={name}"
                send(role, method, path, with_value(body, field, value), what)
        send(role, method, path, {**body, MARK + "\x00": "x"}, f"{method} {path} key=nul")

    print("\n" + tally.summary())
    print("\n".join(tally.baselines + tally.stored + tally.errors))
    assert tally.fields >= 80
    assert not tally.errors, tally.errors[:40]
    assert not tally.stored, tally.stored[:40]
    leaked = [n for n in LOG_NEEDLES if n in caplog.text]
    assert not leaked, f"hostile values in the log: {leaked}"
