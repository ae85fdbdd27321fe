"""The gate's day sheet and the printable sheets show each child's real cabin or group."""

import html

from camp_app.attendance import exports, services
from camp_app.attendance.day_sheet import group_names
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.factories import login, make_group
from tests.support.queries import counted_statements


def _cabin(event, name, *registrations):
    return make_group(event, name, capacity=8, members=registrations, gender="")


def test_group_names_reads_every_name_in_one_query(app_ctx):
    event = running_camp("overnight_camp")
    maya, _ = confirmed_child(event, pickup=False)
    ben, _ = confirmed_child(event, pickup=False, first_name="Ben", last_name="Adams")
    lea, _ = confirmed_child(event, pickup=False, first_name="Lea", last_name="Wong")
    _cabin(event, "Bears", maya)
    _cabin(event, "Otters", ben)
    maya_id, ben_id, lea_id = maya.id, ben.id, lea.id
    with counted_statements() as statements:
        names = group_names(iter([maya_id, ben_id, lea_id, maya_id]))
    assert names == {maya_id: "Bears", ben_id: "Otters"}  # Lea is in no cabin
    assert len(statements) == 1
    assert group_names([]) == {}


def test_the_day_sheet_shows_the_cabin(app_ctx, client):
    event = running_camp("overnight_camp", name="Lakeside")
    maya, _ = confirmed_child(event, pickup=False)
    confirmed_child(event, pickup=False, first_name="Ben", last_name="Adams")
    _cabin(event, "Bears", maya)
    today = camp_today()
    sheet = services.day_sheet(event, today)
    assert sheet.show_groups
    assert {row.full_name: row.group for row in sheet.rows} == {
        "Ben Adams": "",
        "Maya Lopez": "Bears",
    }
    login(client, staff_member())
    response = client.get(f"/attendance/{event.slug}/{today.isoformat()}")
    page = html.unescape(response.get_data(as_text=True))
    assert "Group: Bears" in page and "Group: —" in page


def test_the_sign_in_sheet_sorts_by_real_cabin(app_ctx):
    event = running_camp("overnight_camp")
    maya, _ = confirmed_child(event, pickup=False)
    ben, _ = confirmed_child(event, pickup=False, first_name="Ben", last_name="Adams")
    _cabin(event, "Otters", ben)
    _cabin(event, "Bears", maya)
    rows = exports.sheet_rows_by_group(event, camp_today())
    assert [(row.group, row.first_name) for row in rows] == [("Bears", "Maya"), ("Otters", "Ben")]
