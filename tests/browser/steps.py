"""What a parent does in the browser, one step per function, by visible labels and roles.

Selectors are the words a person reads (labels, button and link names), not CSS, so that a
test fails when the page would confuse a person and not when markup is rearranged.
"""

import re

import pyotp
from playwright.sync_api import Page, expect

from tests.factories import OTP_SECRET

PASSWORD = "a long and memorable passphrase"


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


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


def open_family(page: Page) -> None:
    main_nav(page).get_by_role("link", name="My family").click()
    expect(page.get_by_role("heading", level=1, name="My family")).to_be_visible()


def add_child(page: Page, child: dict) -> None:
    """`child`: first_name, last_name, date_of_birth (YYYY-MM-DD), relationship ("Patient"
    or "Sibling"), optional diagnosis_category (its label), diagnosis, treated_at_hospital,
    allergies, medications [(name, dose, schedule)]."""
    open_family(page)
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("First name").fill(child["first_name"])
    page.get_by_label("Last name").fill(child["last_name"])
    page.get_by_label("Date of birth").fill(child["date_of_birth"])
    # Anchored: "Sibling: a brother or sister of a patient" contains the word "patient" too.
    page.get_by_role("radio", name=re.compile(f"^{child['relationship']}")).check()
    if child.get("diagnosis_category"):
        page.get_by_label("Diagnosis category").select_option(label=child["diagnosis_category"])
    if child.get("diagnosis"):
        page.get_by_label("Diagnosis", exact=True).fill(child["diagnosis"])
    if child.get("treated_at_hospital"):
        page.get_by_label("Treated at this hospital").check()
    if child.get("allergies"):
        page.get_by_label("Allergies").fill(child["allergies"])
    for number, (name, dose, schedule) in enumerate(child.get("medications", ()), start=1):
        row = page.get_by_role("group", name=f"Medication {number}", exact=True)
        row.get_by_label("Medication", exact=True).fill(name)
        row.get_by_label("Dose").fill(dose)
        row.get_by_label("When it is taken").fill(schedule)
    page.get_by_role("button", name="Save").click()
    expect_flash(page, f"{child['first_name']} was added to your family")


def add_contact(page: Page, *, kind: str, name: str, relationship: str, phone: str) -> None:
    """`kind`: "emergency" or "pickup"."""
    open_family(page)
    link = "Add an emergency contact" if kind == "emergency" else "Add a pickup person"
    page.get_by_role("link", name=link).click()
    radio = "Emergency contact" if kind == "emergency" else "Authorized pickup person"
    expect(page.get_by_role("radio", name=radio)).to_be_checked()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Relationship to the children").fill(relationship)
    page.get_by_label("Phone", exact=True).fill(phone)
    page.get_by_role("button", name="Save").click()
    expect_flash(page, f"{name} was added")


# --- events and registrations ---------------------------------------------------------------


def open_event(page: Page, name: str) -> None:
    main_nav(page).get_by_role("link", name="Upcoming events").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def standing(page: Page, child_full_name: str):
    """The line of the event page's registration panel about one child."""
    panel = page.get_by_role("region", name="Register")
    # The child's name in bold; the reasons below it are list items of their own.
    return panel.get_by_role("listitem").filter(has=page.get_by_text(child_full_name, exact=True))


MEDICAL = "I have read and accept “Consent to medical treatment”."
WAIVER = "I have read and accept “Participation agreement and release of liability”."
PHOTOS = "I have read and accept “Photo and video release” (optional)."


def consent_and_sign(page: Page, signature: str) -> None:
    """Accept every required document (the optional photo release is left unticked)."""
    documents = page.get_by_role("group", name="Documents to read and sign")
    for box in documents.get_by_role("checkbox").all():
        label = box.evaluate("el => el.labels[0].textContent")
        if "(optional)" not in label:
            box.check()
    page.get_by_label("Signature").fill(signature)


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
