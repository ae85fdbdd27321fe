"""The dashboard and the roster in Chromium on a phone-sized screen: they fit, every control is
labelled, the charts draw without breaking the Content-Security-Policy, the filter form works
without script. Uses tests/browser's live server and Chromium (skipped without them)."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from camp_app.roles import Role
from tests.browser import steps
from tests.browser.a11y import unlabelled_controls
from tests.browser.artifacts import screenshot
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    context,
    http_server,
    live_server,
    page,
    server_errors,
)
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.factories import PASSWORD, make_event, make_user
from tests.roster.test_roster_page_data import add, add_group

pytestmark = pytest.mark.browser


@pytest.fixture
def camp(live_server):  # noqa: F811  (the imported fixture)
    with live_server.app.app_context():
        event = make_event(name="Camp Sunshine", capacity=4, requires_verification=True)
        owls = add_group(event, "Owls")
        start = datetime.now(UTC) - timedelta(days=10)
        for n, (first, status, age) in enumerate(
            [
                ("Ada", "confirmed", 8),
                ("Ben", "pending_review", 12),
                ("Cleo", "waitlisted", 10),
                ("Dan", "confirmed", 15),
                ("Eve", "cancelled", 7),
            ]
        ):
            group = owls if n == 0 else None
            received = start + timedelta(days=2 * n)
            add(event, first, "Fernández-Oyelaran", status=status, age=age, group=group,
                created_at=received)  # fmt: skip
        email = make_user((Role.COORDINATOR,), email="coord@example.org").email
        return event.slug, email


def check(tab, name):
    screenshot(tab, f"roster-{name}")
    assert unlabelled_controls(tab) == []
    assert_fits_phone(tab)
    assert controls_out_of_view(tab) == []


def test_dashboard_and_roster_on_a_phone(page, camp):  # noqa: F811
    slug, email = camp
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.set_viewport_size(PHONE)
    steps.log_in(page, email, PASSWORD)

    page.goto(f"/manage/events/{slug}/dashboard")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="Age mix on the first day")).to_be_visible()
    expect(page.get_by_role("img", name="Registrations received over time")).to_be_visible()
    check(page, "dashboard")
    page.get_by_text("Age mix, as a table").click()
    expect(page.get_by_role("row", name="12 1")).to_be_visible()

    page.get_by_role("link", name="Open the roster").click()
    expect(page.get_by_role("heading", level=1, name="Roster")).to_be_visible()
    check(page, "roster")
    page.get_by_label("Status").select_option(label="On the waitlist")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 registration matches")).to_be_visible()
    expect(page.get_by_text("No. 1 on the waitlist")).to_be_visible()

    page.get_by_label("From").fill("14")
    page.get_by_label("to", exact=True).fill("3")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The youngest age must not be above the oldest.").first).to_be_visible()
    check(page, "roster-error")

    # On a wide screen the table keeps its header row; the sorted column says so.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/manage/events/{slug}/roster?sort=age&dir=desc")
    header = page.get_by_role("columnheader", name="Age")
    expect(header).to_have_attribute("aria-sort", "descending")
    screenshot(page, "roster-desktop")
    assert blocked == []
