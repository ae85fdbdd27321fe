"""The admins' audit log page: access, filters, pages, bad filters, a fixed number of queries."""

import re
from datetime import timedelta

import pytest

from camp_app.audit_log.queries import PAGE_SIZE
from camp_app.extensions import db
from camp_app.roles import Role
from tests.factories import make_event

from .helpers import (
    add_entry,
    counted_statements,
    data,
    entry_ids,
    person,
    sign_in,
    signed_in_admin,
    utc,
)


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv"])
def test_only_admins_may_read_the_log(app, client, path):
    assert client.get(path).status_code == 302
    assert "/account/login" in client.get(path).headers["Location"]
    for roles in ((Role.COORDINATOR,), (Role.STAFF,), (Role.PARENT,)):
        someone = person(app, roles)
        sign_in(client, someone)
        assert client.get(path).status_code == 403, roles
        client.post("/account/logout")
    signed_in_admin(app, client)
    assert client.get(path).status_code == 200


def test_the_menu_offers_the_log_to_admins_only(app, client):
    coordinator = person(app, (Role.COORDINATOR,))
    sign_in(client, coordinator)
    assert 'href="/admin/audit"' not in client.get("/manage/events").get_data(as_text=True)
    client.post("/account/logout")
    signed_in_admin(app, client)
    assert 'href="/admin/audit"' in client.get("/manage/events").get_data(as_text=True)


def test_each_row_says_when_who_what_which_record_and_fields(app, client):
    admin = signed_in_admin(app, client, name="Ada Admin")
    with data(app):
        event = make_event(name="Camp Lake")
        event_id, slug = event.id, event.slug
    add_entry(
        app, actor_id=admin.id, action="event.update", entity_id=event_id,
        fields=["capacity", "name"], at=utc(2027, 3, 2, 3, 30),
    )  # fmt: skip
    add_entry(app, actor_id=None, action="registration.promoted", entity_type="registrations")
    add_entry(app, actor_id=admin.id, action="thing.someday_invented", entity_type="widgets")
    html = client.get("/admin/audit").get_data(as_text=True)
    # 03:30 UTC on 2 March is 10:30 PM on 1 March in New York.
    assert "Mar 1, 2027, 10:30:00" in html
    assert "Ada Admin" in html and admin.email in html
    assert "Changed an event" in html and "<code>capacity, name</code>" in html
    assert f'href="/manage/events/{slug}/dashboard"' in html
    assert f"/admin/audit?entity_type=events&amp;entity_id={event_id}" in html
    assert "<em>system</em>" in html and "Gave a waitlisted child a seat" in html
    assert "thing.someday_invented" in html  # an action nobody described: its code


def test_newest_first(app, client):
    admin = signed_in_admin(app, client)
    old = add_entry(app, actor_id=admin.id, action="event.create", at=utc(2026, 1, 1))
    new = add_entry(app, actor_id=admin.id, action="event.update", at=utc(2026, 6, 1))
    html = client.get("/admin/audit").get_data(as_text=True)
    assert html.index(f'id="entry-{new}"') < html.index(f'id="entry-{old}"')


