"""The admins' audit log in Chromium on a phone: filters by keyboard and labels, entries as
cards that fit the screen, the page links keeping the filters."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from tests.browser import steps
from tests.browser.a11y import unlabelled_controls
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.factories import PASSWORD, make_user


def _log_with_entries(live_server) -> str:
    """An admin, and 60 changes to a child by a parent with a long address, on 1-2 March."""
    with live_server.app.app_context():
        admin = make_user((Role.ADMIN,), name="Ada Admin")
        parent = make_user(name="Rosa Lopez", email="rosa.maria.lopez-fernandez.family@example.org")
        start = datetime(2027, 3, 1, 14, tzinfo=UTC)
        for n in range(60):
            db.session.add(
                AuditEntry(
                    at=start + timedelta(minutes=30 * n), actor_id=parent.id,
                    action="child.update", entity_type="children", entity_id=7,
                    fields=["allergies", "diagnosis", "medications", "physician_phone"],
                )
            )  # fmt: skip
        db.session.add(
            AuditEntry(at=start, actor_id=None, action="registration.promoted",
                       entity_type="registrations", entity_id=3, fields=["status"])
        )  # fmt: skip
        db.session.commit()
        return admin.email


def test_an_admin_filters_the_log_on_a_phone(page, live_server):
    email = _log_with_entries(live_server)
    page.set_viewport_size(PHONE)
    steps.log_in(page, email, PASSWORD)
    steps.main_nav(page).get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    assert unlabelled_controls(page) == []
    assert_fits_phone(page)
    assert controls_out_of_view(page) == []
    screenshot(page, "phone-audit-log")

    page.get_by_label("Who (email or name contains)").fill("rosa")
    page.get_by_label("What").select_option(label="Any change to a child")
    page.get_by_label("From (day)").fill("2027-03-01")
    page.get_by_label("To (day)").fill("2027-03-01")
    page.get_by_label("To (day)").press("Enter")  # the keyboard submits the filters
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Changed a child's details")
    expect(rows.first).to_contain_text("allergies, diagnosis, medications, physician_phone")
    # 14:00 UTC to 04:30 UTC next day is 1 March in New York: 30 entries, on one page.
    expect(rows).to_have_count(30)
    expect(page.get_by_text("system")).to_have_count(0)
    assert_fits_phone(page)

    page.get_by_label("From (day)").fill("")
    page.get_by_label("To (day)").fill("")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Older").click()
    expect(rows).to_have_count(10)
    expect(page.get_by_label("Who (email or name contains)")).to_have_value("rosa")
    page.get_by_role("link", name="History").first.click()
    expect(page.get_by_text("History of Child #7")).to_be_visible()


def test_a_bad_date_is_explained_next_to_its_field(page, live_server):
    email = _log_with_entries(live_server)
    steps.log_in(page, email, PASSWORD)
    page.goto("/admin/audit?from=2026-13-40")
    expect(page.get_by_role("alert")).to_contain_text("Some filters were left out")
    field = page.get_by_label("From (day)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#from-error")).to_contain_text("year-month-day")
    expect(page.locator("tbody tr")).to_have_count(50)
