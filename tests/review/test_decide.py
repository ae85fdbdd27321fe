"""The verification requirement in the state machine, and approving with an override."""

import pytest

from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed
from tests import factories
from tests.review.helpers import (
    audit_entries,
    fresh,
    mails_to,
    make_coordinator,
    make_family,
    pending,
    register,
    review_event,
    set_verification,
)

REASON = "Dr. Ruiz confirmed the diagnosis by phone; the letter follows."


def test_an_unverified_patient_gets_a_held_seat_pending_review(app_ctx):
    event = factories.make_event(requires_verification=True, requires_review=False)
    parent, _child, registration = pending(event)
    assert registration.status == "pending_review"
    assert [m.category for m in mails_to(parent.email)] == ["registration_received"]


def test_a_verified_patient_is_confirmed_at_once(app_ctx):
    event = factories.make_event(requires_verification=True, requires_review=False)
    parent, (child,) = make_family()
    set_verification(child, "verified", make_coordinator())
    (registration,) = register(parent, event, [child])
    assert registration.status == "confirmed"


def test_without_the_requirement_nothing_changes(app_ctx):
    event = factories.make_event(requires_verification=False, requires_review=False)
    _parent, _child, registration = pending(event)
    assert registration.status == "confirmed"


def test_a_sibling_of_a_verified_patient_is_confirmed_and_one_without_is_held(app_ctx):
    event = factories.make_event(
        requires_verification=True, audience="patients_and_siblings", requires_review=False
    )
    parent, (patient,) = make_family()
    sibling = factories.make_child(parent.household, first_name="Sam", relationship="sibling")
    (held,) = register(parent, event, [sibling])
    assert held.status == "pending_review"
    set_verification(patient, "verified", make_coordinator())
    (confirmed,) = register(parent, event, [patient])
    assert confirmed.status == "confirmed"


def test_promotion_from_the_waitlist_holds_the_seat_for_review(app_ctx):
    event = factories.make_event(capacity=1, requires_verification=True, requires_review=False)
    parent, (first,) = make_family()
    set_verification(first, "verified", make_coordinator())
    (seated,) = register(parent, event, [first])
    _other, _child, waiting = pending(event)
    assert (seated.status, waiting.status) == ("confirmed", "waitlisted")
    lifecycle.cancel(parent, seated)
    assert fresh(waiting).status == "pending_review"


def test_approving_an_unverified_patient_needs_an_override_reason(app_ctx):
    event = factories.make_event(requires_verification=True)
    parent, _child, registration = pending(event)
    coordinator = make_coordinator()
    for reason in (None, "", "  "):
        with pytest.raises(NotAllowed) as refused:
            lifecycle.decide(coordinator, registration, "approve", override_reason=reason)
        problems = refused.value.problems
        assert [p.code for p in problems] == ["patient_not_verified", "override_reason_required"]
        assert problems[-1].field == "override_reason"
    unchanged = fresh(registration)
    assert unchanged.status == "pending_review" and unchanged.decided_at is None
    assert unchanged.override_reason == "" and unchanged.overridden_codes == []
    assert audit_entries(registration, "registration.approved") == []
    assert [m.category for m in mails_to(parent.email)] == ["registration_received"]


def test_approving_with_a_reason_keeps_it_and_audits_the_field_names(app_ctx):
    event = factories.make_event(requires_verification=True)
    parent, _child, registration = pending(event)
    coordinator = make_coordinator()
    decided = lifecycle.decide(coordinator, registration, "approve", override_reason=f" {REASON} ")
    assert decided.status == "confirmed"
    stored = fresh(registration)
    assert stored.override_reason == REASON
    assert stored.overridden_codes == ["patient_not_verified"]
    (entry,) = audit_entries(registration, "registration.approved")
    assert entry.actor_id == coordinator.id
    assert set(entry.fields) == {
        "status",
        "decision_note",
        "decided_by_id",
        "decided_at",
        "override_reason",
        "overridden_codes",
    }
    assert REASON not in repr(entry.fields)
    assert "registration_confirmed" in [m.category for m in mails_to(parent.email)]
    # The reason is for the coordinators, never in the family's mail.
    assert all(REASON not in (m.body_text or "") for m in mails_to(parent.email))


