"""Keyboard use, labels and phone screens, on a family that already exists (built through the
factories, so that these tests do not repeat the sign-up journey)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from tests import factories
from tests.browser import steps
from tests.browser.a11y import unlabelled_controls
from tests.browser.artifacts import screenshot
from tests.browser.phone import (
    PHONE,
    choices_apart_from_their_labels,
    controls_out_of_view,
    horizontal_overflow,
)


@pytest.fixture
def family(live_server):
    """A verified parent with a patient (10), a sibling (8) and both kinds of contact, and an
    open camp for patients. Returns what the tests need to find them on the pages."""
    with live_server.app.app_context():
        parent = factories.make_user(email="maria.ortiz@example.org", name="Maria Ortiz")
        household = parent.household
        factories.make_child(
            household, first_name="Maya", last_name="Ortiz", date_of_birth=date(2017, 2, 1)
        )
        factories.make_child(
            household,
            first_name="Tomas",
            last_name="Ortiz",
            date_of_birth=date(2019, 4, 2),
            relationship="sibling",
            diagnosis_category=None,
            diagnosis="",
            treated_at_hospital=False,
        )
        factories.make_contact(household, kind="emergency")
        factories.make_contact(household, kind="pickup", name="Luis Ortiz", relationship="uncle")
        event = factories.make_event(slug="camp-pines", name="Camp Pines")
        return {"email": parent.email, "password": factories.PASSWORD, "slug": event.slug}


def _log_in(page, family):
    page.goto("/account/login")
    steps.log_in(page, family["email"], family["password"])


def test_registration_form_can_be_completed_with_the_keyboard_alone(page, family):
    _log_in(page, family)
    page.goto(f"/events/{family['slug']}/register")
    # Every control has a label that get_by_label finds.
    maya = page.get_by_label("Maya Ortiz")
    medical = page.get_by_label(steps.MEDICAL)
    waiver = page.get_by_label(steps.WAIVER)
    photos_yes = page.get_by_label(steps.PHOTOS)
    signature = page.get_by_label("Signature")
    submit = page.get_by_role("button", name="Register", exact=True)
    assert unlabelled_controls(page) == []

    # From the top of the page, Tab walks the form in reading order; Space ticks, typing signs.
    page.locator("body").focus()
    steps.tab_to(page, maya)
    page.keyboard.press("Space")
    steps.tab_to(page, medical)
    page.keyboard.press("Space")
    steps.tab_to(page, waiver)
    page.keyboard.press("Space")
    steps.tab_to(page, photos_yes)
    page.keyboard.press("Space")
    steps.tab_to(page, signature)
    page.keyboard.type("Maria Ortiz")
    steps.tab_to(page, submit)
    assert steps.focus_is_visible(page), "the focused Register button shows no focus outline"
    for control in (maya, medical, waiver, photos_yes):
        expect(control).to_be_checked()

    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("your registration for")
    expect(page.get_by_role("listitem").filter(has_text="Maya Ortiz")).to_contain_text("Confirmed")


def test_missing_consents_are_explained_next_to_the_fields(page, family, live_server):
    """Submitting without consents or signature: the page says what is missing, next to each
    field and in a summary, keeps what was ticked, and registers nobody."""
    _log_in(page, family)
    page.goto(f"/events/{family['slug']}/register")
    page.get_by_label("Maya Ortiz").check()
    page.get_by_role("button", name="Register", exact=True).click()

    summary = page.get_by_role("alert")
    waiver_title = "Participation agreement and release of liability"
    expect(summary).to_contain_text(f"Please read and accept “{waiver_title}” to register.")
    expect(summary).to_contain_text("Please type your full name to sign.")
    expect(page.get_by_label("Maya Ortiz")).to_be_checked()
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    # Each message is tied to its field, so that a screen reader reads it with the field.
    expect(page.get_by_label("Signature")).to_have_accessible_description(
        re.compile("Please type your full name to sign.")
    )
    medical = page.get_by_label(steps.MEDICAL)
    expect(medical).to_have_accessible_description(
        re.compile("Please read and accept “Consent to medical treatment” to register.")
    )
    expect(page.get_by_label(steps.PHOTOS)).not_to_be_checked()  # optional: no error


class PhoneWalk:
    """Visits pages at phone size, saves a screenshot of each, and collects what is wrong, so
    that one run reports every page instead of stopping at the first."""

    def __init__(self, page):
        self.page = page
        self.overflow, self.unlabelled, self.out_of_view, self.detached = [], [], [], []
        page.set_viewport_size(PHONE)

    def visit(self, name: str, path: str | None = None) -> None:
        if path is not None:
            response = self.page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
        where = path or self.page.url
        screenshot(self.page, name)
        sizes = horizontal_overflow(self.page)
        if sizes["scroll"] > sizes["client"]:
            self.overflow.append(
                f"{where}: {sizes['scroll']}px wide on a {sizes['client']}px screen; "
                f"widest parts: {sizes['overflowing']}"
            )
        if unlabelled := unlabelled_controls(self.page):
            self.unlabelled.append(f"{where}: {unlabelled}")
        if hidden := controls_out_of_view(self.page):
            self.out_of_view.append(f"{where}: {hidden}")
        if detached := choices_apart_from_their_labels(self.page):
            self.detached.append(f"{where}: {detached}")


def walk_the_parent_pages(page, family) -> PhoneWalk:
    """Every page of the journey: a newcomer signing up, then a parent registering a child."""
    walk = PhoneWalk(page)
    slug = family["slug"]
    walk.visit("phone-home", "/")
    walk.visit("phone-event", f"/events/{slug}")
    walk.visit("phone-login", "/account/login")
    walk.visit("phone-signup", "/account/signup")
    steps.sign_up(page, name="Beatriz Newcomer", email="beatriz@example.org")
    walk.visit("phone-check-email")
    steps.open_mail(page, to="beatriz@example.org", subject="Please confirm your email address")
    walk.visit("phone-verification-mail")
    steps.follow_link_in_mail(page, "/account/verify/")
    walk.visit("phone-verify")

    _log_in(page, family)
    walk.visit("phone-household", "/family")
    walk.visit("phone-add-child", "/family/children/new")
    walk.visit("phone-add-contact", "/family/contacts/new?kind=pickup")
    walk.visit("phone-event-signed-in", f"/events/{slug}")
    walk.visit("phone-register", f"/events/{slug}/register")
    page.get_by_label("Maya Ortiz").check()
    steps.consent_and_sign(page, "Maria Ortiz")
    steps.submit_registration(page)
    walk.visit("phone-registrations")
    walk.visit("phone-mailbox", "/dev/mailbox")
    page.get_by_role("link", name="Maya is confirmed for Camp Pines").click()
    walk.visit("phone-confirmation-mail")
    return walk


def test_pages_fit_a_phone_and_label_every_control(page, family):
    """No page is wider than a 390px phone screen; every form control has a label."""
    walk = walk_the_parent_pages(page, family)
    assert walk.overflow == [], "pages wider than the phone:\n" + "\n".join(walk.overflow)
    assert walk.unlabelled == [], "controls without a label:\n" + "\n".join(walk.unlabelled)


def test_phone_layout_keeps_controls_in_view_and_beside_their_labels(page, family):
    """Stricter than fitting: a link in a sideways-scrolling table does not widen the page,
    yet a parent on a phone does not see it; a radio button a line above its words is hard to
    match with them."""
    walk = walk_the_parent_pages(page, family)
    problems = [f"out of view: {p}" for p in walk.out_of_view]
    problems += [f"label not beside its box: {p}" for p in walk.detached]
    assert problems == [], "\n".join(problems)


def _background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_secondary_and_danger_buttons_do_not_look_like_the_main_action(page, family):
    """Next to "Save", "Add another medication row" must not look like the main action, and
    the button that deletes a child's medical details must look dangerous."""
    _log_in(page, family)
    page.get_by_role("link", name="Edit Maya's details").click()
    save = page.get_by_role("button", name="Save")
    add_row = page.get_by_role("button", name="Add another medication row")
    assert _background(add_row) != _background(save), "the secondary button looks primary"
    primary = _background(save)
    page.get_by_role("link", name="Remove Maya").click()
    remove = page.get_by_role("button", name="Yes, remove")
    assert _background(remove) != primary, "the destructive button looks like Save"
