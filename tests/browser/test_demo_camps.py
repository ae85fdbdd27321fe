"""Issue 3's "done when", in the browser on the demo data (`flask seed-demo`): a new user
registers both children for the right camps and is told clearly why a wrong one is refused.

The demo camps have fixed dates (registration open from 2026-11-01 until the end of April and
May 2027); the first assertion says so if that window has passed.
"""

from playwright.sync_api import expect

from tests.browser import steps

EMAIL = "elena.garcia@example.org"
# The demo family's children, typed by a new family: a patient with cancer (10 at Camp U.O.T.S.)
# and her brother (9 at Bear Hug).
LUCIA = {
    "first_name": "Lucia",
    "last_name": "Garcia",
    "date_of_birth": "2016-09-14",
    "relationship": "Patient",
    "diagnosis_category": "Cancer",
    "diagnosis": "Acute lymphoblastic leukemia",
    "treated_at_hospital": True,
}
DIEGO = {
    "first_name": "Diego",
    "last_name": "Garcia",
    "date_of_birth": "2018-06-02",
    "relationship": "Sibling",
}


def _seed_demo(live_server):
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _expect_registration_open(page):
    expect(
        page.get_by_text("Registration is open until"), "the demo camps' dates passed"
    ).to_be_visible()


def test_new_family_registers_each_demo_child_for_the_right_camp(page, live_server):
    _seed_demo(live_server)
    steps.sign_up(page, name="Elena Garcia", email=EMAIL)
    steps.verify_email(page, EMAIL)
    steps.log_in(page, EMAIL)
    steps.add_child(page, LUCIA)
    steps.add_child(page, DIEGO)
    steps.add_contact(
        page, kind="emergency", name="Rosa Garcia", relationship="grandmother", phone="305-555-0123"
    )
    # Bear Hug is a day camp: it needs an authorized pickup person.
    steps.add_contact(
        page, kind="pickup", name="Pablo Garcia", relationship="uncle", phone="305-555-0124"
    )

    # Camp U.O.T.S. is for patients: Lucia yes, Diego no, and the page says why.
    steps.open_event(page, "Camp U.O.T.S.")
    _expect_registration_open(page)
    expect(steps.standing(page, "Lucia Garcia")).to_contain_text("Can register")
    diego = steps.standing(page, "Diego Garcia")
    expect(diego).to_contain_text("Cannot register")
    expect(diego.get_by_role("listitem")).to_contain_text("Diego")
    steps.register(page, "Camp U.O.T.S.", ["Lucia Garcia"], signature="Elena Garcia")
    # Camp U.O.T.S. needs a coordinator's review: received, not yet confirmed.
    expect(steps.registration_row(page, "Lucia Garcia", "Camp U.O.T.S.")).to_contain_text(
        "waiting for a coordinator's review"
    )

    # Bear Hug is for siblings of patients: Diego yes, Lucia (a patient) no.
    steps.open_event(page, "Bear Hug")
    _expect_registration_open(page)
    expect(steps.standing(page, "Diego Garcia")).to_contain_text("Can register")
    lucia = steps.standing(page, "Lucia Garcia")
    expect(lucia).to_contain_text("Cannot register")
    expect(lucia.get_by_role("listitem")).to_contain_text("Lucia")
    steps.register(page, "Bear Hug", ["Diego Garcia"], signature="Elena Garcia")
    expect(steps.registration_row(page, "Diego Garcia", "Bear Hug")).to_contain_text("Confirmed")

    steps.open_mail(page, to=EMAIL, subject="We received the registration of Lucia")
    steps.open_mail(page, to=EMAIL, subject="Diego is confirmed for Bear Hug")
