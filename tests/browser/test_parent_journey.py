"""The acceptance journey of issue 3, in a real browser against a live server: a parent signs
up, confirms the address from the mail, adds two children, sees one eligible and one not with
the reason, registers the eligible one and sees the confirmation and its mail."""

import re
from datetime import date

from playwright.sync_api import expect

from tests import factories
from tests.browser import steps
from tests.browser.artifacts import screenshot

EMAIL = "rosa.alvarez@example.org"

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


def make_patients_camp(app):
    """An overnight camp for patients with cancer or a blood disorder, ages 7 to 16."""
    with app.app_context():
        event = factories.make_event(
            slug="camp-lakeside",
            name="Camp Lakeside",
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 19),
            audience="patients",
            min_age=7,
            max_age=16,
        )
        return event.slug, event.name


def test_parent_signs_up_adds_children_and_registers_the_eligible_one(page, live_server):
    slug, camp = make_patients_camp(live_server.app)

    steps.sign_up(page, name="Rosa Alvarez", email=EMAIL)
    steps.verify_email(page, EMAIL)
    steps.log_in(page, EMAIL)
    expect(page.get_by_role("heading", level=1, name="My family")).to_be_visible()

    steps.add_child(page, SOFIA)
    steps.add_child(page, LEO)
    steps.add_contact(
        page, kind="emergency", name="Ana Alvarez", relationship="aunt", phone="(305) 555-0100"
    )
    steps.add_contact(
        page, kind="pickup", name="Jorge Alvarez", relationship="grandfather", phone="305 555 0111"
    )
    children = page.get_by_role("region", name="Children")
    expect(children.get_by_role("heading", name="Sofia Alvarez")).to_be_visible()
    expect(children.get_by_role("heading", name="Leo Alvarez")).to_be_visible()
    screenshot(page, "journey-household")

    # The event page says, for each child, whether they can come, and why not.
    steps.open_event(page, camp)
    assert page.url.endswith(f"/events/{slug}")
    expect(steps.standing(page, "Sofia Alvarez")).to_contain_text("Can register")
    leo = steps.standing(page, "Leo Alvarez")
    expect(leo).to_contain_text("Cannot register")
    # The reason is a sentence naming the child and the rule (audience: patients).
    expect(leo.get_by_role("listitem")).to_contain_text(re.compile(r"Leo.*patient|patient.*Leo"))
    screenshot(page, "journey-event")

    page.get_by_role("link", name=f"Register for {camp}").click()
    expect(page.get_by_role("heading", level=1, name=f"Register for {camp}")).to_be_visible()
    # Only the eligible child can be ticked; the other is listed with the reason.
    expect(page.get_by_role("checkbox", name="Leo Alvarez")).to_have_count(0)
    expect(page.get_by_role("group", name="Children to register")).to_contain_text("Leo Alvarez")
    page.get_by_label("Sofia Alvarez").check()
    steps.consent_and_sign(page, "Rosa Alvarez")
    screenshot(page, "journey-register-form")
    steps.submit_registration(page)

    row = steps.registration_row(page, "Sofia Alvarez", camp)
    expect(row).to_contain_text("Confirmed")
    expect(steps.registration_row(page, "Leo Alvarez", camp)).to_have_count(0)
    screenshot(page, "journey-registrations")

    # The confirmation mail: names child and camp, carries the .ics, no medical details.
    steps.open_mail(page, to=EMAIL, subject=f"is confirmed for {camp}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofia")
    expect(page.get_by_role("region", name="Attachments")).to_contain_text(".ics")
    mail_text = page.get_by_role("region", name="Plain text").inner_text()
    for medical in ("leukemia", "Mercaptopurine", "Penicillin"):
        assert medical.lower() not in mail_text.lower()
    screenshot(page, "journey-confirmation-mail")
