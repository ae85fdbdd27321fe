"""The review rules: the verification requirement and what a registration fails after the fact."""

from datetime import timedelta

from camp_app.extensions import db
from camp_app.families.models import Contact
from camp_app.registrations.review import (
    override_problems,
    review_reasons,
    verification_reason,
)
from camp_app.timeutil import utcnow
from tests import factories
from tests.review.helpers import make_coordinator, make_family, pending, set_verification


def codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def test_no_reason_when_the_event_does_not_require_verification(app_ctx):
    event = factories.make_event(requires_verification=False)
    _parent, (child,) = make_family()
    assert verification_reason(event, child, child.household) is None


def test_a_patient_needs_their_own_verified_details(app_ctx):
    event = factories.make_event(requires_verification=True)
    _parent, (child,) = make_family(first_names=("Maya",))
    unverified = verification_reason(event, child, child.household)
    assert unverified.code == "patient_not_verified"
    assert "Maya" in unverified.message and "not yet verified" in unverified.message
    set_verification(child, "rejected", make_coordinator())
    rejected = verification_reason(event, child, child.household)
    assert rejected.code == "patient_not_verified"
    assert "Maya" in rejected.message and "could not confirm" in rejected.message
    set_verification(child, "verified", make_coordinator())
    assert verification_reason(event, child, child.household) is None


def test_a_sibling_needs_a_verified_patient_the_event_serves(app_ctx):
    event = factories.make_event(
        requires_verification=True, audience="siblings", diagnosis_categories=["cancer"]
    )
    _parent, (patient,) = make_family(first_names=("Pia",))
    household = patient.household
    sibling = factories.make_child(household, first_name="Sam", relationship="sibling")
    other = factories.make_child(
        household, first_name="Oli", relationship="patient", diagnosis_category="other"
    )
    db.session.refresh(household)
    reason = verification_reason(event, sibling, household)
    assert reason.code == "patient_not_verified" and "Sam" in reason.message
    # A verified patient whose condition the event does not serve does not count.
    set_verification(other, "verified", make_coordinator())
    assert verification_reason(event, sibling, household) is not None
    set_verification(patient, "rejected", make_coordinator())
    assert "could not confirm" in verification_reason(event, sibling, household).message
    set_verification(patient, "verified", make_coordinator())
    assert verification_reason(event, sibling, household) is None
    # The sibling's own state never matters.
    set_verification(sibling, "rejected", make_coordinator())
    assert verification_reason(event, sibling, household) is None


def test_review_reasons_leave_out_the_rules_about_the_moment_of_registering(app_ctx):
    event = factories.make_event(capacity=1, waitlist_enabled=False, requires_review=True)
    _parent, _child, registration = pending(event)
    # Registration has closed since and the event is full: neither concerns this seat.
    event.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert review_reasons(registration) == []


def test_review_reasons_list_every_rule_that_fails_now(app_ctx):
    event = factories.make_event(requires_review=True, requires_verification=True)
    _parent, child, registration = pending(event, first_name="Maya")
    # Since registering: older than the event allows, and no emergency contact any more.
    child.date_of_birth = child.date_of_birth.replace(year=2000)
    for contact in list(child.household.contacts):
        db.session.delete(contact)
    registration.consent_liability_waiver = False
    db.session.commit()
    db.session.expire_all()
    reasons = review_reasons(registration)
    assert codes(reasons) == [
        "too_old",
        "profile_incomplete",
        "consent_missing",
        "patient_not_verified",
    ]
    assert all("Maya" in r.message for r in reasons)
    assert db.session.query(Contact).count() == 0  # nothing was written back


def test_override_problems(app_ctx):
    event = factories.make_event(requires_verification=True)
    _parent, (child,) = make_family()
    reasons = [verification_reason(event, child, child.household)]
    assert override_problems([], None) == []
    assert override_problems(reasons, "Confirmed by Dr. Ruiz on the phone.") == []
    for missing in (None, "", "   \n", 5):
        problems = override_problems(reasons, missing)
        assert [p.code for p in problems] == ["patient_not_verified", "override_reason_required"]
        assert problems[-1].field == "override_reason"
    too_long = override_problems(reasons, "x" * 2001)
    assert [p.code for p in too_long] == ["patient_not_verified", "too_long"]
