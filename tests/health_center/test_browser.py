"""The nurse's day on a phone, in Debian's Chromium: sign in with the authenticator code, see
the allergies before the doses due, give one, refuse one with its reason, correct a record,
see what is overdue, record a visit, add an addendum, and print the day's health log.

Uses the browser fixtures of tests/browser (live server with CSRF on, Chromium via Playwright);
skipped like them without Chromium, unless CAMP_REQUIRE_BROWSER=1.
"""

import re
import types
from datetime import timedelta

import pytest

from camp_app.roles import Role
from camp_app.timeutil import to_camp, utcnow
from tests.attendance.helpers import staff_member
from tests.attendance.test_browser import check_phone_page
from tests.browser import conftest as browser_fixtures
from tests.browser.phone import PHONE
from tests.browser.steps import expect_flash, log_in
from tests.factories import PASSWORD
from tests.health_center.helpers import child_at_camp, overnight_camp

pytestmark = pytest.mark.browser

app_config = browser_fixtures.app_config
browser = browser_fixtures.browser
context = browser_fixtures.context
http_server = browser_fixtures.http_server
live_server = browser_fixtures.live_server
page = browser_fixtures.page
server_errors = browser_fixtures.server_errors


def _hhmm(moment) -> str:
    return to_camp(moment).strftime("%H:%M")


@pytest.fixture
def camp(live_server):
    """Maya, at camp since yesterday, allergic to penicillin, with a dose 20 minutes late and
    one due in two hours (the overdue window is 10 minutes here)."""
    live_server.app.config["DOSE_OVERDUE_MINUTES"] = 10
    with live_server.app.test_request_context("/"):
        now = utcnow()
        late, later = now - timedelta(minutes=20), now + timedelta(hours=2)
        if {to_camp(late).date(), to_camp(later).date()} != {to_camp(now).date()}:
            pytest.skip("the doses of this test fall on one camp day; not so near midnight")
        times = [_hhmm(late), _hhmm(later)]
        medications = [{"name": "Ondansetron", "dose": "4 mg", "schedule": "", "times": times}]
        event = overnight_camp()
        child_at_camp(event, first_name="Maya", allergies="Penicillin", medications=medications)
        nurse = staff_member(Role.NURSE)
        return types.SimpleNamespace(slug=event.slug, email=nurse.email, name=nurse.name)


def test_the_nurses_day_on_a_phone(page, camp):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    log_in(page, camp.email, PASSWORD)  # with the authenticator's code
    expect(page.get_by_role("heading", level=1, name="Medication record")).to_be_visible()
    check_phone_page(page)
    maya = page.locator(".sheet-row").filter(has_text="Lopez, Maya")
    text = maya.inner_text()
    assert text.index("Allergies: Penicillin") < text.index("Ondansetron")
    overdue = page.get_by_role("alert").filter(has_text="1 dose overdue")
    expect(overdue).to_contain_text("Maya Lopez")
    expect(maya.locator("li.dose.overdue")).to_contain_text("Overdue")

    # The late dose: given in one tap; nothing is overdue any more.
    maya.locator("li.dose.overdue").get_by_role("button", name=re.compile("^Given")).click()
    expect_flash(page, "Ondansetron for Maya: Given.")
    expect(page.get_by_role("alert").filter(has_text="overdue")).to_have_count(0)
    check_phone_page(page)

    # The next dose: refused, and the reason is required.
    maya.locator('li.dose[data-status="due"]').get_by_role(
        "link", name=re.compile("^Not given")
    ).click()
    check_phone_page(page)
    page.get_by_label("Refused").check()
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("#main")).to_contain_text("Say why the dose was refused, held or missed.")
    page.get_by_label("Reason or note").fill("Says it makes her sick")
    page.get_by_role("button", name="Record", exact=True).click()
    expect_flash(page, "Ondansetron for Maya: Refused.")

    # The first record was wrong: a correction names it, the record stays.
    given = page.locator('li.dose[data-status="given"]')
    given.get_by_role("link", name=re.compile("^Correct")).click()
    expect(page.get_by_role("heading", level=1, name="Correct a record")).to_be_visible()
    check_phone_page(page)
    page.get_by_label("Held").check()
    page.get_by_label("Reason or note").fill("Held: vomiting, physician called")
    page.get_by_role("button", name="Record the correction").click()
    expect_flash(page, "Ondansetron for Maya: Held.")
    history = page.locator('li.dose[data-status="held"] .history')
    expect(history).to_contain_text("Given")
    expect(history).to_contain_text("Correction: Held")
    check_phone_page(page)

    # A visit to the health center, then an addendum.
    page.get_by_role("link", name="Health log of this day").click()
    page.get_by_role("link", name="Record a visit").click()
    check_phone_page(page)
    page.get_by_label("Child").select_option(label="Lopez, Maya")
    page.get_by_label("Complaint").fill("Stomach ache after lunch")
    page.get_by_label("Assessment").fill("Mild, no fever")
    page.get_by_label("Treatment").fill("Rest, water")
    page.get_by_label("Observed in the health center").check()
    page.get_by_label("Guardian told").check()
    page.get_by_role("button", name="Record the visit").click()
    expect_flash(page, "The visit is recorded.")
    check_phone_page(page)
    page.get_by_role("link", name=re.compile("^Add an addendum")).click()
    page.get_by_label("Addendum").fill("Better after an hour; back to the cabin")
    page.get_by_role("button", name="Add the addendum").click()
    expect_flash(page, "The addendum is added.")
    visit = page.locator("article.visit")
    expect(visit).to_contain_text("Stomach ache after lunch")
    expect(visit.locator(".addenda")).to_contain_text(camp.name)
    expect(visit.locator(".addenda")).to_contain_text("Better after an hour")

    # Per cabin, and printed: the visits without the menus, buttons and forms.
    page.get_by_role("link", name="Per cabin").click()
    expect(page.get_by_role("heading", level=2, name="No cabin")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^Add an addendum"))).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(visit).to_be_visible()
    expect(page.locator(".print-only")).to_be_visible()
    assert page.pdf()[:4] == b"%PDF"
