"""Issue 3's "done when", in the browser on the demo data (`flask seed-demo`): a new user
registers both children for the right camps and is told clearly why a wrong one is refused.

The demo camps have fixed dates (summer 2027, registration open from 2026-11-01 until the end of
April and May 2027). So that this test does not depend on today's date, it moves them (through
the events service) by whole years until their registration is open now, and the children's
birthdays with them, so every age on the first day of camp stays the same.
"""

from datetime import date, timedelta

from playwright.sync_api import expect

from camp_app.demo.seed import DEMO_EVENTS
from camp_app.events.services import event_by_slug
from camp_app.registrations.availability import seat_summary
from camp_app.registrations.event_seats import update_event
from camp_app.timeutil import utcnow
from tests.browser import steps

EMAIL = "elena.garcia@example.org"
# The demo family's children, typed by a new family: a patient with cancer (10 at Camp U.O.T.S.)
# and her brother (9 at Bear Hug), born this many years before the camps' fixed dates.
LUCIA = {
    "first_name": "Lucia",
    "last_name": "Garcia",
    "date_of_birth": date(2016, 9, 14),
    "relationship": "Patient",
    "diagnosis_category": "Cancer",
    "diagnosis": "Acute lymphoblastic leukemia",
    "treated_at_hospital": True,
}
DIEGO = {
    "first_name": "Diego",
    "last_name": "Garcia",
    "date_of_birth": date(2018, 6, 2),
    "relationship": "Sibling",
}
OPEN_FOR_AT_LEAST = timedelta(days=7)  # the test must not race the window's end


def _years_later(moment, years: int):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February in a year without one
        return moment.replace(year=moment.year + years, day=28)


def _seed_demo(live_server):
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _open_demo_registration_now(live_server) -> int:
    """Move the demo camps by whole years until registration is open today (0 while their
    own dates still are). Returns the years moved."""
    with live_server.app.test_request_context():
        now = utcnow()
        events = [event_by_slug(data["slug"]) for data in DEMO_EVENTS]
        years = 0
        while any(
            _years_later(event.registration_closes_at, years) < now + OPEN_FOR_AT_LEAST
            for event in events
        ):
            years += 1
        for event in events:
            opens = _years_later(event.registration_opens_at, years)
            update_event(
                None,
                event,
                {
                    "starts_on": _years_later(event.starts_on, years),
                    "ends_on": _years_later(event.ends_on, years),
                    "registration_opens_at": min(opens, now - timedelta(days=1)),
                    "registration_closes_at": _years_later(event.registration_closes_at, years),
                },
            )
        return years


def _typed(child: dict, years: int) -> dict:
    """The child as the family types it, born `years` later to keep their age at camp."""
    return {**child, "date_of_birth": _years_later(child["date_of_birth"], years).isoformat()}


def test_moving_the_demo_camps_keeps_their_shape(live_server):
    """The helper above: after it, both camps take registrations now, for long enough."""
    _seed_demo(live_server)
    years = _open_demo_registration_now(live_server)
    with live_server.app.test_request_context():
        now = utcnow()
        for data in DEMO_EVENTS:
            event = event_by_slug(data["slug"])
            assert event.registration_opens_at <= now
            assert event.registration_closes_at >= now + OPEN_FOR_AT_LEAST
            fixed = date.fromisoformat(data["starts_on"])
            assert event.starts_on == _years_later(fixed, years)
            assert (event.ends_on - event.starts_on).days == (
                date.fromisoformat(data["ends_on"]) - fixed
            ).days


def _expect_registration_open(page):
    expect(
        page.get_by_text("Registration is open until"), "the demo camps were not moved to now"
    ).to_be_visible()


def test_new_family_registers_each_demo_child_for_the_right_camp(page, live_server):
    _seed_demo(live_server)
    years = _open_demo_registration_now(live_server)
    with live_server.app.app_context():
        bear_hug_full = seat_summary(event_by_slug("bear-hug")).full
    steps.sign_up(page, name="Elena Garcia", email=EMAIL)
    steps.verify_email(page, EMAIL)
    steps.log_in(page, EMAIL)
    steps.add_child(page, _typed(LUCIA, years))
    steps.add_child(page, _typed(DIEGO, years))
    steps.add_contact(
        page, kind="emergency", name="Rosa Garcia", relationship="grandmother", phone="305-555-0123"
    )
    # Bear Hug is a day camp: it needs an authorized pickup person.
    steps.add_contact(
        page, kind="pickup", name="Pablo Garcia", relationship="uncle", phone="305-555-0124"
    )

    # Camp U.O.T.S. is for patients: Lucia yes, Diego no, and the page says why.
    steps.open_event(page, "Camp U.O.T.S.")
    _expect_registration_open(page)
    expect(steps.standing(page, "Lucia Garcia")).to_contain_text("Can register")
    diego = steps.standing(page, "Diego Garcia")
    expect(diego).to_contain_text("Cannot register")
    expect(diego.get_by_role("listitem")).to_contain_text("Diego")
    steps.register(page, "Camp U.O.T.S.", ["Lucia Garcia"], signature="Elena Garcia")
    # Camp U.O.T.S. needs a coordinator's review: received, not yet confirmed.
    expect(steps.registration_row(page, "Lucia Garcia", "Camp U.O.T.S.")).to_contain_text(
        "waiting for a coordinator's review"
    )

    # Bear Hug is for siblings of patients: Diego yes, Lucia (a patient) no.
    steps.open_event(page, "Bear Hug")
    _expect_registration_open(page)
    expect(steps.standing(page, "Diego Garcia")).to_contain_text("Can register")
    lucia = steps.standing(page, "Lucia Garcia")
    expect(lucia).to_contain_text("Cannot register")
    expect(lucia.get_by_role("listitem")).to_contain_text("Lucia")
    steps.register(page, "Bear Hug", ["Diego Garcia"], signature="Elena Garcia")
    # The demo's forty families may have filled Bear Hug: then Diego is told his place in line.
    if bear_hug_full:
        expected, subject = "On the waitlist", "Diego is on the waitlist for Bear Hug"
    else:
        expected, subject = "Confirmed", "Diego is confirmed for Bear Hug"
    expect(steps.registration_row(page, "Diego Garcia", "Bear Hug")).to_contain_text(expected)

    steps.open_mail(page, to=EMAIL, subject="We received the registration of Lucia")
    steps.open_mail(page, to=EMAIL, subject=subject)