@pytest.fixture
def sample(app, client):
    """Entries by two people, of several kinds, on several days."""
    admin = signed_in_admin(app, client, name="Ada Admin", email="ada@hospital.example")
    rosa = person(app, name="Rosa Lopez", email="rosa.lopez@example.org")
    ids = {
        "approved": add_entry(
            app, actor_id=admin.id, action="registration.approved",
            entity_type="registrations", entity_id=5, at=utc(2027, 3, 1, 15),
        ),
        "cancelled": add_entry(
            app, actor_id=rosa.id, action="registration.cancelled",
            entity_type="registrations", entity_id=6, at=utc(2027, 3, 2, 3, 30),
        ),
        "child": add_entry(
            app, actor_id=rosa.id, action="child.update",
            entity_type="children", entity_id=5, at=utc(2027, 3, 2, 6),
        ),
        "event": add_entry(
            app, actor_id=admin.id, action="event.update", entity_id=5, at=utc(2027, 3, 5),
        ),
        "system": add_entry(
            app, actor_id=None, action="registration.promoted",
            entity_type="registrations", entity_id=5, at=utc(2027, 3, 6),
        ),
    }  # fmt: skip
    return ids


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("actor=ROSA.lopez", {"cancelled", "child"}),
        ("actor=hospital.example", {"approved", "event"}),
        ("actor=Ada+Adm", {"approved", "event"}),
        ("action=registration.approved", {"approved"}),
        ("action=registration.", {"approved", "cancelled", "system"}),
        ("entity_type=children", {"child"}),
        ("entity_type=registrations&entity_id=5", {"approved", "system"}),
        ("entity_id=5", {"approved", "child", "event", "system"}),
        # Days in the camp's zone: 03:30 UTC on 2 March is still 1 March in New York.
        ("from=2027-03-01&to=2027-03-01", {"approved", "cancelled"}),
        ("from=2027-03-02", {"child", "event", "system"}),
        # Midnight UTC on 5 March is 7 PM on 4 March there: in; 6 March's is on the 5th: out.
        ("to=2027-03-04", {"approved", "cancelled", "child", "event"}),
        ("action=registration.&actor=rosa", {"cancelled"}),
    ],
)
def test_each_filter_narrows_the_list(app, client, sample, query, shown):
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    expected = {sample[name] for name in shown}
    assert entry_ids(response.get_data(as_text=True)) == expected


def test_a_records_history_names_it_and_links_to_all_its_entries(app, client, sample):
    html = client.get("/admin/audit?entity_type=registrations&entity_id=5").get_data(as_text=True)
    assert "History of Registration #5" in html
    assert entry_ids(html) == {sample["approved"], sample["system"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-40", "Enter the date as year-month-day"),
        ("to=yesterday", "Enter the date as year-month-day"),
        ("entity_id=abc", "A record number is a whole number."),
        ("entity_id=99999999999999", "A record number is a whole number."),
        ("entity_id=-3", "A record number is a whole number."),
        ("action=%3Cscript%3E", "That is not an action of the log."),
        ("entity_type=x%27%20OR%201%3D1", "That is not a kind of record."),
        ("from=2027-03-05&to=2027-03-01", "The first day must not be after the last day."),
        ("before=abc", "That page link is broken"),
        ("actor=" + "a" * 300, "Please keep the search under"),
    ],
)
def test_a_bad_filter_is_named_and_the_list_still_shows(app, client, sample, query, message):
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert entry_ids(html) == set(sample.values())  # the bad value is left out, nothing else


def test_a_bad_filter_beside_a_good_one_keeps_the_good_one(app, client, sample):
    html = client.get("/admin/audit?entity_id=abc&actor=rosa").get_data(as_text=True)
    assert "A record number is a whole number." in html
    assert 'value="abc"' in html  # shown again to correct, next to its message
    assert entry_ids(html) == {sample["cancelled"], sample["child"]}


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_of_fifty_go_older_and_newer_and_keep_the_filters(app, client):
    admin = signed_in_admin(app, client)
    ids = [
        add_entry(
            app, actor_id=admin.id, action="event.update", at=utc(2027, 1, 1) + timedelta(minutes=n)
        )
        for n in range(PAGE_SIZE * 2 + 10)
    ]
    add_entry(app, actor_id=admin.id, action="event.create")  # filtered out below
    newest_first = list(reversed(ids))
    first = client.get("/admin/audit?action=event.update").get_data(as_text=True)
    assert entry_ids(first) == set(newest_first[:PAGE_SIZE])
    assert _link(first, "prev") is None
    older = _link(first, "next")
    assert "action=event.update" in older
    second = client.get(older).get_data(as_text=True)
    assert entry_ids(second) == set(newest_first[PAGE_SIZE : PAGE_SIZE * 2])
    third = client.get(_link(second, "next")).get_data(as_text=True)
    assert entry_ids(third) == set(newest_first[PAGE_SIZE * 2 :])
    assert _link(third, "next") is None
    back = client.get(_link(third, "prev")).get_data(as_text=True)
    assert entry_ids(back) == entry_ids(second)
    back = client.get(_link(back, "prev")).get_data(as_text=True)
    assert entry_ids(back) == entry_ids(first)
    assert _link(back, "prev") is None


