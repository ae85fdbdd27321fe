"""After sign-in each camp role lands where its work is: staff on today's attendance, the nurse
on today's health center (the medication record of the overnight camp running today)."""

from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import running_camp, staff_member
from tests.factories import login


def test_staff_land_on_todays_attendance(client, app_ctx):
    answer = login(client, staff_member(Role.STAFF))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/attendance/")


def test_the_nurse_lands_on_todays_medication_round(client, app_ctx):
    event = running_camp("overnight_camp")
    running_camp("day_camp")  # a day camp has no health center round
    answer = login(client, staff_member(Role.NURSE))
    assert answer.headers["Location"].endswith("/attendance/health-center")
    round_page = client.get("/attendance/health-center")
    today = camp_today().isoformat()
    assert round_page.headers["Location"].endswith(
        f"/attendance/health-center/{event.slug}/{today}"
    )
    assert client.get(round_page.headers["Location"]).status_code == 200


def test_the_health_center_without_a_camp_today_goes_to_the_camps_and_is_no_staff_page(
    client, app_ctx
):
    login(client, staff_member(Role.NURSE))
    assert client.get("/attendance/health-center").headers["Location"].endswith("/attendance/")
    client.post("/account/logout")
    login(client, staff_member(Role.STAFF))
    assert client.get("/attendance/health-center").status_code == 403
