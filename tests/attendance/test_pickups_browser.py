"""Check-out on a phone, in Debian's Chromium: to the child's mother (a guardian), to a pickup
person, and refused for a person the family named as never to take the child.

Uses the browser fixtures of tests/browser; skipped like them without Chromium, unless
CAMP_REQUIRE_BROWSER=1.
"""

import types

import pytest

from camp_app.extensions import db
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.attendance.test_browser import check_phone_page
from tests.browser import conftest as browser_fixtures
from tests.browser.phone import PHONE
from tests.browser.steps import expect_flash, log_in
from tests.factories import PASSWORD, make_contact, make_user

pytestmark = pytest.mark.browser

app_config = browser_fixtures.app_config
browser = browser_fixtures.browser
context = browser_fixtures.context
http_server = browser_fixtures.http_server
live_server = browser_fixtures.live_server
page = browser_fixtures.page
server_errors = browser_fixtures.server_errors


@pytest.fixture
def gate(live_server):
    from camp_app.roles import Role

    with live_server.app.test_request_context("/"):
        event = running_camp("day_camp", name="Bear Hug", contact_phone="+13055550199")
        maya, _pickup = confirmed_child(event)
        confirmed_child(event, first_name="Ben", last_name="Adams")
        zoe, _ = confirmed_child(event, first_name="Zoe", last_name="Diaz")
        mother = make_user((Role.PARENT,), name="Rosa Lopez", household=False)
        mother.household = maya.child.household
        make_contact(
            zoe.child.household,
            kind="do_not_release",
            name="Victor Vance",
            relationship="father",
            phone="",
            note="court order on file",
        )
        db.session.commit()
        staff = staff_member()
        return types.SimpleNamespace(
            sheet=f"{live_server.url}/attendance/{event.slug}", email=staff.email
        )


def _check_in_then_open_check_out(page, name: str) -> None:
    page.get_by_role("button", name=f"Check in {name}").click()
    expect_flash(page, f"{name} is checked in.")
    page.get_by_role("link", name=f"Check out {name}").click()
    check_phone_page(page)


def test_check_out_to_a_guardian_a_pickup_person_and_refused_for_a_restricted_one(page, gate):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    log_in(page, gate.email, PASSWORD)
    page.goto(gate.sheet)
    expect(page.locator("#main")).to_contain_text("Do not release to: Victor Vance")
    check_phone_page(page)

    # The mother registered nobody as a pickup person: as a guardian she may always pick up.
    _check_in_then_open_check_out(page, "Maya Lopez")
    page.get_by_label("Rosa Lopez (guardian)").check()
    page.get_by_role("button", name="Check out").click()
    expect_flash(page, "Maya Lopez is checked out.")
    expect(page.locator("#main")).to_contain_text("Picked up by Rosa Lopez")

    _check_in_then_open_check_out(page, "Ben Adams")
    page.get_by_label("Ana Lopez (aunt)").check()
    page.get_by_role("button", name="Check out").click()
    expect_flash(page, "Ben Adams is checked out.")

    _check_in_then_open_check_out(page, "Zoe Diaz")
    expect(page.locator("#main")).to_contain_text("court order on file")
    page.get_by_label("Victor Vance: DO NOT RELEASE").check()
    page.get_by_role("button", name="Check out").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Do not release Zoe Diaz to Victor Vance")
    expect(alert).to_contain_text("(305) 555-0199")
    call = page.get_by_role("link", name="Call the camp coordinator: (305) 555-0199")
    expect(call).to_have_attribute("href", "tel:+13055550199")
    check_phone_page(page)
