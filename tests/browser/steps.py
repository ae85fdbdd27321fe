"""What a parent does in the browser, one step per function, by visible labels and roles.

Selectors are the words a person reads (labels, button and link names), not CSS, so that a
test fails when the page would confuse a person and not when markup is rearranged.
"""

import re
from functools import cache
from pathlib import Path

import pyotp
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from tests.factories import OTP_SECRET

PASSWORD = "a long and memorable passphrase"
CATALOG = Path(__file__).resolve().parents[2] / "camp_app/translations/es/LC_MESSAGES/messages.po"


@cache
def _spanish():
    with CATALOG.open("rb") as po:
        return read_po(po, locale="es")


def es(text: str) -> str:
    """What a Spanish reader sees for `text` (the committed catalog)."""
    message = _spanish().get(text)
    assert message is not None and message.string, f"no Spanish for {text!r}"
    return message.string


def say(lang: str, text: str, **names) -> str:
    """`text` (an English msgid) as a reader of `lang` ("en" or "es") sees it, with `names`
    filled in as the app's gettext does."""
    words = es(text) if lang == "es" else text
    return words % names if names else words


def main_nav(page: Page, lang: str = "en"):
    return page.get_by_role("navigation", name=say(lang, "Main"))


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


# --- accounts -------------------------------------------------------------------------------


def sign_up(page: Page, *, name: str, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    main_nav(page).get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def open_mail(page: Page, *, to: str, subject: str) -> None:
    """Open the newest mail to `to` whose subject contains `subject` in the dev mailbox."""
    main_nav(page).get_by_role("link", name="Dev mailbox").click()
    expect(page.get_by_role("heading", name="Development mailbox")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=to).filter(has_text=subject).first
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)


def follow_link_in_mail(page: Page, path_part: str) -> None:
    """Click the link in the mail's plain-text part whose address contains `path_part`."""
    text_part = page.get_by_role("region", name="Plain text")
    # has_text, not a name regex: Playwright cannot parse a "/" inside a regex name.
    text_part.get_by_role("link").filter(has_text=path_part).first.click()


def verify_email(page: Page, email: str) -> None:
    open_mail(page, to=email, subject="Please confirm your email address")
    follow_link_in_mail(page, "/account/verify/")
    # Opening the link changes nothing (mail scanners open links too); the button confirms.
    page.get_by_role("button", name="Confirm my email address").click()
    expect_flash(page, "your email address is confirmed")


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    if not re.search(r"/account/login", page.url):
        page.goto("/account/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if page.url.endswith("/account/second-factor"):  # staff test accounts have OTP_SECRET
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(OTP_SECRET).now())
        page.get_by_role("button", name="Log in").click()
    expect(main_nav(page).get_by_role("button", name="Log out")).to_be_visible()


# --- the household --------------------------------------------------------------------------


def open_family(page: Page, lang: str = "en") -> None:
    main_nav(page, lang).get_by_role("link", name=say(lang, "My family")).click()
    expect(page.get_by_role("heading", level=1, name=say(lang, "My family"))).to_be_visible()


RELATIONSHIPS = {
    "Patient": "Patient: treated for the condition",
    "Sibling": "Sibling: a brother or sister of a patient",
}


def add_child(page: Page, child: dict, lang: str = "en") -> None:
    """`child`: first_name, last_name, date_of_birth (YYYY-MM-DD), relationship ("Patient"
    or "Sibling"), optional diagnosis_category (its English label), diagnosis,
    treated_at_hospital, allergies, medications [(name, dose, schedule)]. `lang`: the
    language of the page's labels ("en" or "es")."""

    def label(text: str, exact: bool = False):
        return page.get_by_label(say(lang, text), exact=exact)

    open_family(page, lang)
    page.get_by_role("link", name=say(lang, "Add a child")).first.click()
    label("First name", exact=True).fill(child["first_name"])
    label("Last name", exact=True).fill(child["last_name"])
    label("Date of birth").fill(child["date_of_birth"])
    relationship = say(lang, RELATIONSHIPS[child["relationship"]])
    page.get_by_role("radio", name=relationship, exact=True).check()
    if child.get("diagnosis_category"):
        label("Diagnosis category").select_option(label=say(lang, child["diagnosis_category"]))
    if child.get("diagnosis"):
        page.get_by_label(say(lang, "Diagnosis"), exact=True).fill(child["diagnosis"])
    if child.get("treated_at_hospital"):
        label("Treated at this hospital").check()
    if child.get("allergies"):
        label("Allergies").fill(child["allergies"])
    for number, (name, dose, schedule) in enumerate(child.get("medications", ()), start=1):
        group = say(lang, "Medication %(number)d", number=number)
        row = page.get_by_role("group", name=group, exact=True)
        row.get_by_label(say(lang, "Medication"), exact=True).fill(name)
        row.get_by_label(say(lang, "Dose")).fill(dose)
        row.get_by_label(say(lang, "When it is taken")).fill(schedule)
    page.get_by_role("button", name=say(lang, "Save")).click()
    expect_flash(page, say(lang, "%(name)s was added to your family.", name=child["first_name"]))


