"""The nurse's pages: the day (allergies first, doses, overdue), a dose in one tap, a reason,
a correction, the health log per child and per cabin, a visit and an addendum."""

import re

import pytest

from camp_app.extensions import db
from camp_app.health_center.models import DoseRecord, HealthVisit, HealthVisitAddendum
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import running_camp, staff_member
from tests.factories import login, make_group
from tests.health_center.helpers import at, child_at_camp, overnight_camp
from tests.support.queries import statements_for


@pytest.fixture
def camp(app_ctx):
    event = overnight_camp()
    maya = child_at_camp(event, first_name="Maya", allergies="Penicillin")
    make_group(event, "Dolphins", members=[maya])
    return event, maya, camp_today().isoformat()


@pytest.fixture
def nurse_client(client, camp):
    login(client, staff_member(Role.NURSE))
    return client


def base(event, day):
    return f"/attendance/health-center/{event.slug}/{day}"


def test_the_day_shows_allergies_before_the_doses(nurse_client, camp):
    event, maya, day = camp
    page = nurse_client.get(base(event, day))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    # Within the child's card: after 8:00 camp time the overdue box above it names the dose too.
    card = html[html.index(f'id="child-{maya.id}"') :]
    assert card.index("Allergies: Penicillin") < card.index("Ondansetron")
    assert "Dolphins" in html


def test_given_in_one_tap_then_a_correction_with_a_reason(nurse_client, camp):
    event, maya, day = camp
    medication_id = maya.child.medications[0].id
    url = f"{base(event, day)}/dose/{maya.id}"
    tap = {"medication_id": str(medication_id), "due_at": at(8).isoformat(), "status": "given"}
    answer = nurse_client.post(url, data=tap)
    assert answer.status_code == 302 and answer.location.endswith(f"#child-{maya.id}")
    first = db.session.scalar(db.select(DoseRecord))
    assert first.status == "given"
    again = nurse_client.post(url, data=tap)
    assert again.status_code == 422
    assert "already recorded" in again.get_data(as_text=True)
    form = nurse_client.get(
        f"{url}?medication_id={medication_id}&due_at={at(8).isoformat().replace('+', '%2B')}"
        f"&corrects_id={first.id}"
    ).get_data(as_text=True)
    assert "Correct a record" in form and "This record stays as it was" in form
    refused = {**tap, "status": "refused", "corrects_id": str(first.id), "note": ""}
    answer = nurse_client.post(url, data=refused)
    assert answer.status_code == 422
    assert "Say why the dose was refused, held or missed." in answer.get_data(as_text=True)
    answer = nurse_client.post(url, data={**refused, "note": "Would not swallow"})
    assert answer.status_code == 302
    html = nurse_client.get(base(event, day)).get_data(as_text=True)
    assert "Correction:" in html and "Would not swallow" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(DoseRecord)) == 2


def test_counselors_and_parents_get_403_coordinators_read_but_do_not_record(client, camp):
    event, maya, day = camp
    pages = [base(event, day), f"{base(event, day)}/visits"]
    writes = [f"{base(event, day)}/dose/{maya.id}", f"{base(event, day)}/visits/new"]
    login(client, staff_member(Role.STAFF))
    assert [client.get(url).status_code for url in pages + writes] == [403] * 4
    sheet = client.get(f"/attendance/{event.slug}/{day}").get_data(as_text=True)
    assert "Health log of this day" not in sheet and "Medication log" not in sheet
    client.post("/account/logout")
    login(client, staff_member(Role.COORDINATOR))
    assert [client.get(url).status_code for url in pages] == [200, 200]
    assert [client.get(url).status_code for url in writes] == [403, 403]
    html = client.get(base(event, day)).get_data(as_text=True)
    assert "Ondansetron" in html and ">Given" not in html
    sheet = client.get(f"/attendance/{event.slug}/{day}").get_data(as_text=True)
    assert f'href="{base(event, day)}/visits"' in sheet and f'href="{base(event, day)}"' in sheet


def test_a_visit_and_an_addendum_through_the_pages(nurse_client, camp):
    event, maya, day = camp
    new = f"{base(event, day)}/visits/new"
    form = nurse_client.get(new).get_data(as_text=True)
    assert "Lopez, Maya" in form
    empty = nurse_client.post(new, data={"registration_id": str(maya.id)})
    assert empty.status_code == 200
    html = empty.get_data(as_text=True)
    assert "Enter the complaint: why the child came." in html
    assert "Choose what happened next." in html
    assert db.session.scalar(db.select(db.func.count()).select_from(HealthVisit)) == 0
    answer = nurse_client.post(
        new,
        data={
            "registration_id": str(maya.id),
            "complaint": "Stomach ache",
            "assessment": "Mild",
            "treatment": "Rest",
            "disposition": "observed",
            "guardian_notified": "y",
        },
    )
    assert answer.status_code == 302
    visit = db.session.scalar(db.select(HealthVisit))
    assert visit.guardian_notified and visit.guardian_notified_at is not None
    url = f"{base(event, day)}/visits/{visit.id}/addendum"
    assert nurse_client.post(url, data={"text": ""}).status_code == 200
    assert nurse_client.post(url, data={"text": "Better after an hour"}).status_code == 302
    assert db.session.scalar(db.select(HealthVisitAddendum)).text == "Better after an hour"
    log = nurse_client.get(f"{base(event, day)}/visits?by=cabin").get_data(as_text=True)
    assert "Dolphins" in log and "Stomach ache" in log and "Better after an hour" in log
    assert "@media print" in nurse_client.get("/static/health_center.css").get_data(as_text=True)


def test_the_day_page_costs_the_same_for_more_children(nurse_client, camp):
    event, _maya, day = camp
    few = statements_for(nurse_client, base(event, day))
    for number in range(5):
        child_at_camp(event, first_name=f"Kid{number}")
    assert statements_for(nurse_client, base(event, day)) == few
    page = nurse_client.get(base(event, day)).get_data(as_text=True)
    assert len(re.findall(r'class="sheet-row', page)) == 6


def test_a_day_camp_has_no_medication_record_page(nurse_client, app_ctx):
    event = running_camp("day_camp")
    assert nurse_client.get(base(event, camp_today().isoformat())).status_code == 404