def test_entries_written_in_the_same_instant_are_neither_lost_nor_repeated(app, client):
    admin = signed_in_admin(app, client)
    moment = utc(2027, 1, 1)
    ids = {add_entry(app, actor_id=admin.id, action="event.update", at=moment) for _ in range(55)}
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get(_link(first, "next")).get_data(as_text=True)
    assert entry_ids(first) | entry_ids(second) == ids
    assert not entry_ids(first) & entry_ids(second)


def _statements_for_page(app, client) -> int:
    with counted_statements(app) as statements:
        response = client.get("/admin/audit")
        response.get_data()
    assert response.status_code == 200
    return len(statements)


def test_a_page_costs_the_same_queries_for_ten_or_a_hundred_entries(app, client):
    admin = signed_in_admin(app, client)
    with data(app):
        event_ids = [make_event().id for _ in range(3)]
    people = [person(app, (Role.COORDINATOR,)) for _ in range(3)]

    def add(n):
        for i in range(n):
            actor = people[i % 3].id if i % 4 else None
            add_entry(app, actor_id=actor, action="event.update", entity_id=event_ids[i % 3])
            add_entry(app, actor_id=admin.id, action="child.update", entity_type="children")

    add(5)
    ten = _statements_for_page(app, client)
    add(45)
    hundred = _statements_for_page(app, client)
    assert hundred == ten
    assert ten <= 6  # the user, their roles, the entries, the filter lists, the events' links


def test_records_with_a_page_link_to_it(app, client):
    from camp_app.messages.models import EventMessage
    from camp_app.registrations import lifecycle
    from camp_app.roster.models import CampGroup
    from tests.factories import make_child, make_contact, make_user

    admin = signed_in_admin(app, client)
    with app.test_request_context():
        event = make_event()
        parent = make_user()
        make_contact(parent.household)
        child = make_child(parent.household)
        consents = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}
        [registration] = lifecycle.register(parent, event, [child], consents, parent.name)
        group = CampGroup(event_id=event.id, name="Cabin Owl", capacity=8)
        message = EventMessage(event_id=event.id, sender_id=admin.id, subject="Hi", body="Hello")
        db.session.add_all([group, message])
        db.session.commit()
        slug, ids = event.slug, (registration.id, group.id, message.id)
    kinds = ("registrations", "camp_groups", "event_messages")
    for entity_type, entity_id in zip(kinds, ids, strict=True):
        add_entry(
            app, actor_id=admin.id, action="x.y", entity_type=entity_type, entity_id=entity_id
        )
    html = client.get("/admin/audit?action=x.y").get_data(as_text=True)
    assert f'href="/manage/events/{slug}/roster"' in html
    assert f'href="/manage/events/{slug}/cabins"' in html
    assert f'href="/manage/events/{slug}/messages/{ids[2]}"' in html


def test_the_action_list_offers_known_actions_and_any_new_one_in_the_log(app, client):
    admin = signed_in_admin(app, client)
    add_entry(app, actor_id=admin.id, action="thing.someday_invented", entity_type="widgets")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="thing.someday_invented">' in html
    assert '<option value="widgets">widgets</option>' in html
    assert '<option value="registration.approved">Approved a registration' in html
    assert '<option value="registration.">Any registration action</option>' in html


def test_a_download_names_the_filters_it_used_not_changed_fields(app, client):
    admin = signed_in_admin(app, client)
    with data(app):
        event_id = make_event(name="Camp Lake").id
    add_entry(
        app, actor_id=admin.id, action="event.export_roster_csv", entity_id=event_id,
        fields=["status"],
    )  # fmt: skip
    add_entry(app, actor_id=admin.id, action="event.export_medical_summary", entity_id=event_id)
    add_entry(app, actor_id=admin.id, action="event.update", entity_id=event_id, fields=["name"])
    html = client.get("/admin/audit").get_data(as_text=True)
    cells = re.findall(r'data-label="Fields changed">(.*?)</td>', html, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", cell).split() for cell in cells] == [
        ["name"],
        ["No", "filter"],
        ["Filtered", "by", "status"],
    ]