def add_contact(
    page: Page, *, kind: str, name: str, relationship: str, phone: str, lang: str = "en"
) -> None:
    """`kind`: "emergency" or "pickup"."""
    open_family(page, lang)
    link = "Add an emergency contact" if kind == "emergency" else "Add a pickup person"
    page.get_by_role("link", name=say(lang, link)).click()
    radio = "Emergency contact" if kind == "emergency" else "Authorized pickup person"
    expect(page.get_by_role("radio", name=say(lang, radio))).to_be_checked()
    page.get_by_label(say(lang, "Full name")).fill(name)
    page.get_by_label(say(lang, "Relationship to the children")).fill(relationship)
    page.get_by_label(say(lang, "Phone"), exact=True).fill(phone)
    page.get_by_role("button", name=say(lang, "Save")).click()
    expect_flash(page, say(lang, "%(name)s was added.", name=name))


# --- events and registrations ---------------------------------------------------------------


def open_event(page: Page, name: str) -> None:
    main_nav(page).get_by_role("link", name="Upcoming events").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def standing(page: Page, child_full_name: str, lang: str = "en"):
    """The line of the event page's registration panel about one child."""
    panel = page.get_by_role("region", name=say(lang, "Register"))
    # The child's name in bold; the reasons below it are list items of their own.
    return panel.get_by_role("listitem").filter(has=page.get_by_text(child_full_name, exact=True))


MEDICAL = "I have read and accept “Consent to medical treatment”."
WAIVER = "I have read and accept “Participation agreement and release of liability”."
PHOTOS = "I have read and accept “Photo and video release” (optional)."


def consent_and_sign(page: Page, signature: str, lang: str = "en") -> None:
    """Accept every required document (the optional photo release is left unticked)."""
    documents = page.get_by_role("group", name=say(lang, "Documents to read and sign"))
    # The optional document's label ends as the catalog's sentence does, after the title.
    optional = say(lang, "I have read and accept “%(title)s” (optional).", title="\0")
    optional_end = optional.split("\0")[1]
    for box in documents.get_by_role("checkbox").all():
        label = box.evaluate("el => el.labels[0].textContent")
        if not label.endswith(optional_end):
            box.check()
    page.get_by_label(say(lang, "Signature")).fill(signature)


def submit_registration(page: Page) -> None:
    """Submit, land on the confirmation, then go on to "My registrations"."""
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your registration for")
    page.get_by_role("link", name="See all my registrations").click()
    expect(page.get_by_role("heading", level=1, name="My registrations")).to_be_visible()


def register(page: Page, event_name: str, children: list[str], *, signature: str) -> None:
    """From the event page: tick `children` (full names), consent, sign and submit."""
    page.get_by_role("link", name=f"Register for {event_name}").click()
    for name in children:
        page.get_by_label(name).check()
    consent_and_sign(page, signature)
    submit_registration(page)


def registration_row(page: Page, child_full_name: str, event_name: str):
    """The entry of "My registrations" about one child at one event: a table row or a list
    item (a card), whichever the page uses."""
    entries = page.get_by_role("row").or_(page.get_by_role("listitem"))
    return entries.filter(has_text=child_full_name).filter(
        has=page.get_by_role("link", name=event_name, exact=True)
    )


# --- the keyboard ---------------------------------------------------------------------------


def tab_to(page: Page, target, max_presses: int = 60) -> int:
    """Press Tab until `target` has the focus; returns how many presses it took."""
    handle = target.element_handle()
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if handle.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{max_presses} presses of Tab never reached {target}")


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline (the :focus-visible style)."""
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle !== 'none'")
