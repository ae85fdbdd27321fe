"""The family endpoints: a parent sees and changes only their own household."""

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child
from tests.api.conftest import codes_of, errors_of
from tests.factories import make_child

CHILD = {
    "first_name": "Maya",
    "last_name": "Lopez",
    "date_of_birth": "2016-05-01",
    "relationship": "patient",
    "diagnosis_category": "cancer",
    "diagnosis": "ALL",
    "treated_at_hospital": True,
    "allergies": "peanuts",
    "dietary_needs": "",
    "medical_conditions": "",
    "medications": [{"name": "Mercaptopurine", "dose": "50 mg", "schedule": "nightly"}],
    "physician_name": "Dr. Ruiz",
    "physician_phone": "305-555-0111",
}


def test_family_shows_guardians_children_and_contacts(api, people):
    parent, token = people["parent"]
    make_child(parent.household, first_name="Leo")
    response = api.get("/family", token)
    assert response.status_code == 200
    body = response.get_json()
    assert [g["id"] for g in body["guardians"]] == [parent.id]
    assert [c["first_name"] for c in body["children"]] == ["Leo"]
    assert [c["kind"] for c in body["contacts"]] == ["emergency"]
    assert response.headers["Cache-Control"] == "no-store"


def test_add_child_answers_201_with_id_and_location(api, people):
    parent, token = people["parent"]
    response = api.post("/family/children", token, json=CHILD)
    assert response.status_code == 201
    child = response.get_json()
    assert isinstance(child["id"], int)
    assert response.headers["Location"].endswith(f"/api/v1/family/children/{child['id']}")
    assert child["medications"] == [{**m, "times": []} for m in CHILD["medications"]]
    assert child["physician_phone"] == "+13055550111"
    assert db.session.get(Child, child["id"]).household_id == parent.household_id
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "child.create"))
    entry = entry.one()
    assert entry.actor_id == parent.id and "diagnosis" in entry.fields
    assert "ALL" not in str(entry.fields)  # names only, never values
    assert api.get(f"/family/children/{child['id']}", token).get_json() == child


def test_patch_child_changes_only_the_fields_given(api, people):
    parent, token = people["parent"]
    child = make_child(parent.household, allergies="peanuts")
    response = api.patch(f"/family/children/{child.id}", token, json={"allergies": "none"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["allergies"] == "none"
    assert body["first_name"] == "Maya" and body["diagnosis_category"] == "cancer"
    assert api.patch(f"/family/children/{child.id}", token, json={}).status_code == 200


def test_child_validation_lists_every_problem(api, people):
    _parent, token = people["parent"]
    response = api.post(
        "/family/children",
        token,
        json={"first_name": "", "date_of_birth": "2016-13-40", "relationship": "patient"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in errors_of(response)}
    assert {"first_name", "last_name", "date_of_birth", "diagnosis_category"} <= fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", 12),
        ("date_of_birth", 20160501),
        ("treated_at_hospital", "yes"),
        ("medications", "aspirin"),
        ("medications", [1, 2]),
        ("relationship", ["patient"]),
    ],
)
def test_wrong_field_types_are_422_with_the_field(api, people, field, value):
    _parent, token = people["parent"]
    response = api.post("/family/children", token, json={**CHILD, field: value})
    assert response.status_code == 422
    assert any(e["field"].startswith(field) for e in errors_of(response))


def test_another_familys_child_is_404_for_reading_and_changing(api, people):
    other, _token = people["other_parent"]
    _parent, token = people["parent"]
    theirs = make_child(other.household, first_name="Secret")
    for response in (
        api.get(f"/family/children/{theirs.id}", token),
        api.patch(f"/family/children/{theirs.id}", token, json={"allergies": "x"}),
    ):
        assert response.status_code == 404
        assert codes_of(response) == ["not_found"]
        assert b"Secret" not in response.data
    db.session.refresh(theirs)
    assert theirs.allergies == "peanuts"
    missing = api.get("/family/children/999999", token)
    assert missing.status_code == 404 and errors_of(missing) == errors_of(
        api.get(f"/family/children/{theirs.id}", token)
    )


@pytest.mark.parametrize("child_id", ["0", "-1", "abc", "99999999999999999999999"])
def test_impossible_child_ids_are_404(api, people, child_id):
    _parent, token = people["parent"]
    response = api.get(f"/family/children/{child_id}", token)
    assert response.status_code == 404
    assert codes_of(response) == ["not_found"]


def test_add_contact(api, people):
    _parent, token = people["parent"]
    response = api.post(
        "/family/contacts",
        token,
        json={"kind": "pickup", "name": "Tío Juan", "relationship": "uncle", "phone": "3055550123"},
    )
    assert response.status_code == 201
    contact = response.get_json()
    assert contact["kind"] == "pickup" and contact["phone"] == "+13055550123"
    family = api.get("/family", token).get_json()
    assert contact["id"] in [c["id"] for c in family["contacts"]]


def test_contact_validation(api, people):
    _parent, token = people["parent"]
    response = api.post("/family/contacts", token, json={"kind": "friend", "phone": "12"})
    assert response.status_code == 422
    fields = {e["field"] for e in errors_of(response)}
    assert {"kind", "name", "relationship", "phone"} <= fields


@pytest.mark.parametrize("role", ["coordinator", "staff", "admin"])
def test_family_endpoints_are_for_parents_only(api, people, role):
    parent, _ = people["parent"]
    _user, token = people[role]
    child = make_child(parent.household)
    calls = [
        api.get("/family", token),
        api.post("/family/children", token, json=CHILD),
        api.get(f"/family/children/{child.id}", token),
        api.patch(f"/family/children/{child.id}", token, json={"allergies": "x"}),
        api.post("/family/contacts", token, json={"kind": "emergency"}),
    ]
    assert [r.status_code for r in calls] == [403] * 5
    assert all(codes_of(r) == ["forbidden"] for r in calls)


def test_family_endpoints_need_a_token(api, people):
    calls = [
        api.get("/family"),
        api.post("/family/children", json=CHILD),
        api.get("/family/children/1"),
        api.patch("/family/children/1", json={}),
        api.post("/family/contacts", json={}),
    ]
    assert [r.status_code for r in calls] == [401] * 5
