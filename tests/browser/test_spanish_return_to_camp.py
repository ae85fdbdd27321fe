"""A Spanish-speaking parent on a phone opens a camp's page, creates an account from it,
confirms the address from the (Spanish) mail, signs in and lands back on that camp, whose
name and texts are in Spanish."""

import re
from datetime import date

from playwright.sync_api import expect

from tests import factories
from tests.browser import steps
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone
from tests.browser.steps import es

EMAIL = "lucia.mendez@example.org"


def test_a_spanish_parent_signs_up_from_a_camp_and_lands_back_on_it(page, live_server):
    with live_server.app.app_context():
        camp = factories.make_event(
            slug="sun-camp",
            name="Sun Camp",
            summary="A week by the lake.",
            translations={"es": {"name": "Campamento Sol", "summary": "Una semana junto al lago."}},
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 19),
        )
        path = f"/events/{camp.slug}"
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.get_by_role("link", name="Campamento Sol").first.click()
    expect(page.get_by_role("heading", level=1, name="Campamento Sol")).to_be_visible()
    expect(page.get_by_text("Una semana junto al lago.").first).to_be_visible()
    assert_fits_phone(page)

    panel = page.locator(".registration-panel")
    panel.get_by_role("link", name=es("Create an account")).click()
    page.get_by_label(es("Your name")).fill("Lucía Méndez")
    page.get_by_label(es("Email address")).fill(EMAIL)
    page.get_by_label(es("Password"), exact=True).fill(steps.PASSWORD)
    page.get_by_label(es("Password again")).fill(steps.PASSWORD)
    page.get_by_label(es("Language for emails")).select_option("es")
    assert_fits_phone(page)
    page.get_by_role("button", name=es("Create my account")).click()
    expect(page.get_by_role("heading", name=es("Check your email"))).to_be_visible()

    page.goto("/dev/mailbox")
    row = page.get_by_role("row").filter(has_text=EMAIL).first
    expect(row).to_contain_text(es("Please confirm your email address"))
    row.get_by_role("link").click()
    page.get_by_role("region", name=es("Plain text")).get_by_role("link").filter(
        has_text="/account/verify/"
    ).first.click()
    page.get_by_role("button", name=es("Confirm my email address")).click()
    expect(page).to_have_url(re.compile(r"/account/login\?next="))
    page.get_by_label(es("Password")).fill(steps.PASSWORD)
    page.get_by_role("button", name=es("Log in")).click()

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1, name="Campamento Sol")).to_be_visible()
    expect(
        page.get_by_text(es("Add your children to your family profile to register them."))
    ).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "phone-spanish-back-on-the-camp")
