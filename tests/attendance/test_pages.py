"""The staff pages at the camp gate: who may see them, and the actions through real forms."""

import csv
import io

import pytest
from openpyxl import load_workbook

from camp_app.attendance import services
from camp_app.attendance.models import AttendanceEvent
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.factories import login, make_contact, make_user


@pytest.fixture
def camp(app_ctx):
    event = running_camp("day_camp", name="Bear Hug")
    maya, pickup = confirmed_child(event)
    return event, maya, pickup, camp_today().isoformat()


@pytest.fixture
def staff_client(client, camp):
    login(client, staff_member())
    return client


def day_url(event, day):
    return f"/attendance/{event.slug}/{day}"


def test_parents_get_403_and_strangers_are_sent_to_log_in(client, camp):
    event, maya, _pickup, day = camp
    assert client.get("/attendance/").status_code == 302
    login(client, make_user((Role.PARENT,)))
    for url in ("/attendance/", day_url(event, day), f"{day_url(event, day)}/{maya.id}/history"):
        assert client.get(url).status_code == 403
    assert client.post(f"{day_url(event, day)}/{maya.id}/check-in").status_code == 403
    assert client.get(f"/attendance/{event.slug}/export.csv").status_code == 403
    assert services.day_record(maya, camp_today()) is None


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR, Role.ADMIN])
def test_staff_coordinators_and_admins_see_the_index_with_todays_counts(client, camp, role):
    login(client, staff_member(role))
    page = client.get("/attendance/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bear Hug" in html and "Open today" in html
    assert 'href="/attendance/"' in html  # the menu entry


def test_day_sheet_shows_children_allergy_flag_and_buttons(staff_client, camp):
    event, maya, _pickup, day = camp
    confirmed_child(event, first_name="Ben", last_name="Adams", allergies="")
    html = staff_client.get(day_url(event, day)).get_data(as_text=True)
    assert "Adams, Ben" in html and "Lopez, Maya" in html
    assert html.count('class="badge bad allergy"') == 1  # Maya's peanuts
    assert f'action="{day_url(event, day)}/{maya.id}/check-in"' in html
    assert "Expected" in html
    searched = staff_client.get(day_url(event, day) + "?q=ada").get_data(as_text=True)
    assert "Adams, Ben" in searched and "Lopez, Maya" not in searched


def test_check_in_check_out_and_undo_through_the_pages(staff_client, camp):
    event, maya, pickup, day = camp
    base = f"{day_url(event, day)}/{maya.id}"
    answer = staff_client.post(f"{base}/check-in", data={"q": "maya"})
    assert answer.status_code == 302
    assert answer.location.endswith(f"{day_url(event, day)}?q=maya#reg-{maya.id}")
    assert services.day_record(maya, camp_today()).status == "checked_in"

    form = staff_client.get(f"{base}/check-out").get_data(as_text=True)
    assert "Ana Lopez (aunt)" in form and 'value="other"' in form
    answer = staff_client.post(f"{base}/check-out", data={"pickup": str(pickup.id)})
    assert answer.status_code == 302
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).picked_up_by_name == "Ana Lopez"

    assert staff_client.post(f"{base}/undo").status_code == 302
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).status == "checked_in"
    history = staff_client.get(f"{base}/history").get_data(as_text=True)
    assert "Undid the previous action" in history and "Checked out" in history


def test_check_out_page_lists_only_this_childs_pickup_people(staff_client, camp):
    event, maya, _pickup, day = camp
    other, _ = confirmed_child(event, first_name="Ben")
    make_contact(other.child.household, kind="pickup", name="Bob Other")
    make_contact(maya.child.household, kind="emergency", name="Eve Emergency")
    services_day = camp_today()
    staff = staff_member()
    services.check_in(staff, event, maya.id, services_day)
    html = staff_client.get(f"{day_url(event, day)}/{maya.id}/check-out").get_data(as_text=True)
    assert "Ana Lopez" in html
    assert "Bob Other" not in html and "Eve Emergency" not in html


