"""Issue 2's "a coordinator logs in and edits an event", in Chromium on a phone-sized screen:
create, edit, publish; every control labelled, every page fits the phone."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from tests.browser import steps
from tests.browser.a11y import unlabelled_controls
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.factories import PASSWORD, make_user


def make_coordinator(live_server) -> str:
    with live_server.app.app_context():
        return make_user((Role.COORDINATOR,), email="carlos@example.org").email


def stored_event(live_server, slug: str) -> Event:
    with live_server.app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == slug))
        db.session.expunge(event)
        return event


def check_page(page, shot: str | None = None) -> None:
    if shot:
        screenshot(page, f"coordinator-{shot}")  # for people to look at
    assert unlabelled_controls(page) == []
    assert_fits_phone(page)
    assert controls_out_of_view(page) == []


def test_coordinator_creates_edits_and_publishes_an_event(page, live_server):
    email = make_coordinator(live_server)
    create_edit_and_publish(page, live_server, email)


def create_edit_and_publish(page, live_server, email: str) -> None:
    page.set_viewport_size(PHONE)
    steps.log_in(page, email, PASSWORD)

    steps.main_nav(page).get_by_role("link", name="Manage events").click()
    expect(page.get_by_role("heading", level=1, name="Manage events")).to_be_visible()
    page.get_by_role("link", name="Create an event").click()
    check_page(page, "create-form")
    page.get_by_label("Name", exact=True).fill("Art Day")
    page.get_by_label("Web address name", exact=True).fill("art-day")
    page.get_by_label("Kind", exact=True).select_option(label="Day camp")
    page.get_by_label("First day", exact=True).fill("2027-08-02")
    page.get_by_label("Last day", exact=True).fill("2027-08-02")
    page.get_by_label("Registration opens", exact=True).fill("2027-01-04T09:00")
    page.get_by_label("Registration closes", exact=True).fill("2027-07-15T17:30")
    page.get_by_label("Number of seats", exact=True).fill("12")
    page.get_by_label("Open to", exact=True).select_option(label="Patients and their siblings")
    page.get_by_label("Youngest age", exact=True).fill("6")
    page.get_by_label("Oldest age", exact=True).fill("4")  # a slip: the page must say what is wrong
    page.get_by_label("Cancer", exact=True).check()
    page.get_by_role("button", name="Create the event").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    age_error = page.get_by_text("The youngest age cannot be above the oldest age.")
    expect(age_error.first).to_be_visible()
    page.get_by_label("Oldest age", exact=True).fill("12")
    page.get_by_role("button", name="Create the event").click()

    expect(page.get_by_role("heading", level=1, name="Art Day")).to_be_visible()
    expect(page.get_by_text("Not published: only coordinators can see this page.")).to_be_visible()
    check_page(page, "event-page")
    created = stored_event(live_server, "art-day")
    # Typed as camp time (New York, EST in January): stored as 14:00 UTC.
    assert created.registration_opens_at == datetime(2027, 1, 4, 14, 0, tzinfo=UTC)
    assert created.diagnosis_categories == ["cancer"]

    page.get_by_role("link", name="Edit this event").click()
    check_page(page)
    expect(page.get_by_label("Registration opens", exact=True)).to_have_value("2027-01-04T09:00")
    page.get_by_label("Number of seats", exact=True).fill("20")
    page.get_by_label("Location", exact=True).fill("Family Center, 2nd floor")
    page.get_by_role("button", name="Save changes").click()
    steps.expect_flash(page, "Your changes to “Art Day” were saved.")
    expect(page.get_by_text("Family Center, 2nd floor")).to_be_visible()
    expect(page.get_by_text("20 seats left").first).to_be_visible()

    steps.main_nav(page).get_by_role("link", name="Manage events").click()
    check_page(page, "manage-list")
    page.get_by_role("button", name="Publish Art Day").click()
    steps.expect_flash(page, "“Art Day” is published.")
    assert stored_event(live_server, "art-day").published is True

    # Families now find it in the catalog.
    steps.main_nav(page).get_by_role("link", name="Upcoming events").click()
    expect(page.get_by_role("link", name="Art Day", exact=True)).to_be_visible()
    check_page(page)
