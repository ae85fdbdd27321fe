"""Emergency contacts and pickup people through families.services, and the GET /family shape."""

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families import services
from camp_app.families.models import Contact
from camp_app.service_errors import InvalidInput, NotFound
from tests.factories import make_child, make_contact, make_user

from .conftest import child_data


def problems_of(error) -> set[tuple[str | None, str]]:
    return {(p.field, p.code) for p in error.problems}


def contact_data(**fields) -> dict:
    values = {"kind": "emergency", "name": "Ana Lopez", "relationship": "aunt"}
    values["phone"] = "305 555 0100"
    values.update(fields)
    return values


def test_add_emergency_contact_stores_e164_and_audits_names(ctx):
    parent = make_user()
    contact = services.add_contact(parent, contact_data())
    assert contact.household_id == parent.household_id
    assert contact.phone == "+13055550100"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "contact.create")
    ).one()
    assert entry.entity_id == contact.id
    assert set(entry.fields) == {"kind", "name", "relationship", "phone"}
    assert "Ana" not in repr(entry.fields)


def test_pickup_person_may_be_limited_to_some_children(ctx):
    parent = make_user()
    maya = make_child(parent.household)
    leo = make_child(parent.household, first_name="Leo")
    contact = services.add_contact(
        parent, contact_data(kind="pickup", name="Grandpa Joe", child_ids=[leo.id])
    )
    assert [c.id for c in contact.children] == [leo.id]
    assert contact.covers(leo) and not contact.covers(maya)
    everyone = services.add_contact(parent, contact_data(kind="pickup", child_ids=[]))
    assert everyone.covers(maya) and everyone.covers(leo)


def test_an_emergency_contact_is_for_every_child(ctx):
    parent = make_user()
    maya = make_child(parent.household)
    contact = services.add_contact(parent, contact_data(kind="emergency", child_ids=[maya.id]))
    assert contact.children == []


def test_contact_problems_are_reported_together_and_nothing_is_saved(ctx):
    parent = make_user()
    with pytest.raises(InvalidInput) as caught:
        services.add_contact(
            parent, {"kind": "neighbour", "name": "", "relationship": "x" * 81, "phone": "12"}
        )
    assert problems_of(caught.value) == {
        ("kind", "invalid_choice"),
        ("name", "required"),
        ("relationship", "too_long"),
        ("phone", "invalid_phone"),
    }
    with pytest.raises(InvalidInput) as caught:
        services.add_contact(parent, {})
    assert problems_of(caught.value) == {
        ("kind", "required"),
        ("name", "required"),
        ("relationship", "required"),
        ("phone", "required"),
    }
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0


def test_child_ids_must_be_children_of_the_same_family(ctx):
    parent, other = make_user(), make_user()
    theirs = make_child(other.household)
    for child_ids in ([theirs.id], [999_999], "1", [None], [True]):
        with pytest.raises(InvalidInput) as caught:
            services.add_contact(parent, contact_data(kind="pickup", child_ids=child_ids))
        [problem] = caught.value.problems
        assert problem.field == "child_ids"
        assert problem.code in {"invalid_choice", "invalid_type"}


def test_update_and_remove_contact_with_audit(ctx):
    parent = make_user()
    maya = make_child(parent.household)
    contact = services.add_contact(parent, contact_data(kind="pickup"))
    services.update_contact(
        parent, contact, {"phone": "+1 202 456 1111", "child_ids": [maya.id]}, True
    )
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert contact.phone == "+12024561111"
    assert [c.id for c in contact.children] == [maya.id]
    assert contact.name == "Ana Lopez"
    update = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "contact.update")
    ).one()
    assert update.fields == ["child_ids", "phone"]
    services.remove_contact(parent, contact)
    assert db.session.get(Contact, contact.id) is None
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "contact.delete")
        )
        == 1
    )


def test_contacts_of_another_family_are_not_found(ctx):
    parent, other = make_user(), make_user()
    theirs = make_contact(other.household)
    with pytest.raises(NotFound):
        services.contact_of(parent, theirs.id)
    with pytest.raises(NotFound):
        services.update_contact(parent, theirs, {"name": "X"}, partial=True)
    with pytest.raises(NotFound):
        services.remove_contact(parent, theirs)
    db.session.rollback()
    assert db.session.get(Contact, theirs.id).name == "Ana Lopez"


def test_family_summary_has_the_contract_shape(ctx):
    parent = make_user(name="Rosa Lopez")
    child = services.add_child(parent, child_data())
    pickup = services.add_contact(parent, contact_data(kind="pickup", child_ids=[child.id]))
    summary = services.family_summary(parent.household)
    assert set(summary) == {"guardians", "children", "contacts"}
    assert summary["guardians"] == [{"id": parent.id, "name": "Rosa Lopez", "email": parent.email}]
    [shown] = summary["children"]
    assert shown["id"] == child.id
    assert shown["date_of_birth"] == "2016-05-01"
    assert shown["medications"][0] == {
        "name": "Ondansetron",
        "dose": "4 mg",
        "schedule": "before meals",
        "times": [],  # as needed: no dose due at set times
    }
    assert set(shown) == {
        "id", "first_name", "last_name", "date_of_birth", "relationship", "diagnosis_category",
        "diagnosis", "treated_at_hospital", "allergies", "dietary_needs", "medical_conditions",
        "medications", "physician_name", "physician_phone", "gender", "health_alerts",
        "health_alert_note",
    }  # fmt: skip
    assert summary["contacts"] == [
        {
            "id": pickup.id,
            "kind": "pickup",
            "name": "Ana Lopez",
            "relationship": "aunt",
            "phone": "+13055550100",
            "note": "",
            "child_ids": [child.id],
        }
    ]
