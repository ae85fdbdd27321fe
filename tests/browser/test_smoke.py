"""The harness itself: a live server, a real browser, pages with labels, a phone screen."""

import re

from playwright.sync_api import expect

from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone


def test_home_page_renders_in_a_real_browser(page):
    response = page.goto("/")
    assert response.status == 200
    expect(page).to_have_title(re.compile("Children's Hospital Camps"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_first_tab_reaches_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_sign_up_page_has_labelled_fields(page):
    page.goto("/account/signup")
    for label in ("Email", "Password"):
        expect(page.get_by_label(label, exact=False).first).to_be_editable()
    expect(page.get_by_role("button", name=re.compile("create|sign up", re.I))).to_be_visible()


def test_home_and_sign_up_pages_fit_a_phone(page):
    page.set_viewport_size(PHONE)
    for path, name in (("/", "phone-home"), ("/account/signup", "phone-signup")):
        page.goto(path)
        screenshot(page, name)
        assert_fits_phone(page)