def test_after_verification_approval_needs_no_reason_and_stores_none(app_ctx):
    event = factories.make_event(requires_verification=True)
    _parent, child, registration = pending(event)
    coordinator = make_coordinator()
    set_verification(child, "verified", coordinator)
    decided = lifecycle.decide(coordinator, registration, "approve", override_reason=REASON)
    assert decided.status == "confirmed"
    stored = fresh(registration)
    assert stored.override_reason == "" and stored.overridden_codes == []
    (entry,) = audit_entries(registration, "registration.approved")
    assert "override_reason" not in entry.fields


def test_a_rule_broken_since_registering_needs_an_override(app_ctx):
    event = review_event()
    _parent, child, registration = pending(event)
    child.date_of_birth = child.date_of_birth.replace(year=2001)  # corrected by the family
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        lifecycle.decide(make_coordinator(), registration, "approve")
    assert [p.code for p in refused.value.problems] == ["too_old", "override_reason_required"]
    lifecycle.decide(make_coordinator(), registration, "approve", override_reason=REASON)
    assert fresh(registration).overridden_codes == ["too_old"]


def test_decline_and_waitlist_need_no_override(app_ctx):
    event = factories.make_event(requires_verification=True)
    parent, _child, first = pending(event)
    _other, _child2, second = pending(event)
    coordinator = make_coordinator()
    declined = lifecycle.decide(coordinator, first, "decline", "Please call us.")
    assert declined.status == "declined" and declined.override_reason == ""
    assert lifecycle.decide(coordinator, second, "waitlist").status == "waitlisted"
    (mail,) = mails_to(parent.email, "registration_declined")
    assert "Please call us." in mail.body_text


def test_the_override_reason_must_be_text_and_not_too_long(app_ctx):
    event = factories.make_event(requires_verification=True)
    _parent, _child, registration = pending(event)
    coordinator = make_coordinator()
    with pytest.raises(InvalidInput) as wrong_type:
        lifecycle.decide(coordinator, registration, "approve", override_reason=["why"])
    assert wrong_type.value.problems[0].field == "override_reason"
    with pytest.raises(NotAllowed) as too_long:
        lifecycle.decide(coordinator, registration, "approve", override_reason="x" * 2001)
    assert too_long.value.problems[-1].code == "too_long"
    assert fresh(registration).status == "pending_review"


def test_an_invalid_transition_is_reported_before_the_rules(app_ctx):
    event = factories.make_event(requires_verification=True)
    _parent, _child, registration = pending(event)
    coordinator = make_coordinator()
    lifecycle.decide(coordinator, registration, "decline")
    with pytest.raises(Conflict) as refused:
        lifecycle.decide(coordinator, registration, "approve")
    assert refused.value.problems[0].code == "invalid_transition"


def test_a_full_event_is_reported_before_the_rules(app_ctx):
    event = factories.make_event(capacity=1, requires_verification=True)
    _parent, _child, _seated = pending(event)
    _other, _child2, waiting = pending(event)
    assert waiting.status == "waitlisted"
    with pytest.raises(Conflict) as refused:
        lifecycle.decide(make_coordinator(), waiting, "approve", override_reason=REASON)
    assert refused.value.problems[0].code == "event_full"


def test_a_decision_on_a_status_that_moved_on_changes_nothing(app_ctx):
    """A coordinator's waitlist page is stale: the child was promoted meanwhile. "Remove from
    the waitlist" must not decline the seat the child now holds."""
    event = factories.make_event(capacity=1, requires_review=False)
    coordinator = make_coordinator()
    _parent, _child, holder = pending(event)
    _parent2, _child2, waiting = pending(event)
    assert fresh(waiting).status == "waitlisted"
    lifecycle.cancel(coordinator, fresh(holder))  # the seat goes to `waiting` at once
    assert fresh(waiting).status == "confirmed"

    with pytest.raises(Conflict) as refused:
        lifecycle.decide(
            coordinator, fresh(waiting), "decline", "no room", expected_status="waitlisted"
        )

    assert [p.code for p in refused.value.problems] == ["status_changed"]
    db.session.rollback()
    assert fresh(waiting).status == "confirmed"
    assert fresh(waiting).decision_note == ""


def test_a_decision_on_the_status_seen_goes_ahead(app_ctx):
    event = factories.make_event(capacity=1, requires_review=False)
    coordinator = make_coordinator()
    pending(event)
    _parent, _child, waiting = pending(event)

    lifecycle.decide(coordinator, fresh(waiting), "decline", "", expected_status="waitlisted")

    assert fresh(waiting).status == "declined"
