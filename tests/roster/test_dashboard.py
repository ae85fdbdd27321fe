"""The event dashboard: who may see it, its numbers, its charts, and its fixed query count."""

import re
from datetime import UTC, datetime

import pytest

from camp_app.roles import Role
from camp_app.roster import charts
from camp_app.roster.dashboard import OTHER_AGE, event_dashboard
from tests.factories import make_event
from tests.roster.test_roster_page_data import (
    add,
    add_group,
    add_many,
    page_text,
    sign_in_as,
)
from tests.support.queries import statements_for


def url(event) -> str:
    return f"/manage/events/{event.slug}/dashboard"


def seeded(event):
    """3 confirmed (one in a cabin), 2 pending, 2 waitlisted, 1 declined, 1 cancelled."""
    cabin = add_group(event, "Bears")
    day1 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    day3 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    add(event, "Ada", age=8, group=cabin, created_at=day1, verification="verified")
    add(event, "Ben", age=8, created_at=day1)
    add(event, "Cleo", age=11, created_at=day1, relationship="sibling")
    add(event, "Dan", status="pending_review", age=11, created_at=day3)
    add(event, "Eve", status="pending_review", age=12, created_at=day3, verification="rejected")
    add(event, "Finn", status="waitlisted", age=9, created_at=day3)
    add(event, "Gus", status="waitlisted", age=9, created_at=day3, verification="verified")
    add(event, "Hal", status="declined", age=13, created_at=day3)
    add(event, "Ivy", status="cancelled", age=14, created_at=day3)


