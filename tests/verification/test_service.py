"""Recording the medical team's answer, and undoing it when the family changes its details."""

import pytest
from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families import services as family_services
from camp_app.families.models import Child
from camp_app.families.verification import set_verification
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, NotAllowed
from tests import factories

from .helpers import make_family, make_person


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def audit_of(child, action="child.verification") -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.entity_type == "children",
        AuditEntry.entity_id == child.id,
        AuditEntry.action == action,
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_a_coordinator_marks_a_patient_verified_with_who_and_when(ctx):
    _parent, (maya,) = make_family()
    coordinator = make_person(Role.COORDINATOR)
    set_verification(coordinator, maya, "verified")
    db.session.expire_all()
    child = db.session.get(Child, maya.id)
    assert child.patient_verification == "verified"
    assert child.verified_by_id == coordinator.id and child.verified_at is not None
    (entry,) = audit_of(child)
    assert entry.actor_id == coordinator.id
    assert entry.fields == ["patient_verification", "verified_at", "verified_by_id"]


def test_rejected_and_back_to_unverified_clear_who_and_when(ctx):
    _parent, (maya,) = make_family()
    admin = make_person(Role.ADMIN)
    set_verification(admin, maya, "rejected")
    assert maya.patient_verification == "rejected" and maya.verified_by_id == admin.id
    set_verification(admin, maya, "unverified")
    db.session.expire_all()
    child = db.session.get(Child, maya.id)
    assert child.patient_verification == "unverified"
    assert child.verified_by_id is None and child.verified_at is None
    assert len(audit_of(child)) == 2


def test_the_same_state_again_changes_nothing_and_is_not_audited(ctx):
    _parent, (maya,) = make_family()
    coordinator = make_person(Role.COORDINATOR)
    set_verification(coordinator, maya, "verified")
    first_at = maya.verified_at
    set_verification(make_person(Role.ADMIN), maya, "verified")
    assert maya.verified_by_id == coordinator.id and maya.verified_at == first_at
    assert len(audit_of(maya)) == 1


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_only_coordinators_and_admins_may_verify(ctx, role):
    _parent, (maya,) = make_family()
    with pytest.raises(NotAllowed):
        set_verification(make_person(role), maya, "verified")
    db.session.expire_all()
    assert db.session.get(Child, maya.id).patient_verification == "unverified"
    assert audit_of(maya) == []


@pytest.mark.parametrize("state", ["approved", "", None, 1, "VERIFIED"])
def test_a_bad_state_is_refused(ctx, state):
    _parent, (maya,) = make_family()
    with pytest.raises(InvalidInput) as caught:
        set_verification(make_person(Role.COORDINATOR), maya, state)
    assert caught.value.problems[0].code == "invalid_state"
    assert maya.patient_verification == "unverified"


def test_a_sibling_has_nothing_to_verify(ctx):
    parent, _kids = make_family()
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    with pytest.raises(InvalidInput) as caught:
        set_verification(make_person(Role.COORDINATOR), sam, "verified")
    problem = caught.value.problems[0]
    assert problem.code == "not_a_patient" and "Sam" in problem.message
    assert "sibling" in problem.message


# --- the family changes what it vouches for ---------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"diagnosis_category": "blood_disorder"},
        {"treated_at_hospital": False},
        {"relationship": "sibling", "diagnosis_category": None},
    ],
)
def test_changing_a_vouched_detail_resets_the_verification(ctx, change):
    parent, (maya,) = make_family()
    set_verification(make_person(Role.COORDINATOR), maya, "verified")
    family_services.update_child(parent, maya, change, partial=True)
    db.session.expire_all()
    child = db.session.get(Child, maya.id)
    assert child.patient_verification == "unverified"
    assert child.verified_by_id is None and child.verified_at is None
    (entry,) = audit_of(child, "child.update")
    assert {"patient_verification", "verified_by_id", "verified_at"} <= set(entry.fields)
    assert set(change) <= set(entry.fields)


def test_other_changes_keep_the_verification(ctx):
    parent, (maya,) = make_family()
    set_verification(make_person(Role.COORDINATOR), maya, "rejected")
    family_services.update_child(parent, maya, {"allergies": "Bees", "diagnosis": "AML"}, True)
    db.session.expire_all()
    child = db.session.get(Child, maya.id)
    assert child.patient_verification == "rejected" and child.verified_by_id is not None
    (entry,) = audit_of(child, "child.update")
    assert "patient_verification" not in entry.fields


def test_an_unverified_child_changes_without_verification_fields(ctx):
    parent, (maya,) = make_family()
    family_services.update_child(parent, maya, {"treated_at_hospital": False}, partial=True)
    (entry,) = audit_of(maya, "child.update")
    assert entry.fields == ["treated_at_hospital"]
