"""The eligibility rules, on plain objects that never touch a database."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household
from camp_app.registrations.eligibility import Reason, evaluate
from camp_app.timeutil import camp_local_to_utc

NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
STARTS = date(2027, 6, 14)
GOOD_CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": False}


@pytest.fixture(autouse=True)
def request_ctx(bare_app):
    with bare_app.test_request_context():
        yield


def make_event(**fields) -> Event:
    values = {
        "name": "Camp U.O.T.S.",
        "kind": "overnight_camp",
        "starts_on": STARTS,
        "ends_on": STARTS + timedelta(days=5),
        "registration_opens_at": datetime(2027, 1, 1, 5, 0, tzinfo=UTC),
        "registration_closes_at": datetime(2027, 5, 1, 4, 0, tzinfo=UTC),
        "capacity": 10,
        "waitlist_enabled": True,
        "min_age": 7,
        "max_age": 16,
        "audience": "patients",
        "diagnosis_categories": ["cancer", "blood_disorder"],
        "treated_at_hospital_required": True,
    }
    values.update(fields)
    return Event(**values)


_ids = iter(range(1, 10_000))


def make_child(**fields) -> Child:
    values = {
        "id": next(_ids),
        "first_name": "Maya",
        "last_name": "Lopez",
        "date_of_birth": date(2016, 5, 1),
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "treated_at_hospital": True,
    }
    values.update(fields)
    return Child(**values)


def make_household(*children, contacts=None) -> Household:
    if contacts is None:
        contacts = [Contact(kind="emergency", name="Ana", relationship="aunt", phone="+1305")]
    return Household(children=list(children), contacts=contacts)


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


def check(event, child, household=None, now=NOW, **kwargs) -> list[Reason]:
    return evaluate(event, child, household or make_household(child), now, **kwargs)


def born_turning(age: int, on: date, days_later: int = 0) -> date:
    """A birthday so that the child turns `age` on `on` (+ days_later)."""
    birthday = on + timedelta(days=days_later)
    return birthday.replace(year=birthday.year - age)


# --- the baseline ---------------------------------------------------------------------------


def test_an_eligible_child_has_no_reasons():
    assert check(make_event(), make_child()) == []


def test_an_eligible_child_with_consents_and_signature_has_no_reasons():
    reasons = check(make_event(), make_child(), consents=GOOD_CONSENTS, signature="Ana Lopez")
    assert reasons == []


def test_evaluate_runs_no_query(bare_app):
    statements = []
    with bare_app.app_context():
        engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa_event.listen(engine, "before_cursor_execute", listener)
        try:
            reasons = check(make_event(), make_child(relationship="sibling"))
        finally:
            sa_event.remove(engine, "before_cursor_execute", listener)
    assert codes(reasons) == ["not_a_patient"]
    assert statements == []


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        check(make_event(), make_child(), now=datetime(2027, 3, 10, 15, 0))


# --- age on the first day -------------------------------------------------------------------


def test_turning_the_minimum_age_on_the_first_day_is_old_enough():
    child = make_child(date_of_birth=born_turning(7, STARTS))
    assert check(make_event(), child) == []


def test_turning_the_minimum_age_the_day_after_the_first_day_is_too_young():
    child = make_child(first_name="Leo", date_of_birth=born_turning(7, STARTS, days_later=1))
    reasons = check(make_event(), child)
    assert codes(reasons) == ["too_young"]
    assert reasons[0].message == (
        "Leo will be 6 on the first day of camp; Camp U.O.T.S. is for ages 7–16."  # noqa: RUF001
    )


def test_the_maximum_age_on_the_first_day_is_still_allowed():
    child = make_child(date_of_birth=born_turning(16, STARTS, days_later=1) - timedelta(days=365))
    assert check(make_event(), child) == []
    child = make_child(date_of_birth=born_turning(17, STARTS, days_later=1))  # 17 the day after
    assert check(make_event(), child) == []


def test_turning_one_over_the_maximum_on_the_first_day_is_too_old():
    child = make_child(date_of_birth=born_turning(17, STARTS))
    reasons = check(make_event(), child)
    assert codes(reasons) == ["too_old"]
    assert reasons[0].message == (
        "Maya will be 17 on the first day of camp; Camp U.O.T.S. is for ages 7–16."  # noqa: RUF001
    )


def test_age_counts_on_the_first_day_not_today():
    # 6 today (March), 7 by June: old enough.
    child = make_child(date_of_birth=date(2020, 6, 1))
    assert check(make_event(), child) == []


def test_leap_day_birthday_counts_from_march_first_in_common_years():
    event = make_event(starts_on=date(2027, 2, 28), ends_on=date(2027, 3, 3))
    child = make_child(date_of_birth=date(2020, 2, 29))
    assert codes(check(event, child)) == ["too_young"]  # still 6 on 28 February 2027


def test_open_ended_age_ranges_say_so():
    child = make_child(date_of_birth=born_turning(5, STARTS))
    reasons = check(make_event(max_age=None), child)
    assert reasons[0].message.endswith("is for ages 7 and up.")
    older = make_child(date_of_birth=born_turning(20, STARTS))
    reasons = check(make_event(min_age=None), older)
    assert codes(reasons) == ["too_old"]
    assert reasons[0].message.endswith("is for ages up to 16.")


def test_no_age_limits_means_any_age():
    child = make_child(date_of_birth=born_turning(2, STARTS))
    assert check(make_event(min_age=None, max_age=None), child) == []


# --- audience: patients ----------------------------------------------------------------------


def test_a_sibling_is_not_a_patient():
    reasons = check(make_event(), make_child(first_name="Sam", relationship="sibling"))
    assert codes(reasons) == ["not_a_patient"]
    assert "Sam" in reasons[0].message and "Camp U.O.T.S." in reasons[0].message


def test_a_diagnosis_the_event_does_not_serve():
    reasons = check(make_event(), make_child(diagnosis_category="other"))
    assert codes(reasons) == ["diagnosis_not_covered"]
    assert "Maya" in reasons[0].message


def test_a_patient_without_a_diagnosis_category_is_not_covered():
    assert codes(check(make_event(), make_child(diagnosis_category=None))) == [
        "diagnosis_not_covered"
    ]


def test_an_event_without_categories_serves_every_diagnosis():
    assert check(make_event(diagnosis_categories=[]), make_child(diagnosis_category="other")) == []


def test_treated_elsewhere_when_the_event_requires_treatment_here():
    reasons = check(make_event(), make_child(treated_at_hospital=False))
    assert codes(reasons) == ["not_treated_at_hospital"]
    event = make_event(treated_at_hospital_required=False)
    assert check(event, make_child(treated_at_hospital=False)) == []


def test_diagnosis_and_treatment_failures_are_both_reported():
    child = make_child(diagnosis_category="other", treated_at_hospital=False)
    assert codes(check(make_event(), child)) == ["diagnosis_not_covered", "not_treated_at_hospital"]


# --- audience: siblings (Bear Hug) -----------------------------------------------------------


def bear_hug(**fields) -> Event:
    return make_event(name="Bear Hug", kind="event", audience="siblings", **fields)


def test_a_sibling_of_a_covered_patient_may_come():
    patient = make_child(first_name="Maya")
    sibling = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    assert check(bear_hug(), sibling, make_household(patient, sibling)) == []


def test_a_patient_is_not_a_sibling_even_with_a_patient_sibling():
    maya = make_child(first_name="Maya")
    leo = make_child(first_name="Leo")
    reasons = check(bear_hug(), maya, make_household(maya, leo))
    assert codes(reasons) == ["not_a_sibling_of_patient"]
    assert "Maya" in reasons[0].message and "patient" in reasons[0].message


def test_a_child_whose_family_has_no_patient_is_not_a_sibling_of_one():
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    reasons = check(bear_hug(), sam, make_household(sam))
    assert codes(reasons) == ["not_a_sibling_of_patient"]
    assert "Sam" in reasons[0].message


def test_the_patient_sibling_must_have_a_covered_diagnosis():
    patient = make_child(diagnosis_category="other")
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    assert codes(check(bear_hug(), sam, make_household(patient, sam))) == [
        "not_a_sibling_of_patient"
    ]


def test_the_patient_sibling_must_be_treated_here_when_the_event_requires_it():
    patient = make_child(treated_at_hospital=False)
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    household = make_household(patient, sam)
    assert codes(check(bear_hug(), sam, household)) == ["not_a_sibling_of_patient"]
    assert check(bear_hug(treated_at_hospital_required=False), sam, household) == []


# --- audience: patients and siblings; anyone -------------------------------------------------


def both(**fields) -> Event:
    return make_event(audience="patients_and_siblings", **fields)


def test_patients_and_siblings_takes_a_covered_patient_and_a_sibling():
    patient = make_child()
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    household = make_household(patient, sam)
    assert check(both(), patient, household) == []
    assert check(both(), sam, household) == []


def test_patients_and_siblings_takes_a_patient_as_the_sibling_of_a_covered_patient():
    covered = make_child(first_name="Maya")
    other = make_child(first_name="Leo", diagnosis_category="other")
    assert check(both(), other, make_household(covered, other)) == []


def test_patients_and_siblings_explains_a_patient_who_qualifies_neither_way():
    other = make_child(first_name="Leo", diagnosis_category="other")
    assert codes(check(both(), other, make_household(other))) == ["diagnosis_not_covered"]


def test_patients_and_siblings_refuses_a_sibling_without_a_covered_patient():
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    assert codes(check(both(), sam, make_household(sam))) == ["not_a_sibling_of_patient"]


def test_anyone_means_anyone():
    sam = make_child(first_name="Sam", relationship="sibling", diagnosis_category=None)
    event = make_event(audience="anyone")
    assert check(event, sam, make_household(sam)) == []


# --- the registration window, in the camp's time zone ---------------------------------------


def test_the_window_opens_at_its_first_instant():
    event = make_event()
    assert check(event, make_child(), now=event.registration_opens_at) == []
    before = event.registration_opens_at - timedelta(microseconds=1)
    assert codes(check(event, make_child(), now=before)) == ["registration_not_open"]


def test_the_window_closes_at_its_last_instant():
    event = make_event()
    last = event.registration_closes_at - timedelta(microseconds=1)
    assert check(event, make_child(), now=last) == []
    reasons = check(event, make_child(), now=event.registration_closes_at)
    assert codes(reasons) == ["registration_closed"]


def test_window_edges_are_camp_midnight_not_utc_midnight():
    # Registration opens at midnight in New York (05:00 UTC in winter).
    opens = camp_local_to_utc(datetime(2027, 3, 1, 0, 0))
    assert opens == datetime(2027, 3, 1, 5, 0, tzinfo=UTC)
    event = make_event(registration_opens_at=opens)
    utc_midnight = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)  # still 28 February at camp
    reasons = check(event, make_child(), now=utc_midnight)
    assert codes(reasons) == ["registration_not_open"]
    assert "Mar 1, 2027" in reasons[0].message and "12:00" in reasons[0].message
    assert check(event, make_child(), now=opens) == []


def test_window_closing_is_shown_in_camp_time_across_daylight_saving():
    # 23:59 on 14 March 2027 in New York is after the switch to daylight time (UTC-4).
    closes = camp_local_to_utc(datetime(2027, 3, 14, 23, 59))
    assert closes == datetime(2027, 3, 15, 3, 59, tzinfo=UTC)
    event = make_event(registration_closes_at=closes)
    reasons = check(event, make_child(), now=closes)
    assert codes(reasons) == ["registration_closed"]
    assert "Mar 14, 2027" in reasons[0].message and "11:59" in reasons[0].message


def test_an_aware_now_in_another_zone_is_compared_as_an_instant():
    from zoneinfo import ZoneInfo

    event = make_event()
    tokyo = event.registration_opens_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert check(event, make_child(), now=tokyo) == []
    assert codes(check(event, make_child(), now=tokyo - timedelta(seconds=1))) == [
        "registration_not_open"
    ]


# --- seats ----------------------------------------------------------------------------------


def test_full_without_a_waitlist_is_event_full():
    event = make_event(waitlist_enabled=False)
    reasons = check(event, make_child(), seats_left=0)
    assert codes(reasons) == ["event_full"]
    assert "Camp U.O.T.S." in reasons[0].message


def test_full_with_a_waitlist_is_not_a_refusal():
    assert check(make_event(waitlist_enabled=True), make_child(), seats_left=0) == []


def test_seats_left_or_unknown_is_not_event_full():
    event = make_event(waitlist_enabled=False)
    assert check(event, make_child(), seats_left=1) == []
    assert check(event, make_child()) == []


# --- the family profile ------------------------------------------------------------------


def test_no_emergency_contact_is_an_incomplete_profile():
    child = make_child()
    reasons = check(make_event(), child, make_household(child, contacts=[]))
    assert codes(reasons) == ["profile_incomplete"]
    assert "emergency contact" in reasons[0].message and "Maya" in reasons[0].message


def test_a_pickup_person_is_not_an_emergency_contact():
    child = make_child()
    pickup = Contact(kind="pickup", name="Tío", relationship="uncle", phone="+1305")
    reasons = check(make_event(), child, make_household(child, contacts=[pickup]))
    assert codes(reasons) == ["profile_incomplete"]


def day_camp(**fields) -> Event:
    return make_event(kind="day_camp", name="Bear Hug", **fields)


def emergency() -> Contact:
    return Contact(kind="emergency", name="Ana", relationship="aunt", phone="+1305")


def test_a_day_camp_needs_a_pickup_person_for_the_child():
    child = make_child()
    reasons = check(day_camp(), child, make_household(child, contacts=[emergency()]))
    assert codes(reasons) == ["profile_incomplete"]
    assert "pick up Maya" in reasons[0].message


def test_a_pickup_person_for_every_child_covers_this_one():
    child = make_child()
    pickup = Contact(kind="pickup", name="Tío", relationship="uncle", phone="+1305", children=[])
    assert check(day_camp(), child, make_household(child, contacts=[emergency(), pickup])) == []


def test_a_pickup_person_for_another_child_only_does_not_cover_this_one():
    maya, sam = make_child(), make_child(first_name="Sam")
    pickup = Contact(kind="pickup", name="Tío", relationship="uncle", phone="+1", children=[sam])
    household = make_household(maya, sam, contacts=[emergency(), pickup])
    assert codes(check(day_camp(), maya, household)) == ["profile_incomplete"]
    assert check(day_camp(), sam, household) == []


def test_a_day_camp_without_any_contact_reports_both_gaps():
    child = make_child()
    reasons = check(day_camp(), child, make_household(child, contacts=[]))
    assert codes(reasons) == ["profile_incomplete", "profile_incomplete"]


def test_an_overnight_camp_needs_no_pickup_person():
    child = make_child()
    assert check(make_event(), child, make_household(child, contacts=[emergency()])) == []


# --- consents and signature ----------------------------------------------------------------


def test_not_asking_yet_skips_consents_and_signature():
    assert check(make_event(), make_child(), consents=None, signature=None) == []


def test_every_missing_consent_is_named_with_its_field():
    reasons = check(make_event(), make_child(), consents={}, signature="Ana Lopez")
    assert codes(reasons) == ["consent_missing"] * 3
    assert [r.field for r in reasons] == [
        "consents.medical_treatment",
        "consents.liability_waiver",
        "consents.photo_release",
    ]
    assert all("Maya" in r.message for r in reasons)


def test_photo_release_is_a_choice_either_way():
    for answer in (True, False):
        consents = {**GOOD_CONSENTS, "photo_release": answer}
        assert check(make_event(), make_child(), consents=consents, signature="A") == []
    consents = {**GOOD_CONSENTS, "photo_release": "yes"}
    reasons = check(make_event(), make_child(), consents=consents, signature="A")
    assert [r.field for r in reasons] == ["consents.photo_release"]


def test_a_required_consent_must_be_exactly_true():
    consents = {**GOOD_CONSENTS, "liability_waiver": "true"}
    reasons = check(make_event(), make_child(), consents=consents, signature="A")
    assert [r.field for r in reasons] == ["consents.liability_waiver"]
    consents = {**GOOD_CONSENTS, "medical_treatment": False}
    reasons = check(make_event(), make_child(), consents=consents, signature="A")
    assert [r.field for r in reasons] == ["consents.medical_treatment"]


@pytest.mark.parametrize("signature", ["", "   ", 42])
def test_a_blank_signature_is_missing(signature):
    reasons = check(make_event(), make_child(), consents=GOOD_CONSENTS, signature=signature)
    assert codes(reasons) == ["signature_missing"]
    assert reasons[0].field == "signature" and "Maya" in reasons[0].message


# --- several at once -------------------------------------------------------------------------


def test_every_failing_rule_is_reported_at_once():
    event = make_event(kind="day_camp", waitlist_enabled=False)
    child = make_child(
        first_name="Leo",
        date_of_birth=born_turning(20, STARTS),
        diagnosis_category="other",
        treated_at_hospital=False,
    )
    reasons = check(
        event,
        child,
        make_household(child, contacts=[]),
        now=event.registration_closes_at + timedelta(days=1),
        consents={"photo_release": True},
        signature="",
        seats_left=0,
    )
    assert codes(reasons) == [
        "too_old",
        "diagnosis_not_covered",
        "not_treated_at_hospital",
        "registration_closed",
        "event_full",
        "profile_incomplete",
        "profile_incomplete",
        "consent_missing",
        "consent_missing",
        "signature_missing",
    ]
    assert all("Leo" in r.message for r in reasons)


def test_reason_as_dict_has_code_and_message():
    reason = check(make_event(), make_child(relationship="sibling"))[0]
    assert reason.as_dict() == {"code": "not_a_patient", "message": reason.message}
