"""The whole journey of a parent (issues 3 and 15), in a real browser against a live server, in
English and in Spanish (the browser's language), on a phone and on a desktop:

sign up from a camp's page → confirm the address from the mail (a real SMTP server) → back on
the camp → add two children and a contact → one can register, the other cannot, with the reason
→ read a consent document in full → a signature that is not a guardian's name is refused →
sign with hers → the confirmation (reference, status, what happens next, the .ics, the signed
record) → the confirmation mail with the reference → "My registrations" shows the reference.

Every visible text is asserted in the page's language (the Spanish from the committed
catalog), and axe-core runs on each page of the journey: no serious or critical violation.
"""

import re
from datetime import date
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.notifications.delivery import deliver_due
from camp_app.registrations.models import Registration
from tests import factories
from tests.browser import steps
from tests.browser.a11y import axe_violations, blocking
from tests.browser.artifacts import screenshot
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.phone import PHONE, assert_fits_phone
from tests.browser.steps import say
from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401

EMAIL = "rosa.alvarez@example.org"
SLUG = "camp-lakeside"
CAMP = {"en": "Camp Lakeside", "es": "Campamento Lago"}
BROWSER_LOCALE = {"en": "en-US", "es": "es-ES"}
SIZES = {"phone": PHONE, "desktop": {"width": 1280, "height": 900}}
# A sentence deep in the waiver's text, which only a reader who scrolled to it sees.
WAIVER_DEEP = {"en": "To the extent the law allows", "es": "En la medida en que la ley lo permita"}
WAIVER = "Participation agreement and release of liability"
WAIVER_ES = "Acuerdo de participación y exención de responsabilidad"
MEDICAL = "Consent to medical treatment"
MEDICAL_ES = "Consentimiento para tratamiento médico"

# Ages on the first day of camp (2027-06-14): Sofia 10, Leo 8.
SOFIA = {
    "first_name": "Sofia",
    "last_name": "Alvarez",
    "date_of_birth": "2017-01-10",
    "relationship": "Patient",
    "diagnosis_category": "Cancer",
    "diagnosis": "Acute lymphoblastic leukemia, maintenance therapy",
    "treated_at_hospital": True,
    "allergies": "Penicillin (hives)",
    "medications": [("Mercaptopurine", "50 mg", "every evening")],
}
LEO = {
    "first_name": "Leo",
    "last_name": "Alvarez",
    "date_of_birth": "2019-03-03",
    "relationship": "Sibling",
}


@pytest.fixture(params=["en", "es"])
def lang(request):
    return request.param


@pytest.fixture(params=["phone", "desktop"])
def size(request):
    return request.param


@pytest.fixture
def app_config(http_server, smtp_app_config):  # noqa: F811
    """Mail goes to a real SMTP server; links in it point at the live server."""
    return {
        **smtp_app_config,
        "BASE_URL": f"http://127.0.0.1:{http_server.port}",
        "WTF_CSRF_ENABLED": True,
    }


@pytest.fixture
def context(browser, live_server, lang, size):
    """The browser speaks the reader's language (Accept-Language) at the chosen size."""
    context = browser.new_context(
        base_url=live_server.url, locale=BROWSER_LOCALE[lang], viewport=SIZES[size]
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def make_patients_camp(app) -> None:
    """An overnight camp for patients with cancer or a blood disorder, ages 7 to 16, with its
    name in Spanish too."""
    with app.app_context():
        factories.make_event(
            slug=SLUG,
            name=CAMP["en"],
            translations={"es": {"name": CAMP["es"]}},
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 19),
            audience="patients",
            min_age=7,
            max_age=16,
        )


def mails(app, smtp, to: str, subject: str) -> list:
    """Deliver what the outbox holds, then the mails to `to` whose subject is `subject`."""
    with app.app_context():
        deliver_due()
    return [m for m in smtp.messages_to(to) if m["Subject"] == subject]


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


class Checks:
    """What is checked on every page of the journey: axe-core, and on a phone the width."""

    def __init__(self, page, size: str, name: str):
        self.page, self.size, self.name = page, size, name

    def __call__(self, what: str, shot: bool = False) -> None:
        found = blocking(axe_violations(self.page))
        assert not found, f"axe on {what} ({self.page.url}): {found}"
        if self.size == "phone":
            assert_fits_phone(self.page)
        if shot:
            screenshot(self.page, f"journey-{self.name}-{what}")


