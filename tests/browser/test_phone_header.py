"""The site header on a phone (390 px): the name and the language switch share the first row
and the menu follows in compact lines, so a visitor sees a two-row header and signed-in people
at most three; every link stays in view, large enough to tap, with a visible focus ring."""

import pytest
from playwright.sync_api import expect

from camp_app.roles import Role
from tests.browser import steps
from tests.browser.artifacts import screenshot
from tests.browser.phone import PHONE, assert_fits_phone, controls_out_of_view
from tests.factories import PASSWORD, make_user

# The header's links and buttons grouped into visual rows by their vertical centre.
_HEADER = """() => {
  const header = document.querySelector('.site-header');
  const boxes = [...header.querySelectorAll('a[href], button')]
    .map((el) => el.getBoundingClientRect())
    .filter((box) => box.width > 0 && box.height > 0);
  const centers = boxes.map((box) => box.top + box.height / 2).sort((a, b) => a - b);
  const rows = [];
  for (const y of centers) {
    if (!rows.length || y - rows[rows.length - 1] > 12) rows.push(y);
  }
  const middle = (el) => { const b = el.getBoundingClientRect(); return b.top + b.height / 2; };
  return {
    rows: rows.length,
    height: Math.round(header.getBoundingClientRect().height),
    smallest: Math.round(Math.min(...boxes.map((b) => b.height))),
    brandBesideLanguage: Math.abs(middle(header.querySelector('.brand'))
      - middle(header.querySelector('.lang-switch button'))) < 12,
  };
}"""
_FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {inHeader: !!document.activeElement.closest('.site-header'),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


@pytest.fixture
def app_config(http_server):
    """As in production: a mail server, so no development mailbox link in the menu."""
    return {
        "BASE_URL": f"http://127.0.0.1:{http_server.port}",
        "WTF_CSRF_ENABLED": True,
        "MAIL_SERVER": "mail.invalid",
        "DEV_MAILBOX": False,
    }


def _sign_in(page, live_server, roles) -> None:
    with live_server.app.app_context():
        email = make_user(roles).email
    steps.log_in(page, email, PASSWORD)


@pytest.mark.parametrize(
    ("roles", "most_rows"),
    [(None, 2), ((Role.PARENT,), 3), ((Role.STAFF,), 3), ((Role.COORDINATOR,), 3),
     ((Role.ADMIN,), 3), ((Role.COORDINATOR, Role.ADMIN), 3)],
    ids=["visitor", "parent", "staff", "coordinator", "admin", "coordinator-admin"],
)  # fmt: skip
def test_the_phone_header_is_compact(page, live_server, roles, most_rows):
    page.set_viewport_size(PHONE)
    if roles:
        _sign_in(page, live_server, roles)
    page.goto("/")
    header = page.evaluate(_HEADER)
    screenshot(page, "phone-header-" + ("-".join(roles) if roles else "visitor"))
    print(roles, header)  # the measurements, for the report
    assert header["rows"] <= most_rows, header
    assert header["brandBesideLanguage"], header
    assert header["smallest"] >= 44, "links and buttons stay large enough to tap"
    assert_fits_phone(page)
    assert controls_out_of_view(page) == []


def test_the_phone_header_keeps_the_focus_ring_and_the_language_switch(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    ring = page.evaluate(_FOCUS_RING)
    assert ring["inHeader"] and ring["outline"] != "none" and ring["width"] >= 2, ring
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert page.evaluate(_HEADER)["rows"] <= 2  # the Spanish menu's longer words fit too


def test_a_wide_screen_keeps_the_header_on_one_row(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    assert page.evaluate(_HEADER)["rows"] == 1
