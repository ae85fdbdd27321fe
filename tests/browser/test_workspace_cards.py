"""The waitlist's cards in Chromium: a family's long address and phone number stay inside the
card, on a desktop screen (where the cards are narrowest for their text) and on a phone."""

import pytest

from camp_app.roles import Role
from tests.browser import steps
from tests.browser.phone import PHONE, assert_fits_phone
from tests.factories import PASSWORD, make_child, make_event, make_registration, make_user

LONG_ADDRESS = "carmen.alejandra.perez-villanueva@family.example.org"

# Each element inside a card whose box runs past the card's right edge.
_STICKING_OUT_OF_CARDS = """() => {
  const out = [];
  for (const card of document.querySelectorAll('.card')) {
    const edge = card.getBoundingClientRect().right;
    for (const el of card.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > edge + 1) {
        out.push(`${el.tagName.toLowerCase()} "${(el.textContent || '').trim().slice(0, 40)}"`);
      }
    }
  }
  return out.slice(0, 5);
}"""


def _full_camp_with_one_waiting(live_server) -> tuple[str, str]:
    """A full camp with one child waiting, whose parent has a long email address."""
    with live_server.app.app_context():
        event = make_event(slug="full-camp", capacity=1)
        parent = make_user(email=LONG_ADDRESS)
        make_registration(event, make_child(parent.household, first_name="Ana"), parent)
        waiting = make_child(parent.household, first_name="Mia")
        make_registration(event, waiting, parent, status="waitlisted")
        coordinator = make_user((Role.COORDINATOR,), email="carlos@example.org")
        return coordinator.email, event.slug


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_waitlist_cards_keep_long_addresses_inside(page, live_server, size):
    email, slug = _full_camp_with_one_waiting(live_server)
    page.set_viewport_size(size)
    steps.log_in(page, email, PASSWORD)
    page.goto(f"/manage/events/{slug}/waitlist")
    assert page.get_by_role("link", name=LONG_ADDRESS).is_visible()
    assert page.evaluate(_STICKING_OUT_OF_CARDS) == []
    assert_fits_phone(page)  # no sideways scrolling at either size
