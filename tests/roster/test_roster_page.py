"""The roster page: access, every filter and sort, pagination, bad input, privacy, query count."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.roster.listing import PER_PAGE
from tests.factories import make_event
from tests.registrations.helpers import make_parent
from tests.roster.test_roster_page_data import (
    add,
    add_group,
    add_many,
    page_text,
    sign_in_as,
)
from tests.support.queries import statements_for


def url(event, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/roster" + (f"?{query}" if query else "")


def children_listed(text: str) -> list[str]:
    """First names of the children in the table, in the order shown."""
    return re.findall(r'<th scope="row" data-label="Child">\s*(?:<a [^>]*>)?[^,<]+, (\w+)', text)


@pytest.fixture
def camp(app_ctx):
    """Five registrations with different names, ages, statuses, cabins and verification."""
    event = make_event(capacity=3, requires_verification=True)
    bears, owls = add_group(event, "Bears"), add_group(event, "Owls")
    rosa = make_parent(name="Rosa Quintero")
    start = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    add(event, "Ada", "Zamora", age=8, group=owls, verification="verified", created_at=start)
    add(event, "Ben", "Young", status="pending_review", age=12, group=bears, parent=rosa,
        created_at=start + timedelta(days=1))  # fmt: skip
    add(event, "Cleo", "Xu", status="waitlisted", age=10, created_at=start + timedelta(days=2))
    add(event, "Dan", "Webb", status="waitlisted", age=15, verification="rejected",
        created_at=start + timedelta(days=3))  # fmt: skip
    add(event, "Eve", "Vance", status="cancelled", age=7, relationship="sibling",
        created_at=start + timedelta(days=4))  # fmt: skip
    return event, {"bears": bears, "owls": owls}


# --- access ------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(app_ctx, client):
    response = client.get(url(make_event()))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_parents_and_staff_are_refused(app_ctx, client, role):
    event = make_event()
    sign_in_as(client, role)
    assert client.get(url(event)).status_code == 403


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_every_registration(camp, client, role):
    event, _groups = camp
    event.published = False
    db.session.commit()
    sign_in_as(client, role)
    response = client.get(url(event))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = page_text(response)
    assert children_listed(text) == ["Ada", "Ben", "Cleo", "Dan", "Eve"]  # order received
    assert "5 registrations match" in text


def test_an_unknown_event_is_not_found(coordinator, client):
    assert client.get("/manage/events/nope/roster").status_code == 404


# --- the columns -------------------------------------------------------------------------


def test_each_row_shows_age_status_position_parents_group_verification_and_date(
    camp, coordinator, client
):
    event, _groups = camp
    text = page_text(client.get(url(event)))
    ben = text[text.index("Young, Ben") : text.index("Xu, Cleo")]
    assert 'data-label="Age">12<' in ben
    assert "Received: waiting for a coordinator" in ben
    assert "Rosa Quintero" in ben and "+13055550123" in ben
    assert "Bears" in ben
    assert "Not verified" in ben
    assert "Mar 2, 2026" in ben
    dan = text[text.index("Webb, Dan") : text.index("Vance, Eve")]
    assert "No. 2 on the waitlist" in dan  # Cleo is first
    assert "Could not be verified" in dan
    assert "Not assigned" in dan
    eve = text[text.index("Vance, Eve") :]
    assert "Sibling" in eve and "Cancelled" in eve


def test_no_medical_values_are_shown(camp, coordinator, client):
    event, _groups = camp
    text = page_text(client.get(url(event)))
    assert "peanuts" not in text  # make_child's allergies
    assert "ALL" not in re.sub(r"<[^>]+>", " ", text).split()  # make_child's diagnosis


def test_sorted_column_has_aria_sort(camp, coordinator, client):
    event, _groups = camp
    text = page_text(client.get(url(event, sort="age", dir="desc")))
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a [^>]*>Age', text)
    assert text.count("aria-sort=") == 1


# --- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"q": "cle"}, ["Cleo"]),
        ({"q": "xu"}, ["Cleo"]),
        ({"q": "quintero"}, ["Ben"]),  # a parent's name
        ({"q": "%"}, []),  # typed literally, no wildcard
        ({"q": "a_a"}, []),  # would match "Ada" as a wildcard
        ({"status": "waitlisted"}, ["Cleo", "Dan"]),
        ({"status": "active"}, ["Ada", "Ben", "Cleo", "Dan"]),
        ({"status": "cancelled"}, ["Eve"]),
        ({"min_age": "10"}, ["Ben", "Cleo", "Dan"]),
        ({"max_age": "10"}, ["Ada", "Cleo", "Eve"]),
        ({"min_age": "10", "max_age": "12"}, ["Ben", "Cleo"]),
        ({"group": "none"}, ["Cleo", "Dan", "Eve"]),
        ({"verification": "verified"}, ["Ada"]),
        ({"verification": "rejected"}, ["Dan"]),
        ({"status": "waitlisted", "min_age": "11"}, ["Dan"]),
    ],
)
def test_each_filter_filters(camp, coordinator, client, args, expected):
    event, _groups = camp
    text = page_text(client.get(url(event, **args)))
    assert children_listed(text) == expected
    assert f"{len(expected)} registration" in text


def test_the_group_filter_takes_a_group_of_the_event(camp, coordinator, client):
    event, groups = camp
    text = page_text(client.get(url(event, group=groups["owls"].id)))
    assert children_listed(text) == ["Ada"]
    assert f'<option value="{groups["owls"].id}" selected>Owls</option>' in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"sort": "child"}, ["Eve", "Dan", "Cleo", "Ben", "Ada"]),  # by last name
        ({"sort": "child", "dir": "desc"}, ["Ada", "Ben", "Cleo", "Dan", "Eve"]),
        ({"sort": "age"}, ["Eve", "Ada", "Cleo", "Ben", "Dan"]),  # youngest first
        ({"sort": "age", "dir": "desc"}, ["Dan", "Ben", "Cleo", "Ada", "Eve"]),
        ({"sort": "received", "dir": "desc"}, ["Eve", "Dan", "Cleo", "Ben", "Ada"]),
        ({"sort": "status"}, ["Eve", "Ada", "Ben", "Cleo", "Dan"]),  # by status code
        ({"sort": "group", "status": "active"}, ["Ben", "Ada", "Cleo", "Dan"]),  # none last
        ({"sort": "group", "dir": "desc"}, ["Ada", "Ben", "Cleo", "Dan", "Eve"]),
    ],
)
def test_each_sort_sorts(camp, coordinator, client, args, expected):
    event, _groups = camp
    listed = children_listed(page_text(client.get(url(event, **args))))
    assert listed == expected


def test_a_sort_link_keeps_the_filters_and_turns_the_direction(camp, coordinator, client):
    event, _groups = camp
    text = page_text(client.get(url(event, status="active", sort="age")))
    link = re.search(r'aria-sort="ascending">\s*<a href="([^"]+)"', text).group(1)
    assert "status=active" in link and "sort=age" in link and "dir=desc" in link


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"status": "approved"}, "Unknown status."),
        ({"min_age": "ten"}, "Enter an age between 0 and 30."),
        ({"min_age": "12", "max_age": "8"}, "The youngest age must not be above the oldest."),
        ({"group": "999999"}, "That cabin or group is not part of this event."),
        ({"verification": "maybe"}, "Unknown verification state."),
        ({"sort": "shoe_size"}, "Unknown sort."),
        ({"q": "x" * 101}, "Please keep the search under 100 characters."),
    ],
)
def test_bad_filters_show_a_message_and_the_unfiltered_list(
    camp, coordinator, client, args, message
):
    event, _groups = camp
    response = client.get(url(event, **args))
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert 'aria-invalid="true"' in text
    assert children_listed(text) == ["Ada", "Ben", "Cleo", "Dan", "Eve"]
    # What was typed in a text box stays there to be corrected.
    for name in {"q", "min_age", "max_age"} & set(args):
        assert re.search(f'name="{name}"[^>]* value="{args[name]}"', text)


def test_another_events_group_is_refused(camp, coordinator, client):
    event, _groups = camp
    elsewhere = add_group(make_event(), "Foxes")
    text = page_text(client.get(url(event, group=elsewhere.id)))
    assert "That cabin or group is not part of this event." in text


@pytest.mark.parametrize("page", ["0", "-3", "abc", "1e9", ""])
def test_odd_page_numbers_show_the_first_page(camp, coordinator, client, page):
    event, _groups = camp
    response = client.get(url(event, page=page))
    assert response.status_code == 200
    assert children_listed(page_text(response))[0] == "Ada"


# --- pagination --------------------------------------------------------------------------


@pytest.fixture
def crowded(app_ctx):
    """PER_PAGE + 5 waitlisted children aged 9 and 5 confirmed aged 14, in that order."""
    event = make_event(capacity=5)
    add_many(event, PER_PAGE + 5, first="W", last="Wait", statuses=("waitlisted",), age=9)
    add_many(event, 5, first="C", last="Conf", age=14)
    return event


def test_pages_of_fifty_and_page_links_keep_the_filters(crowded, coordinator, client):
    event = crowded
    first = page_text(client.get(url(event, status="waitlisted", max_age="10")))
    assert f"{PER_PAGE + 5} registrations match" in first
    assert len(children_listed(first)) == PER_PAGE
    assert "Page 1 of 2" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "status=waitlisted" in next_link and "max_age=10" in next_link
    second = page_text(client.get(next_link))
    names = children_listed(second)
    assert names == [f"W{n:03d}" for n in range(PER_PAGE, PER_PAGE + 5)]
    assert f"No. {PER_PAGE + 5} on the waitlist" in second  # positions count the whole list


def test_a_page_past_the_end_shows_the_last_page(crowded, coordinator, client):
    response = client.get(url(crowded, page="9"))
    assert response.status_code == 200
    text = page_text(response)
    assert "There is no page 9; this is the last page, 2." in text
    assert children_listed(text)[-1] == "C004"


def test_no_match_says_so(camp, coordinator, client):
    event, _groups = camp
    text = page_text(client.get(url(event, q="nobody-by-that-name")))
    assert "0 registrations match" in text and "No registration matches." in text


# --- a fixed number of queries -----------------------------------------------------------


def test_the_roster_runs_the_same_statements_for_5_and_for_60_registrations(coordinator, client):
    event = make_event(capacity=20)
    cabin = add_group(event, "Owls")
    statuses = ("confirmed", "pending_review", "waitlisted", "declined", "cancelled")
    add_many(event, 5, first="A", statuses=statuses, groups=(None, cabin), guardians=2)
    pages = [url(event), url(event, status="active", sort="group"), url(event, q="parent")]
    few = [statements_for(client, page) for page in pages]
    add_many(event, 55, first="B", statuses=statuses, groups=(None, cabin), guardians=2)
    assert [statements_for(client, page) for page in pages] == few


def test_pending_children_link_to_the_review_queue_and_waitlisted_to_the_waitlist(
    camp, coordinator, client
):
    event, _groups = camp
    text = page_text(client.get(url(event)))
    rows = re.findall(
        r'<tr id="registration-(\d+)">\s*<th[^>]*>\s*(?:<a href="([^"]*)">)?[^,]+, (\w+)', text
    )
    links = {name: href for _id, href, name in rows}
    ids = {name: reg_id for reg_id, _href, name in rows}
    base = f"/manage/events/{event.slug}"
    assert links == {
        "Ada": "",  # confirmed: no page of its own
        "Ben": f"{base}/review?page=1#registration-{ids['Ben']}",
        "Cleo": f"{base}/waitlist?page=1#registration-{ids['Cleo']}",
        "Dan": f"{base}/waitlist?page=1#registration-{ids['Dan']}",
        "Eve": "",
    }


def test_export_these_carries_the_filters(camp, coordinator, client, app):
    event, groups = camp
    text = page_text(client.get(url(event, status="waitlisted", group=groups["owls"].id)))
    link = re.search(r'<a href="([^"]+)">Export these</a>', text).group(1)
    assert link.startswith(f"/manage/events/{event.slug}/exports?")
    assert "status=waitlisted" in link and f"group={groups['owls'].id}" in link


def test_a_link_into_a_long_review_queue_opens_the_page_where_the_card_is(
    app_ctx, coordinator, client
):
    event = make_event(capacity=40)
    add_many(event, 30, first="P", statuses=("pending_review",))
    text = page_text(client.get(url(event, sort="received", dir="desc")))
    last = re.search(r'<a href="([^"]+)">Smith, P029</a>', text).group(1)
    first = re.search(r'<a href="([^"]+)">Smith, P000</a>', text).group(1)
    assert "/review?page=2#registration-" in last  # 25 cards a page: the 30th is on page 2
    assert "/review?page=1#registration-" in first
    review_page = page_text(client.get(last.split("#")[0]))
    assert f'id="{last.split("#")[1]}"' in review_page