# --- access ------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(app_ctx, client):
    event = make_event()
    response = client.get(url(event))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_parents_and_staff_are_refused(app_ctx, client, role):
    event = make_event()
    sign_in_as(client, role)
    assert client.get(url(event)).status_code == 403


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_unpublished_events(app_ctx, client, role):
    event = make_event(published=False, name="Draft Camp")
    sign_in_as(client, role)
    response = client.get(url(event))
    assert response.status_code == 200
    assert "Draft Camp" in page_text(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unknown_event_is_not_found(coordinator, client):
    assert client.get("/manage/events/no-such-camp/dashboard").status_code == 404


# --- numbers -----------------------------------------------------------------------------


def test_numbers_for_a_mix_of_statuses(app_ctx):
    event = make_event(capacity=6, requires_verification=True)
    seeded(event)
    numbers = event_dashboard(event)
    assert numbers.by_status == {
        "pending_review": 2,
        "confirmed": 3,
        "waitlisted": 2,
        "declined": 1,
        "cancelled": 1,
    }
    assert (numbers.taken, numbers.left, numbers.waitlisted, numbers.received) == (5, 1, 2, 9)
    assert numbers.unassigned == 4  # seat holders but Ada, who sleeps in Bears
    # Active patients not verified: Ben, Dan, Eve (rejected), Finn. Cleo is a sibling.
    assert numbers.unverified == 4
    assert (numbers.groups, numbers.group_beds) == (1, 8)
    assert numbers.ages == {8: 2, 11: 2, 12: 1}  # seat holders only


def test_received_per_day_uses_the_camp_zone_and_fills_quiet_days(app_ctx):
    event = make_event()
    # 02:30 UTC on 5 March is still 4 March in New York.
    add(event, "Ada", created_at=datetime(2026, 3, 5, 2, 30, tzinfo=UTC))
    add(event, "Ben", created_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    add(event, "Cleo", created_at=datetime(2026, 3, 5, 16, 0, tzinfo=UTC))
    days = event_dashboard(event).days
    assert [(d.day.day, d.received, d.total) for d in days] == [
        (2, 1, 1),
        (3, 0, 1),
        (4, 1, 2),
        (5, 1, 3),
    ]


def test_the_page_shows_the_numbers_and_links_the_statuses_to_the_roster(coordinator, client):
    event = make_event(capacity=6, requires_verification=True)
    seeded(event)
    text = page_text(client.get(url(event)))
    tiles = dict(
        re.findall(r'<span class="stat-value">(\d+)</span> <span class="stat-label">([^<]+)', text)
    )
    assert tiles == {
        "5": "seats taken of 6",
        "1": "seat left",
        "2": "on the waitlist",
        "9": "registrations received",
    }
    cells = dict(re.findall(r'data-status="(\w+)">(\d+)<', text))
    expected = {"pending_review": 2, "confirmed": 3, "waitlisted": 2, "declined": 1, "cancelled": 1}
    assert cells == {status: str(n) for status, n in expected.items()}
    assert "2 registrations waiting for review" in text
    assert "4 children not yet verified by the medical team" in text
    assert "4 children with a seat have no cabin or group yet" in text
    assert f"/manage/events/{event.slug}/roster?status=waitlisted" in text


def test_verification_is_only_mentioned_when_the_event_requires_it(coordinator, client):
    event = make_event(requires_verification=False)
    add(event, "Ada")
    assert "not yet verified" not in page_text(client.get(url(event)))


def test_an_empty_event_says_so_instead_of_drawing_charts(coordinator, client):
    event = make_event()
    text = page_text(client.get(url(event)))
    assert "<svg" not in text
    assert "No registrations yet." in text
    assert "No child holds a seat yet." in text


# --- charts ------------------------------------------------------------------------------


def test_charts_are_accessible_svg_whose_age_bars_match_the_data(coordinator, client):
    event = make_event(capacity=6)
    seeded(event)
    text = page_text(client.get(url(event)))
    svgs = re.findall(r"<svg.*?</svg>", text, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title id=[^>]+>[^<]+</title>", svg)
        assert re.search(r"<desc id=[^>]+>[^<]+</desc>", svg)
        assert "style=" not in svg  # the CSP would block it
    assert "Age mix on the first day" in svgs[1]
    bars = re.findall(r'data-age="(\w+)" data-count="(\d+)"', svgs[1])
    # Every age from the youngest to the oldest, the empty ones too.
    assert bars == [("8", "2"), ("9", "0"), ("10", "0"), ("11", "2"), ("12", "1")]
    heights = {
        age: float(h)
        for h, age in re.findall(
            r'height="([\d.]+)" fill="[^"]+" stroke="[^"]+" stroke-width="1" data-age="(\w+)"',
            svgs[1],
        )
    }
    assert heights["8"] == heights["11"] == 2 * heights["12"] > 0
    assert heights["9"] == 0
    # The same numbers as a table for screen readers.
    table = text[text.index("Age mix, as a table") :]
    assert re.search(r'<th scope="row">8</th><td>2</td>', table)
    assert re.search(r'<th scope="row">12</th><td>1</td>', table)


def test_received_chart_is_a_rising_line_ending_at_the_total(app_ctx):
    event = make_event()
    seeded(event)
    chart = charts.received_chart(event_dashboard(event).days)
    values = [p.value for p in chart.points]
    assert values == [3, 3, 9]
    ys = [p.y for p in chart.points]
    assert ys[0] == ys[1] > ys[2]  # SVG y grows downwards: the line rises
    assert chart.path.startswith("M") and chart.area.endswith("Z")
    assert chart.ticks[-1].value >= 9


def test_implausible_ages_get_their_own_bar(app_ctx):
    chart = charts.age_chart({7: 1, 9: 3, OTHER_AGE: 1}, "other")
    assert [(b.label, b.value) for b in chart.bars] == [("7", 1), ("8", 0), ("9", 3), ("other", 1)]


# --- a fixed number of queries -----------------------------------------------------------


def test_the_dashboard_runs_the_same_statements_for_5_and_for_60_registrations(coordinator, client):
    event = make_event(capacity=30, requires_verification=True)
    cabin = add_group(event, "Owls")
    statuses = ("confirmed", "pending_review", "waitlisted", "declined", "cancelled")
    add_many(event, 5, first="A", statuses=statuses, groups=(cabin, None))
    few = statements_for(client, url(event))
    add_many(event, 55, first="B", statuses=statuses, groups=(cabin, None), age=12)
    assert statements_for(client, url(event)) == few


def test_the_registration_window_is_stated(coordinator, client):
    event = make_event(waitlist_enabled=False)
    text = page_text(client.get(url(event)))
    assert "Registration is open until" in text
    assert "No waitlist is kept." in text
    assert f"/manage/events/{event.slug}/edit" in text


@pytest.mark.parametrize(
    ("highest", "top"),
    [(1, 1), (2, 2), (3, 5), (9, 10), (11, 20), (49, 50), (51, 100), (5001, 10000)],
)
def test_the_axis_ends_at_a_round_number_at_or_above_the_highest_value(highest, top):
    chart = charts.age_chart({10: highest}, "other")
    assert chart.ticks[-1].value == top
    assert chart.ticks[0].value == 0 and chart.ticks[0].y == charts.BASELINE
    assert chart.bars[0].height == round(highest / top * charts.PLOT_H, 1)


def test_a_single_day_is_drawn_in_the_middle(app_ctx):
    event = make_event()
    add(event, "Ada")
    chart = charts.received_chart(event_dashboard(event).days)
    [point] = chart.points
    assert point.x == charts.LEFT + charts.PLOT_W / 2
