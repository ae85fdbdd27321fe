"""On a phone: a parent reads a consent document in full (scrolling its box with the keyboard,
opening the printable copy), signs with a name that is not hers and is told so, signs again
and lands on the confirmation with the reference, the status, the calendar file and the
signed record."""

import contextlib
import re
from datetime import date
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from tests import factories
from tests.browser import steps
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone


@pytest.fixture
def family(live_server):
    with live_server.app.app_context():
        parent = factories.make_user(email="lucia.mendez@example.org", name="Lucía Méndez")
        factories.make_child(
            parent.household, first_name="Sara", last_name="Mendez", date_of_birth=date(2016, 3, 3)
        )
        factories.make_contact(parent.household, kind="emergency")
        factories.make_event(slug="camp-lake", name="Camp Lake")
        return {"email": parent.email, "password": factories.PASSWORD}


def test_a_parent_reads_a_consent_signs_and_keeps_the_confirmation_on_a_phone(
    page, family, live_server
):
    page.set_viewport_size(PHONE)
    page.goto("/account/login")
    steps.log_in(page, family["email"], family["password"])
    page.goto("/events/camp-lake/register")
    assert_fits_phone(page)

    # The waiver's full text is on the page, in a box that scrolls with the keyboard.
    waiver = page.get_by_role("region", name="Participation agreement and release of liability")
    expect(waiver).to_contain_text("To the extent the law allows")
    waiver.focus()
    assert steps.focus_is_visible(page), "the focused text box shows no focus outline"
    before = waiver.evaluate("el => el.scrollTop")
    page.keyboard.press("End")
    # The browser may scroll smoothly: wait (up to 2 s) for the box to have moved.
    handle = waiver.element_handle()
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what went wrong
        page.wait_for_function(
            "([el, top]) => el.scrollTop > top", arg=[handle, before], timeout=2000
        )
    assert waiver.evaluate("el => el.scrollTop") > before, "the text does not scroll"
    screenshot(page, "consent-register-phone")

    # The printable copy, on a page of its own.
    page.get_by_role("link", name="Open a printable copy of “Consent to medical treatment”").click()
    expect(
        page.get_by_role("heading", level=1, name="Consent to medical treatment")
    ).to_be_visible()
    expect(page.get_by_text("Version 1", exact=False)).to_be_visible()
    assert_fits_phone(page)
    page.go_back()

    page.get_by_label("Sara Mendez").check()
    steps.consent_and_sign(page, "lucia")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_label("Signature")).to_have_accessible_description(
        re.compile("The signature must be the full name of a parent or guardian")
    )
    with live_server.app.app_context():
        assert db.session.scalar(select(Registration)) is None

    # Accents and capitals aside, her name signs.
    steps.consent_and_sign(page, "LUCIA MENDEZ")
    page.get_by_role("button", name="Register", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("your registration for Camp Lake is received")
    assert re.search(r"/registrations/confirmation/\d+$", page.url)
    with live_server.app.app_context():
        registration = db.session.scalar(select(Registration))
        reference = registration.reference
    sara = page.get_by_role("listitem").filter(has_text="Sara Mendez")
    expect(sara).to_contain_text(reference)
    expect(sara).to_contain_text("Confirmed")
    documents = page.get_by_role("region", name="The documents you signed")
    expect(documents).to_contain_text("Consent to medical treatment, version 1: accepted")
    expect(documents).to_contain_text("Photo and video release, version 1: not accepted")
    expect(documents).to_contain_text("LUCIA MENDEZ")
    assert_fits_phone(page)
    screenshot(page, "consent-confirmation-phone")

    with page.expect_download() as calendar:
        page.get_by_role("link", name="Add the camp dates to your calendar (.ics)").click()
    parsed = icalendar.Calendar.from_ical(Path(calendar.value.path()).read_bytes())
    (entry,) = parsed.walk("VEVENT")
    assert str(entry["summary"]) == "Camp Lake: Sara"

    with page.expect_download() as record:
        page.get_by_role("link", name="Download the signed record (PDF)").click()
    assert Path(record.value.path()).read_bytes().startswith(b"%PDF-")

    # The reference is in "My registrations" too.
    page.get_by_role("link", name="See all my registrations").click()
    expect(steps.registration_row(page, "Sara Mendez", "Camp Lake")).to_contain_text(reference)