def test_a_parent_walks_the_whole_journey(page, live_server, smtp_server, lang, size):  # noqa: F811
    app = live_server.app
    make_patients_camp(app)
    camp = CAMP[lang]
    check = Checks(page, size, f"{lang}-{size}")

    def t(text: str, **names) -> str:
        return say(lang, text, **names)

    # --- a camp's page, before any account ------------------------------------------------
    page.goto(f"/events/{SLUG}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1, name=camp)).to_be_visible()
    check("camp-page")
    panel = page.get_by_role("region", name=t("Register"))
    panel.get_by_role("link", name=t("Create an account")).click()

    page.get_by_label(t("Your name")).fill("Rosa Alvarez")
    page.get_by_label(t("Email address")).fill(EMAIL)
    page.get_by_label(t("Password"), exact=True).fill(steps.PASSWORD)
    page.get_by_label(t("Password again")).fill(steps.PASSWORD)
    # The mail language starts as the language she reads the site in.
    expect(page.get_by_label(t("Language for emails"))).to_have_value(lang)
    check("sign-up")
    page.get_by_role("button", name=t("Create my account")).click()
    expect(page.get_by_role("heading", name=t("Check your email"))).to_be_visible()

    # --- the address, confirmed from the mail the SMTP server received ---------------------
    [verify] = mails(app, smtp_server, EMAIL, t("Please confirm your email address"))
    link = re.search(r"https?://\S+/account/verify/\S+", plain_text(verify)).group(0)
    page.goto(link)
    check("confirm-address")
    page.get_by_role("button", name=t("Confirm my email address")).click()
    expect(page).to_have_url(re.compile(r"/account/login\?next="))
    page.get_by_label(t("Password")).fill(steps.PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()

    # --- back on the camp -----------------------------------------------------------------
    expect(page).to_have_url(re.compile(f"/events/{SLUG}$"))
    expect(page.get_by_role("heading", level=1, name=camp)).to_be_visible()
    expect(
        page.get_by_text(t("Add your children to your family profile to register them."))
    ).to_be_visible()

    # --- the family -----------------------------------------------------------------------
    steps.add_child(page, SOFIA, lang)
    steps.add_child(page, LEO, lang)
    steps.add_contact(
        page,
        kind="emergency",
        name="Ana Alvarez",
        relationship="tía" if lang == "es" else "aunt",
        phone="(305) 555-0100",
        lang=lang,
    )
    children = page.get_by_role("region", name=t("Children"))
    expect(children.get_by_role("heading", name="Sofia Alvarez")).to_be_visible()
    expect(children.get_by_role("heading", name="Leo Alvarez")).to_be_visible()
    check("family", shot=True)

    # --- who can come, and why not --------------------------------------------------------
    page.goto(f"/events/{SLUG}")
    expect(steps.standing(page, "Sofia Alvarez", lang)).to_contain_text(t("Can register"))
    leo = steps.standing(page, "Leo Alvarez", lang)
    expect(leo).to_contain_text(t("Cannot register"))
    reason = t(
        "%(event)s is for patients, and %(child)s is not registered as one.",
        event=camp,
        child="Leo",
    )
    expect(leo.get_by_role("listitem")).to_have_text(reason)
    check("standings", shot=True)

    page.get_by_role("link", name=t("Register for %(event)s", event=camp)).click()
    expect(
        page.get_by_role("heading", level=1, name=t("Register for %(event)s", event=camp))
    ).to_be_visible()
    # Only the eligible child can be ticked; the other is listed with the reason.
    expect(page.get_by_role("checkbox", name="Leo Alvarez")).to_have_count(0)
    expect(page.get_by_role("group", name=t("Children to register"))).to_contain_text(reason)

    # --- a consent document, read in full -------------------------------------------------
    waiver = page.get_by_role("region", name=WAIVER_ES if lang == "es" else WAIVER)
    waiver.focus()
    assert waiver.evaluate("el => el.scrollTop") == 0
    page.keyboard.press("End")
    # Chromium scrolls smoothly: wait for the box to get there.
    page.wait_for_function("el => el.scrollTop > 0", arg=waiver.element_handle())
    expect(waiver.get_by_text(WAIVER_DEEP[lang])).to_be_in_viewport()
    medical = MEDICAL_ES if lang == "es" else MEDICAL
    page.get_by_role("link", name=t("Open a printable copy of “%(title)s”", title=medical)).click()
    expect(page.get_by_role("heading", level=1, name=medical)).to_be_visible()
    expect(page.get_by_text(t("Version %(n)s", n=1), exact=False).first).to_contain_text(camp)
    expect(page.get_by_role("link", name=t("Back to %(event)s", event=camp))).to_be_visible()
    check("consent-document")
    page.go_back()

    # --- a signature that is not a guardian's name ----------------------------------------
    page.get_by_label("Sofia Alvarez").check()
    steps.consent_and_sign(page, "Rosa", lang)
    check("register-form")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    refused = t(
        "The signature must be the full name of a parent or guardian of the family, as in "
        "your family profile (for example “%(name)s”).",
        name="Rosa Alvarez",
    )
    expect(page.get_by_label(t("Signature"))).to_have_accessible_description(
        re.compile(re.escape(refused))
    )
    expect(page.get_by_role("alert")).to_contain_text(refused)
    check("signature-refused")
    with app.app_context():
        assert db.session.scalar(select(Registration)) is None

    # --- signed: the confirmation ---------------------------------------------------------
    steps.consent_and_sign(page, "Rosa Alvarez", lang)
    page.get_by_role("button", name=t("Register"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Thank you: your registration for %(event)s is received", event=camp)
    )
    assert re.search(r"/registrations/confirmation/\d+$", page.url)
    with app.app_context():
        reference = db.session.scalar(select(Registration.reference))
    sofia = page.get_by_role("listitem").filter(has_text="Sofia Alvarez")
    expect(sofia).to_contain_text(f"{t('Reference')}{reference}")
    expect(sofia).to_contain_text(f"{t('Status')}{t('Confirmed')}")
    expect(sofia).to_contain_text(t("What happens next"))
    expect(sofia).to_contain_text(
        t(
            "The seat is confirmed. We will email you what to pack and when to arrive before "
            "camp starts."
        )
    )
    documents = page.get_by_role("region", name=t("The documents you signed"))
    expect(documents).to_contain_text(f"{medical}, {t('version %(n)s', n=1)}: {t('accepted')}")
    expect(documents).to_contain_text("Rosa Alvarez")
    check("confirmation", shot=True)

    with page.expect_download() as calendar:
        page.get_by_role("link", name=t("Add the camp dates to your calendar (.ics)")).click()
    parsed = icalendar.Calendar.from_ical(Path(calendar.value.path()).read_bytes())
    (entry,) = parsed.walk("VEVENT")
    assert str(entry["summary"]) == f"{camp}: Sofia"
    with page.expect_download() as record:
        page.get_by_role("link", name=t("Download the signed record (PDF)")).click()
    assert Path(record.value.path()).read_bytes().startswith(b"%PDF-")

    # --- the confirmation mail, in her language, with the reference; no medical detail ----
    subject = t("%(child)s is confirmed for %(event)s", child="Sofia", event=camp)
    [confirmed] = mails(app, smtp_server, EMAIL, subject)
    text = plain_text(confirmed)
    assert f"{t('Reference')}: {reference}" in text
    assert any(part.get_filename().endswith(".ics") for part in confirmed.iter_attachments())
    for medical_detail in ("leukemia", "Mercaptopurine", "Penicillin"):
        assert medical_detail.lower() not in text.lower()

    # --- "My registrations" ---------------------------------------------------------------
    page.get_by_role("link", name=t("See all my registrations")).click()
    expect(page.get_by_role("heading", level=1, name=t("My registrations"))).to_be_visible()
    row = steps.registration_row(page, "Sofia Alvarez", camp)
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text(t("Confirmed"))
    expect(steps.registration_row(page, "Leo Alvarez", camp)).to_have_count(0)
    check("my-registrations", shot=True)
