"""Attendance exports over any range: cut to the event's days, a fixed number of statements
whatever the range (once, a range of centuries ran a query per day until gunicorn killed the
worker), and the same states as the day sheet."""

import csv
import io
import re
import time
from datetime import date, timedelta

import pytest

from camp_app.attendance import exports, services
from camp_app.attendance.span import span_rows
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput
from camp_app.timeutil import camp_today
from tests.api.conftest import token_for
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.factories import make_user
from tests.support.queries import counted_statements

CENTURIES = (date(1, 1, 1), date(9999, 12, 31))


def _csv(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


@pytest.fixture
def overnight(app_ctx):
    """An overnight camp four days old: Maya arrived on day 1 and left on day 3, Ben was
    absent on day 2 and arrived on day 3; Cara never came."""
    event = running_camp("overnight_camp", days_before=4, days_after=2)
    staff = staff_member()
    maya, _ = confirmed_child(event, first_name="Maya", last_name="Lopez")
    ben, _ = confirmed_child(event, first_name="Ben", last_name="Adams")
    confirmed_child(event, first_name="Cara", last_name="Zane")
    day = [event.starts_on + timedelta(days=n) for n in range(5)]
    services.check_in(staff, event, maya.id, day[1])
    services.check_out(staff, event, maya.id, day[3])
    services.mark_absent(staff, event, ben.id, day[2], "fever")
    services.check_in(staff, event, ben.id, day[3])
    return event


def test_a_range_of_centuries_is_the_whole_event_quickly(overnight):
    started = time.thread_time()  # CPU time: a busy machine's other processes do not count
    centuries = _csv(exports.attendance_csv(overnight, *CENTURIES))
    assert time.thread_time() - started < 2
    whole = _csv(exports.attendance_csv(overnight))
    days = (overnight.ends_on - overnight.starts_on).days + 1
    assert centuries == whole and len(whole) == 1 + 3 * days
    assert {row[0] for row in centuries[1:]} == {
        (overnight.starts_on + timedelta(days=n)).isoformat() for n in range(days)
    }


def test_a_range_reaching_past_one_end_keeps_the_days_inside(overnight):
    second_day = overnight.starts_on + timedelta(days=1)
    rows = _csv(exports.attendance_csv(overnight, second_day, date(9999, 12, 31)))
    assert rows[1][0] == second_day.isoformat()
    assert rows[-1][0] == overnight.ends_on.isoformat()


def test_a_range_that_misses_the_event_has_only_the_header(overnight):
    assert overnight.starts_on  # loaded before counting
    with counted_statements() as statements:
        rows = _csv(exports.attendance_csv(overnight, date(1900, 1, 1), date(1999, 12, 31)))
    assert rows == [list(exports.CSV_HEADER)]
    assert statements == []


def test_a_start_after_the_end_is_refused_before_anything_streams(overnight):
    with pytest.raises(InvalidInput) as error:
        exports.attendance_csv(overnight, date(9999, 12, 31), date(1, 1, 1))
    assert [(p.code, p.field) for p in error.value.problems] == [("invalid_range", "to")]
    with pytest.raises(InvalidInput) as error:
        exports.attendance_csv(overnight, "2020-01-01")
    assert [(p.code, p.field) for p in error.value.problems] == [("invalid_date", "from")]


@pytest.mark.parametrize("export", ["csv", "xlsx", "pdf"])
def test_every_export_takes_the_same_statements_for_one_day_or_centuries(overnight, export):
    def statements(first, last) -> int:
        with counted_statements() as seen:
            if export == "csv":
                list(exports.attendance_csv(overnight, first, last))
            elif export == "xlsx":
                exports.attendance_xlsx(overnight, first, last)
            else:
                exports.sign_in_sheet_pdf(overnight, first, last)
        return len(seen)

    one_day = statements(overnight.starts_on, overnight.starts_on)
    assert one_day == statements(*CENTURIES) == statements(None, None)
    assert one_day <= 3  # the children, their groups (the sheet), the records


def test_the_states_match_the_day_sheet_on_every_day(overnight):
    """The exports' rule (in Python over the records) and the day sheet's (in SQL) agree,
    the overnight carry-over included, also for a span that starts mid-camp."""
    days = services.event_days(overnight)
    for first in (days[2], days[0]):
        span = [d for d in days if d >= first]
        exported = {}
        for day, row in span_rows(overnight, span, with_groups=True):
            exported.setdefault(day, []).append(row)
        for day in span:
            assert exported[day] == services.day_sheet(overnight, day).rows, day
    states = {(r.first_name, d): r.state for d in days for r in exported[d]}  # the whole camp
    assert [states[("Maya", d)] for d in days[:5]] == [
        "expected",
        "checked_in",
        "checked_in",
        "checked_out",
        "checked_out",
    ]
    assert [states[("Ben", d)] for d in days[1:5]] == [
        "expected",
        "absent",
        "checked_in",
        "checked_in",
    ]
    assert {states[("Cara", d)] for d in days} == {"expected"}


def test_the_api_answers_a_range_of_centuries_with_the_event_in_fixed_statements(client, overnight):
    token = token_for(make_user((Role.STAFF,)))
    url = f"/api/v1/events/{overnight.slug}/attendance.csv"
    headers = {"Authorization": f"Bearer {token}"}

    def fetch(query: str):
        with counted_statements() as seen:
            response = client.get(url + query, headers=headers)
            body = response.get_data(as_text=True)
        return response, body, len(seen)

    today = camp_today().isoformat()
    fetch(f"?from={today}&to={today}")  # the first request also loads what a token caches
    _one, _body, one_day_statements = fetch(f"?from={today}&to={today}")
    response, body, statements = fetch("?from=1900-01-01&to=2199-12-31")
    assert response.status_code == 200
    assert _csv(body) == _csv(exports.attendance_csv(overnight))
    assert statements == one_day_statements
    backwards, _body, _n = fetch("?from=2199-12-31&to=1900-01-01")
    assert backwards.status_code == 422
    assert backwards.get_json()["errors"][0]["code"] == "invalid_range"


def test_a_sign_in_sheet_for_dates_that_miss_the_event_says_so(overnight):
    pdf = exports.sign_in_sheet_pdf(overnight, date(1900, 1, 1), date(1900, 1, 2))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
