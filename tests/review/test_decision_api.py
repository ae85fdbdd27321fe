"""POST /api/v1/registrations/{id}/decision with an override reason."""

import pytest

from camp_app.extensions import db
from camp_app.roles import Role
from tests import factories
from tests.api.conftest import Api, token_for
from tests.review.helpers import audit_entries, fresh, pending, set_verification

REASON = "Diagnosis confirmed with the oncology nurse by phone."


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def coordinator(app_ctx):
    user = factories.make_user((Role.COORDINATOR,))
    return user, token_for(user)


def path(registration) -> str:
    return f"/registrations/{registration.id}/decision"


def test_a_failing_registration_answers_422_with_every_rule_and_the_missing_reason(
    api, coordinator
):
    _user, token = coordinator
    event = factories.make_event(requires_verification=True)
    _parent, child, registration = pending(event)
    child.date_of_birth = child.date_of_birth.replace(year=2001)  # and now too old
    db.session.commit()
    for body in ({"action": "approve"}, {"action": "approve", "override_reason": "  "}):
        response = api.post(path(registration), token, json=body)
        assert response.status_code == 422
        errors = response.get_json()["errors"]
        assert [e["code"] for e in errors] == [
            "too_old",
            "patient_not_verified",
            "override_reason_required",
        ]
        assert errors[-1]["field"] == "override_reason"
        assert all(e["message"] for e in errors)
    assert fresh(registration).status == "pending_review"


def test_with_a_reason_the_registration_is_confirmed_and_the_reason_kept(api, coordinator):
    user, token = coordinator
    event = factories.make_event(requires_verification=True)
    _parent, _child, registration = pending(event)
    body = {"action": "approve", "note": "", "override_reason": REASON}
    response = api.post(path(registration), token, json=body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["status"] == "confirmed"
    # The contract's shape: the reason is kept, not sent back.
    assert set(answer) == {
        "id",
        "event",
        "child_id",
        "status",
        "waitlist_position",
        "created_at",
        "reference",
        "consents",
    }
    stored = fresh(registration)
    assert stored.override_reason == REASON and stored.overridden_codes == ["patient_not_verified"]
    (entry,) = audit_entries(registration, "registration.approved")
    assert entry.actor_id == user.id and "override_reason" in entry.fields


def test_a_verified_patient_is_approved_without_a_reason(api, coordinator):
    user, token = coordinator
    event = factories.make_event(requires_verification=True)
    _parent, child, registration = pending(event)
    set_verification(child, "verified", user)
    response = api.post(path(registration), token, json={"action": "approve"})
    assert response.status_code == 200 and response.get_json()["status"] == "confirmed"
    assert fresh(registration).override_reason == ""


def test_the_override_reason_must_be_text(api, coordinator):
    _user, token = coordinator
    event = factories.make_event(requires_verification=True)
    _parent, _child, registration = pending(event)
    body = {"action": "approve", "override_reason": 5}
    response = api.post(path(registration), token, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "override_reason"
    long = api.post(
        path(registration), token, json={"action": "approve", "override_reason": "x" * 2001}
    )
    assert long.status_code == 422
    assert long.get_json()["errors"][-1]["code"] == "too_long"
    assert fresh(registration).status == "pending_review"
