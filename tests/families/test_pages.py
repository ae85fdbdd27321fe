"""The household pages through real requests: forms, errors next to fields, isolation, roles."""

import re

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.families.models import Child, Contact, Household
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.timeutil import utcnow
from tests.factories import make_child, make_contact, make_event, signing_for

from .conftest import data, person, sign_in


def child_form(**fields) -> dict:
    form = {
        "first_name": "Maya",
        "last_name": "Lopez",
        "date_of_birth": "2016-05-01",
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "diagnosis": "ALL, in maintenance",
        "treated_at_hospital": "y",
        "allergies": "Peanuts",
        "dietary_needs": "No nuts",
        "medical_conditions": "Port-a-cath",
        "medications-0-name": "Ondansetron",
        "medications-0-dose": "4 mg",
        "medications-0-schedule": "before meals",
        "medications-1-name": "",
        "medications-1-dose": "",
        "medications-1-schedule": "",
        "medications-2-name": "Bactrim",
        "medications-2-dose": "1 tablet",
        "medications-2-schedule": "weekends",
        "physician_name": "Dr. Rivera",
        "physician_phone": "305-555-0123",
        "save": "Save",
    }
    form.update(fields)
    return form


def error_text(html: str, field_id: str) -> str:
    """The error paragraph the form macro puts right after the field."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error shown next to {field_id}"
    return match.group(1)


@pytest.fixture
def parent(app, client):
    user = person(app, name="Rosa Lopez")
    sign_in(client, user)
    return user


def children_of(app, household_id) -> list[Child]:
    with data(app) as session:
        rows = session.scalars(
            session.query(Child).filter_by(household_id=household_id).order_by(Child.id).statement
        ).all()
        for row in rows:
            _ = [m.name for m in row.medications]  # loaded before the session closes
        return rows


def test_overview_shows_the_empty_family(client, parent):
    response = client.get("/family")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "My family" in page
    assert "You have not added any children yet." in page
    assert 'href="/family/children/new"' in page
    assert "Rosa Lopez" in page  # the guardian list


def test_two_children_with_medical_details_and_contacts(app, client, parent):
    page = client.get("/family/children/new").get_data(as_text=True)
    assert 'name="medications-2-name"' in page  # three blank rows without JavaScript
    response = client.post("/family/children/new", data=child_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/family")
    sibling = child_form(
        first_name="Leo",
        date_of_birth="2013-09-12",
        relationship="sibling",
        diagnosis_category="",
        treated_at_hospital="",
        allergies="",
        **{"medications-0-name": "Albuterol", "medications-0-dose": "2 puffs"},
        **{"medications-0-schedule": "as needed", "medications-2-name": ""},
        **{"medications-2-dose": "", "medications-2-schedule": ""},
    )
    del sibling["treated_at_hospital"]
    assert client.post("/family/children/new", data=sibling).status_code == 302

    maya, leo = children_of(app, parent.household_id)
    assert maya.diagnosis_category == "cancer" and maya.treated_at_hospital is True
    assert maya.physician_phone == "+13055550123"
    assert [m.name for m in maya.medications] == ["Ondansetron", "Bactrim"]
    assert leo.relationship == "sibling" and leo.diagnosis_category is None
    assert leo.treated_at_hospital is False
    assert [(m.name, m.dose) for m in leo.medications] == [("Albuterol", "2 puffs")]

    emergency = {"kind": "emergency", "name": "Ana Lopez", "relationship": "aunt"}
    response = client.post("/family/contacts/new", data={**emergency, "phone": "(305) 555-0100"})
    assert response.status_code == 302
    pickup = {"kind": "pickup", "name": "Joe Lopez", "relationship": "grandfather"}
    pickup.update(phone="305 555 0111", child_ids=[str(leo.id)])
    assert client.post("/family/contacts/new", data=pickup).status_code == 302

    overview = client.get("/family").get_data(as_text=True)
    for text in ("Maya Lopez", "Leo Lopez", "Peanuts", "Ondansetron", "Albuterol", "Ana Lopez"):
        assert text in overview
    assert "May pick up: Leo" in overview
    assert "(305) 555-0100" in overview  # E.164 shown the way people write it


def test_add_another_medication_row_saves_nothing(app, client, parent):
    response = client.post("/family/children/new", data=child_form(add_medication_row="1"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="medications-3-name"' in page
    assert 'value="Ondansetron"' in page  # what was typed stays
    assert children_of(app, parent.household_id) == []


def test_every_error_is_shown_next_to_its_field_and_nothing_is_saved(app, client, parent):
    bad = child_form(
        first_name="",
        date_of_birth="2099-01-01",
        diagnosis_category="",
        physician_phone="12345",
        **{"medications-2-dose": ""},
    )
    response = client.post("/family/children/new", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "required" in error_text(page, "first_name")
    assert "future" in error_text(page, "date_of_birth")
    assert "diagnosis category" in error_text(page, "diagnosis_category")
    assert "phone number" in error_text(page, "physician_phone")
    # The service saw rows 0 and 2 (row 1 was blank): the error lands on the form's row 2.
    assert "required" in error_text(page, "medications-2-dose")
    assert 'aria-invalid="true"' in page
    assert 'href="#first_name"' in page  # the summary links to the field
    assert children_of(app, parent.household_id) == []


def test_edit_child_shows_saved_values_and_audits_changed_names(app, client, parent):
    with data(app) as session:
        child = make_child(session.get(Household, parent.household_id), allergies="Latex")
        child_id = child.id
    page = client.get(f"/family/children/{child_id}/edit").get_data(as_text=True)
    assert 'value="Maya"' in page
    assert "Latex" in page
    response = client.post(
        f"/family/children/{child_id}/edit",
        data=child_form(allergies="Latex and bees", **{"medications-0-name": "Zofran"}),
    )
    assert response.status_code == 302
    [child] = children_of(app, parent.household_id)
    assert child.allergies == "Latex and bees"
    assert [m.name for m in child.medications] == ["Zofran", "Bactrim"]
    with data(app) as session:
        entry = session.scalars(
            session.query(AuditEntry).filter_by(action="child.update").statement
        ).one()
        assert entry.actor_id == parent.id
        assert "allergies" in entry.fields and "medications" in entry.fields
        assert not any("Latex" in name or "Zofran" in name for name in entry.fields)


def test_edit_errors_keep_the_old_values(app, client, parent):
    with data(app) as session:
        child_id = make_child(session.get(Household, parent.household_id)).id
    response = client.post(
        f"/family/children/{child_id}/edit", data=child_form(date_of_birth="1950-01-01")
    )
    assert response.status_code == 422
    assert "at most" in error_text(response.get_data(as_text=True), "date_of_birth")
    [child] = children_of(app, parent.household_id)
    assert child.date_of_birth.isoformat() == "2016-05-01"


def test_remove_child_asks_first(app, client, parent):
    with data(app) as session:
        child_id = make_child(session.get(Household, parent.household_id)).id
    confirm = client.get(f"/family/children/{child_id}/remove")
    assert confirm.status_code == 200
    assert "Remove Maya Lopez?" in confirm.get_data(as_text=True)
    assert children_of(app, parent.household_id) != []
    assert client.post(f"/family/children/{child_id}/remove").status_code == 302
    assert children_of(app, parent.household_id) == []


def test_contact_errors_next_to_fields_then_edit_and_remove(app, client, parent):
    response = client.post(
        "/family/contacts/new", data={"kind": "pickup", "name": "", "phone": "555"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "required" in error_text(page, "name")
    assert "required" in error_text(page, "relationship")
    assert "phone number" in error_text(page, "phone")
    form = {"kind": "emergency", "name": "Ana", "relationship": "aunt", "phone": "3055550100"}
    assert client.post("/family/contacts/new", data=form).status_code == 302
    with data(app) as session:
        contact_id = session.scalars(session.query(Contact.id).statement).one()
    edit = client.get(f"/family/contacts/{contact_id}/edit").get_data(as_text=True)
    assert 'value="Ana"' in edit
    form.update(name="Ana María")
    assert client.post(f"/family/contacts/{contact_id}/edit", data=form).status_code == 302
    with data(app) as session:
        assert session.get(Contact, contact_id).name == "Ana María"
    assert client.post(f"/family/contacts/{contact_id}/remove").status_code == 302
    with data(app) as session:
        assert session.get(Contact, contact_id) is None


def test_another_family_gets_404_for_every_child_and_contact_url(app, client, parent):
    with data(app) as session:
        household = session.get(Household, parent.household_id)
        child_id = make_child(household, first_name="Secret").id
        contact_id = make_contact(household, name="Hidden Aunt").id
    other = app.test_client()
    sign_in(other, person(app))
    urls = [
        ("get", f"/family/children/{child_id}/edit", None),
        ("post", f"/family/children/{child_id}/edit", child_form(first_name="Hacked")),
        ("get", f"/family/children/{child_id}/remove", None),
        ("post", f"/family/children/{child_id}/remove", {}),
        ("get", f"/family/contacts/{contact_id}/edit", None),
        ("post", f"/family/contacts/{contact_id}/edit", {"name": "Hacked"}),
        ("post", f"/family/contacts/{contact_id}/remove", {}),
    ]
    for method, url, form in urls:
        response = getattr(other, method)(url, data=form)
        assert response.status_code == 404, url
        assert "Secret" not in response.get_data(as_text=True)
    overview = other.get("/family").get_data(as_text=True)
    assert "Secret" not in overview and "Hidden Aunt" not in overview
    pickup = {"kind": "pickup", "name": "X", "relationship": "y", "phone": "3055550100"}
    response = other.post("/family/contacts/new", data={**pickup, "child_ids": [str(child_id)]})
    assert response.status_code == 422
    assert "children of your family" in error_text(response.get_data(as_text=True), "child_ids")
    with data(app) as session:
        assert session.get(Child, child_id).first_name == "Secret"
        assert session.get(Contact, contact_id).name == "Hidden Aunt"


@pytest.mark.parametrize("roles", [(Role.COORDINATOR,), (Role.STAFF,), (Role.ADMIN,)])
def test_people_without_the_parent_role_are_forbidden(app, client, roles):
    sign_in(client, person(app, roles=roles))
    for url in ("/family", "/family/children/new", "/family/contacts/new", "/family/invite/x"):
        assert client.get(url).status_code == 403, url
    assert client.post("/family/invites", data={"email": "a@example.org"}).status_code == 403


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/family")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_a_registered_child_stays_and_the_page_says_why(app, client, parent):
    with data(app) as session:
        child_id = make_child(session.get(Household, parent.household_id)).id
        event = make_event()
        session.add(
            Registration(
                event_id=event.id,
                child_id=child_id,
                household_id=parent.household_id,
                status="confirmed",
                sequence=1,
                signature="Rosa Lopez",
                signed_at=utcnow(),
                signed_by_id=parent.id,
                signing=signing_for(event.id, parent.household_id, parent),
            )
        )
        session.commit()
    response = client.post(f"/family/children/{child_id}/remove")
    assert response.status_code == 422
    assert "has camp registrations" in response.get_data(as_text=True)
    assert len(children_of(app, parent.household_id)) == 1