def test_unlisted_person_is_refused_on_the_page_and_recorded(staff_client, camp):
    event, maya, _pickup, day = camp
    services.check_in(staff_member(), event, maya.id, camp_today())
    answer = staff_client.post(
        f"{day_url(event, day)}/{maya.id}/check-out",
        data={"pickup": "other", "unlisted_name": "Tom Unknown"},
    )
    assert answer.status_code == 422  # refused: the page says so, and so does the status
    html = answer.get_data(as_text=True)
    assert 'role="alert"' in html and "Do not release the child" in html
    assert "call the camp coordinator" in html.lower()
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).status == "checked_in"
    refused = db.session.scalar(
        db.select(AttendanceEvent).where(AttendanceEvent.action == "pickup_refused")
    )
    assert refused.pickup_name == "Tom Unknown"


def test_check_out_before_check_in_shows_the_message(staff_client, camp):
    event, maya, pickup, day = camp
    answer = staff_client.post(
        f"{day_url(event, day)}/{maya.id}/check-out", data={"pickup": str(pickup.id)}
    )
    assert answer.status_code == 200
    assert "has not been checked in" in answer.get_data(as_text=True)


def test_absent_with_reason_through_the_page(staff_client, camp):
    event, maya, _pickup, day = camp
    url = f"{day_url(event, day)}/{maya.id}/absent"
    assert 'name="reason"' in staff_client.get(url).get_data(as_text=True)
    assert staff_client.post(url, data={"reason": "fever"}).status_code == 302
    html = staff_client.get(day_url(event, day)).get_data(as_text=True)
    assert "fever" in html and "Absent" in html


def test_other_events_registration_and_bad_dates_are_404(staff_client, camp):
    event, maya, _pickup, day = camp
    other = running_camp()
    assert staff_client.get(f"{day_url(other, day)}/{maya.id}/check-out").status_code == 404
    assert staff_client.get(day_url(event, "2020-01-01")).status_code == 404
    assert staff_client.get(day_url(event, "yesterday")).status_code == 404
    assert staff_client.get("/attendance/no-such-camp/2027-01-01").status_code == 404


def test_exports_download(staff_client, camp):
    event, _maya, _pickup, day = camp
    query = f"?date_from={day}&date_to={day}"
    answer = staff_client.get(f"/attendance/{event.slug}/export.csv{query}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][0] == "date" and rows[1][2:5] == ["Maya", "Lopez", "expected"]
    assert "attachment" in answer.headers["Content-Disposition"]

    answer = staff_client.get(f"/attendance/{event.slug}/export.xlsx{query}")
    assert load_workbook(io.BytesIO(answer.data)).active.max_row == 2
    answer = staff_client.get(f"/attendance/{event.slug}/sign-in-sheet.pdf{query}")
    assert answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")

    backwards = f"?date_from={day}&date_to=2001-01-01"
    assert staff_client.get(f"/attendance/{event.slug}/export.csv{backwards}").status_code == 302
    # A range reaching outside the event is cut to the event's days.
    outside = staff_client.get(f"/attendance/{event.slug}/export.csv?date_from=2001-01-01")
    days = (event.ends_on - event.starts_on).days + 1
    assert len(list(csv.reader(io.StringIO(outside.get_data(as_text=True))))) == 1 + days


def test_impossible_numbers_are_404_or_refused_never_a_500(staff_client, camp):
    event, maya, _pickup, day = camp
    assert staff_client.get(f"{day_url(event, day)}/99999999999/check-out").status_code == 404
    services.check_in(staff_member(), event, maya.id, camp_today())
    answer = staff_client.post(
        f"{day_url(event, day)}/{maya.id}/check-out", data={"pickup": "99999999999"}
    )
    assert answer.status_code == 422 and "Do not release the child" in answer.get_data(as_text=True)
