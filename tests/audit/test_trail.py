"""The audit trail after what families and coordinators really do: every entry says who, what
and which record, and none carries a medical value; the admins' page shows names, not values."""

import re

from sqlalchemy import select

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations import lifecycle
from camp_app.registrations.event_seats import save_event
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests.factories import make_child, make_contact, make_event, make_user

from .helpers import data, person, sign_in, signed_in_admin

CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}
FIRST = {"allergies": "peanuts", "diagnosis": "ALL", "medical_conditions": "Port-a-cath",
         "medications-0-name": "Ondansetron", "medications-0-dose": "4 mg",
         "medications-0-schedule": "before meals", "dietary_needs": "No nuts"}  # fmt: skip
CHANGED = {"allergies": "sesame seeds", "diagnosis": "Sickle cell anemia",
           "medical_conditions": "Central line", "medications-0-name": "Hydroxyurea",
           "medications-0-dose": "500 mg", "dietary_needs": "Gluten free"}  # fmt: skip
# Every medical value typed above; "ALL" is matched with its case (field names have "all").
MEDICAL_VALUES = [v for v in (*FIRST.values(), *CHANGED.values()) if v != "ALL"]
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


def child_form(**fields) -> dict:
    form = {
        "first_name": "Maya", "last_name": "Lopez", "date_of_birth": "2016-05-01",
        "relationship": "patient", "diagnosis_category": "cancer", "treated_at_hospital": "y",
        "medications-0-schedule": "before meals", "physician_name": "Dr. Rivera",
        "physician_phone": "305-555-0123", "save": "Save",
    }  # fmt: skip
    form.update(fields)
    return form


def _family_edits_through_the_pages(app, client):
    parent = person(app, name="Rosa Lopez")
    sign_in(client, parent)
    assert client.post("/family/children/new", data=child_form(**FIRST)).status_code == 302
    with data(app) as session:
        child_id = session.scalar(select(Child.id).where(Child.household_id == parent.household_id))
    response = client.post(f"/family/children/{child_id}/edit", data=child_form(**CHANGED))
    assert response.status_code == 302
    contact = {"kind": "emergency", "name": "Ana Lopez", "relationship": "aunt",
               "phone": "(305) 555-0100"}  # fmt: skip
    assert client.post("/family/contacts/new", data=contact).status_code == 302
    client.post("/account/logout")
    return parent, child_id


def _other_family(diagnosis: str):
    parent = make_user()
    make_contact(parent.household)
    child = make_child(parent.household, diagnosis=diagnosis, allergies="latex")
    return parent, child


def _registrations_and_decisions(app, parent, child_id):
    with app.test_request_context():
        event = make_event(capacity=1, requires_review=True)
        rosa = db.session.get(User, parent.id)
        [first] = lifecycle.register(rosa, event, [child_id], CONSENTS, "Rosa Lopez")
        waiting = []
        for diagnosis in ("AML", "Hemophilia A", "AML"):
            other, child = _other_family(diagnosis)
            waiting += lifecycle.register(other, event, [child], CONSENTS, other.name)
        coordinator = make_user((Role.COORDINATOR,))
        lifecycle.decide(coordinator, first, "approve", note="See you at camp")
        lifecycle.cancel(rosa, db.session.get(Registration, first.id))  # the next gets the seat
        saved = save_event(coordinator, db.session.get(Event, event.id), {"capacity": 2})
        assert [r.id for r in saved.promoted] == [waiting[1].id]  # the new seat, in order
        db.session.get(Event, event.id).capacity = 3  # a seat left free, written directly
        db.session.commit()
        promoted = lifecycle.fill_seats(db.session.get(Event, event.id))  # by nobody: the system
        assert [r.id for r in promoted] == [waiting[2].id]


def test_a_realistic_day_leaves_a_complete_trail_without_medical_values(app, client):
    parent, child_id = _family_edits_through_the_pages(app, client)
    _registrations_and_decisions(app, parent, child_id)
    with data(app) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    for expected in ("child.create", "child.update", "contact.create", "registration.created",
                     "registration.approved", "registration.cancelled", "registration.promoted",
                     "event.update"):  # fmt: skip
        assert expected in actions, f"{expected} was not recorded: {actions}"
    for entry in entries:
        where = f"entry {entry.id} ({entry.action})"
        assert entry.action and entry.entity_type and entry.entity_id is not None, where
        assert entry.at is not None, where
        if entry.actor_id is None:
            assert entry.action == "registration.promoted", f"{where} has no actor"
        for name in entry.fields:
            assert FIELD_NAME.fullmatch(name), f"{where} names a field {name!r}"
            assert "ALL" not in name and "AML" not in name, where
            assert not any(v.lower() in name.lower() for v in MEDICAL_VALUES), where
    assert any(e.actor_id is None for e in entries), "the system promotion is not in the log"
    changed = next(e for e in entries if e.action == "child.update")
    assert {"allergies", "diagnosis", "medications"} <= set(changed.fields)


def test_the_page_shows_which_medical_fields_changed_but_never_their_values(app, client):
    _parent, child_id = _family_edits_through_the_pages(app, client)
    signed_in_admin(app, client)
    for query in ("", f"?entity_type=children&entity_id={child_id}", "?action=child."):
        html = client.get(f"/admin/audit{query}").get_data(as_text=True)
        assert "allergies" in html and "diagnosis" in html and "medications" in html
        assert "Changed a child&#39;s details" in html
        assert "ALL" not in html
        for value in MEDICAL_VALUES:
            assert value.lower() not in html.lower(), f"{value!r} is on the audit page"
    csv_text = client.get("/admin/audit.csv").get_data(as_text=True)
    assert "allergies" in csv_text and "ALL" not in csv_text
    assert not any(value.lower() in csv_text.lower() for value in MEDICAL_VALUES)
