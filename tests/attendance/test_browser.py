"""The gate on a phone, in Debian's Chromium: tap to check in, check out from the pickup list.

Uses the browser fixtures of tests/browser (live server with CSRF on, Chromium via Playwright);
skipped like them without Chromium, unless CAMP_REQUIRE_BROWSER=1.
"""

import types

import pytest

from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.browser import conftest as browser_fixtures
from tests.browser.a11y import unlabelled_controls
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.browser.steps import expect_flash, log_in, main_nav
from tests.factories import PASSWORD, make_child, make_contact, make_registration, make_user

pytestmark = pytest.mark.browser

# The browser folder's fixtures (a live server with CSRF on, Chromium, a page per test).
app_config = browser_fixtures.app_config
browser = browser_fixtures.browser
context = browser_fixtures.context
http_server = browser_fixtures.http_server
live_server = browser_fixtures.live_server
page = browser_fixtures.page
server_errors = browser_fixtures.server_errors

_SMALL_TARGETS = """() => {
  const targets = document.querySelectorAll(
    'main button, main a.button, main .day-link, main .choice, main .history-link');
  return [...targets]
    .filter((el) => el.getBoundingClientRect().height < 44)
    .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`);
}"""


@pytest.fixture
def gate(live_server):
    with live_server.app.test_request_context("/"):
        event = running_camp("day_camp", name="Bear Hug")
        confirmed_child(event)
        confirmed_child(event, first_name="Ben", last_name="Adams", allergies="")
        staff = staff_member()
        return types.SimpleNamespace(slug=event.slug, email=staff.email)


def check_phone_page(page) -> None:
    assert_fits_phone(page)
    assert unlabelled_controls(page) == []
    assert controls_out_of_view(page) == []
    assert page.evaluate(_SMALL_TARGETS) == []


def test_gate_staff_check_a_child_in_and_out_on_a_phone(page, gate):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    log_in(page, gate.email, PASSWORD)
    main_nav(page).get_by_role("link", name="Attendance").click()
    check_phone_page(page)
    page.get_by_role("link", name="Open today's sheet").click()
    check_phone_page(page)
    expect(page.locator("#main")).to_contain_text("Allergy")

    page.get_by_role("button", name="Check in Maya Lopez").click()
    expect_flash(page, "Maya Lopez is checked in.")
    page.get_by_role("link", name="Check out Maya Lopez").click()
    check_phone_page(page)

    page.get_by_label("Someone who is not on this list").check()
    page.get_by_label("Name of the person, if not on the list").fill("Tom Unknown")
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_role("alert")).to_contain_text("Do not release the child")
    check_phone_page(page)

    page.get_by_label("Ana Lopez (aunt)").check()
    page.get_by_role("button", name="Check out").click()
    expect_flash(page, "Maya Lopez is checked out.")
    expect(page.locator("#main")).to_contain_text("Picked up by Ana Lopez")

    page.get_by_role("button", name="Undo the last action for Maya Lopez").click()
    expect_flash(page, "The last action was undone.")

    page.get_by_label("Search by name").fill("ada")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".sheet-row")).to_have_count(1)
    check_phone_page(page)


@pytest.fixture
def family_gate(live_server):
    """A child whose mother registered her and whose family named a man never to take her."""
    with live_server.app.test_request_context("/"):
        event = running_camp("day_camp", name="Bear Hug", contact_phone="+13055550123")
        mother = make_user(name="Rosa Lopez")
        child = make_child(mother.household, first_name="Lucia", last_name="Lopez")
        make_contact(
            mother.household,
            kind="do_not_release",
            name="Rick Stranger",
            relationship="father",
            note="Court order on file",
        )
        registration = make_registration(event, child, mother)
        registration_id = registration.id
        staff = staff_member()
        return types.SimpleNamespace(slug=event.slug, email=staff.email, id=registration_id)


def test_check_out_refuses_a_restricted_person_loudly_and_releases_to_the_mother(page, family_gate):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    log_in(page, family_gate.email, PASSWORD)
    main_nav(page).get_by_role("link", name="Attendance").click()
    page.get_by_role("link", name="Open today's sheet").click()
    page.get_by_role("button", name="Check in Lucia Lopez").click()
    expect_flash(page, "Lucia Lopez is checked in.")
    page.get_by_role("link", name="Check out Lucia Lopez").click()
    # The family's alert is on the page before anyone is chosen.
    expect(page.get_by_role("note")).to_contain_text("Rick Stranger")
    expect(page.get_by_role("note")).to_contain_text("Court order on file")
    check_phone_page(page)

    page.get_by_label("Rick Stranger: DO NOT RELEASE").check()
    page.get_by_role("button", name="Check out").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Do not release the child")
    expect(refusal).to_contain_text("This attempt has been recorded.")
    call = refusal.get_by_role("link", name="Call the camp coordinator: (305) 555-0123")
    expect(call).to_have_attribute("href", "tel:+13055550123")
    check_phone_page(page)

    # The mother is a guardian: always allowed, though not on the pickup list.
    page.get_by_label("Rosa Lopez (guardian)").check()
    page.get_by_role("button", name="Check out").click()
    expect_flash(page, "Lucia Lopez is checked out.")
    expect(page.locator("#main")).to_contain_text("Picked up by Rosa Lopez")
