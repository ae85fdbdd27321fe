"""A family's change of what it vouches for undoes the verification: on the family page and
through the API (PATCH /api/v1/family/children/{id})."""

import pytest
from sqlalchemy import select

from camp_app.accounts import tokens
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.families.verification import set_verification
from camp_app.roles import Role
from tests.families.test_pages import child_form

from .helpers import make_family, make_person, sign_in


def verified_child(**fields):
    parent, (maya,) = make_family(
        first_names=("Maya",),
        diagnosis="ALL, in maintenance",
        allergies="Peanuts",
        dietary_needs="No nuts",
        medical_conditions="Port-a-cath",
        physician_name="Dr. Rivera",
        physician_phone="+13055550123",
        **fields,
    )
    set_verification(make_person(Role.COORDINATOR), maya, "verified")
    return parent, maya


def fresh(child_id) -> Child:
    db.session.expire_all()
    return db.session.get(Child, child_id)


def last_update_fields(child_id) -> list[str]:
    query = select(AuditEntry).where(
        AuditEntry.action == "child.update", AuditEntry.entity_id == child_id
    )
    return db.session.scalars(query.order_by(AuditEntry.id.desc())).first().fields


def edit_on_page(client, child, **fields):
    form = child_form(**fields)
    for key in [k for k, v in form.items() if v is None]:
        del form[key]  # an unticked checkbox is not sent at all
    return client.post(f"/family/children/{child.id}/edit", data=form)


def test_the_family_page_resets_it_when_the_diagnosis_category_changes(ctx, client):
    parent, maya = verified_child()
    sign_in(client, parent)
    response = edit_on_page(client, maya, diagnosis_category="blood_disorder")
    assert response.status_code == 302
    child = fresh(maya.id)
    assert child.patient_verification == "unverified" and child.verified_by_id is None
    assert child.verified_at is None
    fields = last_update_fields(maya.id)
    assert "diagnosis_category" in fields and "patient_verification" in fields


def test_the_family_page_resets_it_when_treated_here_is_unticked(ctx, client):
    parent, maya = verified_child()
    sign_in(client, parent)
    assert edit_on_page(client, maya, treated_at_hospital=None).status_code == 302
    assert fresh(maya.id).patient_verification == "unverified"
    assert "patient_verification" in last_update_fields(maya.id)


def test_the_family_page_keeps_it_for_other_changes(ctx, client):
    parent, maya = verified_child()
    sign_in(client, parent)
    assert edit_on_page(client, maya, allergies="Peanuts, bees").status_code == 302
    child = fresh(maya.id)
    assert child.patient_verification == "verified" and child.verified_by_id is not None
    fields = last_update_fields(maya.id)
    assert "allergies" in fields and "patient_verification" not in fields


def api_patch(client, parent, child, body):
    token, _row = tokens.issue_token(parent)
    return client.patch(
        f"/api/v1/family/children/{child.id}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize(
    "body",
    [
        {"relationship": "sibling", "diagnosis_category": None},
        {"diagnosis_category": "other"},
        {"treated_at_hospital": False},
    ],
)
def test_the_api_resets_it_when_a_vouched_detail_changes(ctx, client, body):
    parent, maya = verified_child()
    response = api_patch(client, parent, maya, body)
    assert response.status_code == 200, response.get_json()
    child = fresh(maya.id)
    assert child.patient_verification == "unverified"
    assert child.verified_by_id is None and child.verified_at is None
    assert {"patient_verification", *body} <= set(last_update_fields(maya.id))


def test_the_api_keeps_it_when_nothing_vouched_changes(ctx, client):
    parent, maya = verified_child()
    response = api_patch(
        client, parent, maya, {"diagnosis_category": "cancer", "allergies": "Bees"}
    )
    assert response.status_code == 200
    assert fresh(maya.id).patient_verification == "verified"
    assert last_update_fields(maya.id) == ["allergies"]


def test_a_refused_change_keeps_it(ctx, client):
    parent, maya = verified_child()
    response = api_patch(client, parent, maya, {"diagnosis_category": "flu"})
    assert response.status_code == 422
    assert fresh(maya.id).patient_verification == "verified"
