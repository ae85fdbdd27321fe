"""Children through families.services: every validation rule, all problems at once, nothing
saved on failure, isolation between households, audit with field names only."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families import services
from camp_app.families.children import MAX_CHILD_AGE
from camp_app.families.models import Child, Contact, Household, Medication
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, NotFound
from camp_app.timeutil import camp_today
from tests.factories import make_child, make_contact, make_event, make_user, signing_for

from .conftest import child_data, years_ago


def problems_of(error: InvalidInput) -> set[tuple[str | None, str]]:
    return {(p.field, p.code) for p in error.problems}


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def audit_entries(entity_type: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type)
            .order_by(AuditEntry.id)
        )
    )


# --- adding ---------------------------------------------------------------------------


def test_add_child_stores_every_field_and_normalises_the_phone(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    db.session.expire_all()
    stored = db.session.get(Child, child.id)
    assert stored.household_id == parent.household_id
    assert stored.full_name == "Maya Lopez"
    assert stored.date_of_birth.isoformat() == "2016-05-01"
    assert stored.diagnosis_category == "cancer"
    assert stored.treated_at_hospital is True
    assert stored.physician_phone == "+13055550123"
    assert [(m.name, m.dose, m.schedule) for m in stored.medications] == [
        ("Ondansetron", "4 mg", "before meals"),
        ("Bactrim", "1 tablet", "weekends"),
    ]


def test_add_child_audits_field_names_and_never_values(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    [entry] = audit_entries("children")
    assert entry.action == "child.create"
    assert entry.actor_id == parent.id
    assert entry.entity_id == child.id
    assert {"first_name", "allergies", "medications", "physician_phone"} <= set(entry.fields)
    written = repr(entry.fields)
    for value in ("Maya", "Peanuts", "Ondansetron", "3055550123", "leukemia", "2016"):
        assert value not in written


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("first_name", "", "required"),
        ("first_name", "   ", "required"),
        ("last_name", None, "required"),
        ("first_name", "x" * 81, "too_long"),
        ("allergies", "x" * 2001, "too_long"),
        ("first_name", 42, "invalid_type"),
        ("date_of_birth", "", "required"),
        ("date_of_birth", "2016-02-30", "invalid_date"),
        ("date_of_birth", "05/01/2016", "invalid_date"),
        ("date_of_birth", "2016-5-1", "invalid_date"),
        ("date_of_birth", 20160501, "invalid_type"),
        ("relationship", "", "required"),
        ("relationship", "cousin", "invalid_choice"),
        ("diagnosis_category", "flu", "invalid_choice"),
        ("diagnosis_category", None, "diagnosis_category_required"),
        ("treated_at_hospital", "yes", "invalid_type"),
        ("physician_phone", "12", "invalid_phone"),
        ("physician_phone", "call me", "invalid_phone"),
        ("medications", "aspirin", "invalid_type"),
    ],
)
def test_each_child_rule(ctx, field, value, code):
    parent = make_user()
    with pytest.raises(InvalidInput) as caught:
        services.add_child(parent, child_data(**{field: value}))
    assert problems_of(caught.value) == {(field, code)}
    assert all(p.message for p in caught.value.problems)


def test_birth_date_in_the_future_is_refused(ctx):
    tomorrow = camp_today() + timedelta(days=1)
    with pytest.raises(InvalidInput) as caught:
        services.add_child(make_user(), child_data(date_of_birth=tomorrow.isoformat()))
    assert problems_of(caught.value) == {("date_of_birth", "date_in_future")}


def test_impossible_age_is_refused_but_the_oldest_camper_is_not(ctx):
    parent = make_user()
    too_old = years_ago(MAX_CHILD_AGE + 1, camp_today())
    with pytest.raises(InvalidInput) as caught:
        services.add_child(parent, child_data(date_of_birth=too_old))
    assert problems_of(caught.value) == {("date_of_birth", "impossible_age")}
    oldest = years_ago(MAX_CHILD_AGE, camp_today())
    assert services.add_child(parent, child_data(date_of_birth=oldest)).id


def test_medication_rows_need_name_dose_and_schedule(ctx):
    medications = [
        {"name": "Ibuprofen", "dose": "200 mg", "schedule": "as needed"},
        {"name": "", "dose": "", "schedule": "daily"},
        "not a row",
        {"name": "x" * 121, "dose": "1", "schedule": "daily"},
    ]
    with pytest.raises(InvalidInput) as caught:
        services.add_child(make_user(), child_data(medications=medications))
    assert problems_of(caught.value) == {
        ("medications[1].name", "required"),
        ("medications[1].dose", "required"),
        ("medications[2]", "invalid_type"),
        ("medications[3].name", "too_long"),
    }


def test_every_problem_is_reported_at_once_and_nothing_is_saved(ctx):
    parent = make_user()
    before = count(Child), count(Medication), count(AuditEntry)
    bad = child_data(
        first_name="",
        last_name="y" * 200,
        date_of_birth="2016-13-01",
        relationship="patient",
        diagnosis_category=None,
        physician_phone="555",
        medications=[{"name": "Ibuprofen", "dose": "", "schedule": "daily"}],
    )
    with pytest.raises(InvalidInput) as caught:
        services.add_child(parent, bad)
    assert problems_of(caught.value) == {
        ("first_name", "required"),
        ("last_name", "too_long"),
        ("date_of_birth", "invalid_date"),
        ("diagnosis_category", "diagnosis_category_required"),
        ("physician_phone", "invalid_phone"),
        ("medications[0].dose", "required"),
    }
    grouped = caught.value.by_field()
    assert set(grouped) >= {"first_name", "date_of_birth", "physician_phone"}
    db.session.rollback()
    assert (count(Child), count(Medication), count(AuditEntry)) == before


def test_a_sibling_has_no_diagnosis_category(ctx):
    child = services.add_child(
        make_user(), child_data(relationship="sibling", diagnosis_category="cancer")
    )
    assert child.relationship == "sibling"
    assert child.diagnosis_category is None


def test_optional_fields_may_be_left_out(ctx):
    minimal = {
        "first_name": "Leo",
        "last_name": "Lopez",
        "date_of_birth": "2019-01-31",
        "relationship": "sibling",
    }
    child = services.add_child(make_user(), minimal)
    assert child.allergies == ""
    assert child.physician_phone == ""
    assert child.medications == []
    assert child.treated_at_hospital is False


def test_bad_body_shapes_are_input_errors_not_crashes(ctx):
    parent = make_user()
    with pytest.raises(InvalidInput):
        services.add_child(parent, ["not", "a", "dict"])
    with pytest.raises(InvalidInput):
        services.add_child(parent, {"date_of_birth": ["2016-05-01"], "relationship": {}})


# --- updating ---------------------------------------------------------------------------


def test_partial_update_changes_only_given_fields_and_audits_their_names(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    services.update_child(parent, child, {"allergies": "Latex", "dietary_needs": "No nuts"}, True)
    db.session.expire_all()
    child = db.session.get(Child, child.id)
    assert child.allergies == "Latex"
    assert child.first_name == "Maya"
    assert len(child.medications) == 2
    update = audit_entries("children")[-1]
    assert update.action == "child.update"
    assert update.fields == ["allergies"]  # dietary_needs was already "No nuts"
    assert "Latex" not in repr(update.fields)


def test_full_update_replaces_the_medication_list_keeping_rows_that_stay(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    kept_id = next(m.id for m in child.medications if m.name == "Bactrim")
    medications = [
        {"name": "Bactrim", "dose": "2 tablets", "schedule": "weekends"},
        {"name": "Melatonin", "dose": "1 mg", "schedule": "bedtime"},
    ]
    services.update_child(parent, child, child_data(medications=medications))
    db.session.expire_all()
    child = db.session.get(Child, child.id)
    assert {(m.name, m.dose) for m in child.medications} == {
        ("Bactrim", "2 tablets"),
        ("Melatonin", "1 mg"),
    }
    assert kept_id in {m.id for m in child.medications}  # dose history keeps its link
    assert count(Medication) == 2
    assert audit_entries("children")[-1].fields == ["medications"]


def test_update_with_no_change_writes_no_audit_entry(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    services.update_child(parent, child, child_data())
    assert [e.action for e in audit_entries("children")] == ["child.create"]


def test_partial_update_checks_rules_against_the_merged_child(ctx):
    parent = make_user()
    sibling = services.add_child(parent, child_data(relationship="sibling"))
    with pytest.raises(InvalidInput) as caught:
        services.update_child(parent, sibling, {"relationship": "patient"}, partial=True)
    assert problems_of(caught.value) == {("diagnosis_category", "diagnosis_category_required")}
    db.session.rollback()
    assert db.session.get(Child, sibling.id).relationship == "sibling"
    services.update_child(
        parent, sibling, {"relationship": "patient", "diagnosis_category": "other"}, partial=True
    )
    assert db.session.get(Child, sibling.id).diagnosis_category == "other"


def test_failed_update_changes_nothing(ctx):
    parent = make_user()
    child = services.add_child(parent, child_data())
    with pytest.raises(InvalidInput):
        services.update_child(parent, child, child_data(first_name="Zoe", physician_phone="1"))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Child, child.id).first_name == "Maya"
    assert [e.action for e in audit_entries("children")] == ["child.create"]


# --- isolation ---------------------------------------------------------------------------


def test_child_of_never_reveals_another_familys_child(ctx):
    first, second = make_user(), make_user()
    child = make_child(first.household)
    assert services.child_of(first, child.id).id == child.id
    assert services.child_of(first, str(child.id)).id == child.id
    for bad_id in (child.id, str(child.id), 999_999, "abc", -1, None, True):
        with pytest.raises(NotFound):
            services.child_of(second, bad_id)


def test_another_family_cannot_change_or_remove_a_child(ctx):
    first, second = make_user(), make_user()
    child = make_child(first.household)
    with pytest.raises(NotFound):
        services.update_child(second, child, {"allergies": "none"}, partial=True)
    with pytest.raises(NotFound):
        services.remove_child(second, child)
    db.session.rollback()
    assert db.session.get(Child, child.id).allergies == "peanuts"


# --- the household itself ---------------------------------------------------------------


def test_household_of_creates_one_household_once(ctx):
    parent = make_user(household=False)
    assert parent.household_id is None
    household = services.household_of(parent)
    assert household.id == parent.household_id
    assert services.household_of(parent).id == household.id
    assert [e.action for e in audit_entries("households")] == ["household.create"]


def test_household_of_refuses_a_non_parent_without_household(ctx):
    coordinator = make_user((Role.COORDINATOR,))
    with pytest.raises(NotFound):
        services.household_of(coordinator)
    assert count(Household) == 0


def test_racing_requests_attach_a_single_household(app):
    with app.app_context():
        user_id = make_user(household=False).id
    barrier = threading.Barrier(4)
    results, errors = [], []

    def first_visit():
        with app.test_request_context():
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                results.append(services.household_of(user).id)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=first_visit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.get(User, user_id).household_id == results[0]
        assert count(Household) == 1


# --- removal ------------------------------------------------------------------------------


def test_remove_child_deletes_medications_and_fixes_pickup_lists(ctx):
    parent = make_user()
    household = parent.household
    maya = services.add_child(parent, child_data())
    leo = services.add_child(
        parent, child_data(first_name="Leo", relationship="sibling", medications=[])
    )
    only_maya = make_contact(household, "pickup", name="Only Maya")
    both = make_contact(household, "pickup", name="Both")
    only_maya.children = [maya]
    both.children = [maya, leo]
    db.session.commit()
    services.remove_child(parent, maya)
    db.session.expire_all()
    assert db.session.get(Child, maya.id) is None
    assert count(Medication) == 0
    # Limited to Maya alone, the person would otherwise have become a pickup for every child.
    assert db.session.get(Contact, only_maya.id) is None
    assert [c.id for c in db.session.get(Contact, both.id).children] == [leo.id]
    actions = [(e.action, e.entity_type) for e in db.session.scalars(db.select(AuditEntry))]
    assert ("child.delete", "children") in actions
    assert ("contact.delete", "contacts") in actions


def test_a_registered_child_cannot_be_removed(ctx):
    parent = make_user()
    child = make_child(parent.household)
    event = make_event()
    db.session.add(
        Registration(
            event_id=event.id,
            child_id=child.id,
            household_id=parent.household_id,
            status="cancelled",
            sequence=1,
            signature="Ana Lopez",
            signed_at=datetime.now(UTC),
            signed_by_id=parent.id,
            signing=signing_for(event.id, parent.household_id, parent),
        )
    )
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        services.remove_child(parent, child)
    assert problems_of(caught.value) == {(None, "child_has_registrations")}
    assert "Maya" in caught.value.problems[0].message
    db.session.rollback()
    assert db.session.get(Child, child.id) is not None
    # Refused by the registration's foreign key: the whole removal rolled back, audit included.
    assert db.session.query(AuditEntry).filter_by(action="child.delete").count() == 0
