"""In Chromium on a phone-sized screen: a coordinator verifies a patient and takes a family
off the waitlist with a note; every control labelled, every page fits the phone, no script.

Uses the browser harness of tests/browser (its fixtures are imported here); marked `browser`.
"""

import pytest
from playwright.sync_api import expect

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.roles import Role
from tests import factories
from tests.browser import conftest as harness
from tests.browser import steps
from tests.browser.a11y import unlabelled_controls
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.factories import PASSWORD
from tests.verification.helpers import make_family, register

pytestmark = pytest.mark.browser

# The harness's fixtures, used here as tests/browser uses them.
http_server, app_config, live_server = harness.http_server, harness.app_config, harness.live_server
browser, context, server_errors, page = (
    harness.browser,
    harness.context,
    harness.server_errors,
    harness.page,
)


def check_page(page, shot: str) -> None:
    screenshot(page, f"coordinator-{shot}")  # for people to look at
    assert unlabelled_controls(page) == []
    assert_fits_phone(page)
    assert controls_out_of_view(page) == []


def full_camp(live_server) -> dict:
    with live_server.app.app_context():
        event = factories.make_event(name="Camp Sunshine", capacity=1, requires_verification=True)
        parent, (maya,) = make_family(first_names=("Maya",), diagnosis="Acute leukemia")
        register(parent, event, [maya])
        waiting_parent, (leo,) = make_family(first_names=("Leo",))
        register(waiting_parent, event, [leo])
        coordinator = factories.make_user((Role.COORDINATOR,), household=False)
        facts = {"slug": event.slug, "coordinator": coordinator.email}
        facts["waiting_parent"] = waiting_parent.email
        db.session.remove()
    return facts


def test_coordinator_verifies_and_removes_from_the_waitlist_on_a_phone(page, live_server):
    camp = full_camp(live_server)
    page.set_viewport_size(PHONE)
    steps.log_in(page, camp["coordinator"], PASSWORD)

    page.goto(f"/manage/events/{camp['slug']}/verification")
    expect(page.get_by_role("heading", level=1, name="Patient verification")).to_be_visible()
    expect(page.get_by_text("This event requires verification:")).to_be_visible()
    check_page(page, "verification")
    page.get_by_role("button", name="Mark verified: Maya Lopez").click()
    steps.expect_flash(page, "Maya Lopez is marked verified.")
    page.get_by_role("link", name="Verified (1)").click()
    expect(page.get_by_role("row").filter(has_text="Maya Lopez")).to_contain_text("Verified")

    page.get_by_role("navigation", name="Camp Sunshine workspace").get_by_role(
        "link", name="Waitlist"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Waitlist")).to_be_visible()
    expect(page.get_by_text("Automatic promotion is on.")).to_be_visible()
    check_page(page, "waitlist")
    page.get_by_role("button", name="Give a seat now (Leo Lopez)").click()
    steps.expect_flash(page, "is full: no seat is free")
    page.get_by_text("Remove from the waitlist").first.click()  # opens the <details>
    page.get_by_label("Note to the family (sent in the email)").fill("The camp is full this year.")
    check_page(page, "waitlist-remove")
    page.get_by_role("button", name="Remove from the waitlist (Leo Lopez)").click()
    steps.expect_flash(page, "Leo Lopez is off the waitlist")
    expect(page.get_by_text("Nobody is on the waitlist.")).to_be_visible()

    with live_server.app.app_context():
        mail = db.session.scalar(
            db.select(OutboxMail).where(
                OutboxMail.to_address == camp["waiting_parent"],
                OutboxMail.category == "registration_declined",
            )
        )
        assert "The camp is full this year." in mail.body_text
