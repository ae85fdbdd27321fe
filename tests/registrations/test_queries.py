"""Reading registrations: families' lists with waitlist positions, coordinators' lists, roster."""

import csv
import io
from datetime import date

import pytest

from camp_app.extensions import db
from camp_app.registrations import lifecycle, queries
from camp_app.registrations.models import Registration
from camp_app.service_errors import InvalidInput
from tests import factories
from tests.registrations.helpers import fill, make_coordinator, make_family, register
from tests.support.queries import counted_statements


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def fresh(registration) -> Registration:
    return db.session.get(Registration, registration.id)


# --- a family's registrations --------------------------------------------------------------


def family_with_registrations(size: int):
    """A family with `size` children, each registered for a full event behind 2 others."""
    parent, children = make_family(children=size)
    events = []
    for child in children:
        event = factories.make_event(capacity=1)
        fill(event, 2)  # one seat holder, one waiting
        register(parent, event, [child])
        events.append(event)
    return parent, events


def test_family_registrations_carry_waitlist_positions(ctx):
    parent, events = family_with_registrations(2)
    rows = queries.family_registrations(parent.household)
    assert [(r.status, position) for r, position in rows] == [
        ("waitlisted", 2),
        ("waitlisted", 2),
    ]
    assert {r.event_id for r, _ in rows} == {e.id for e in events}


def test_positions_move_up_when_someone_ahead_leaves(ctx):
    event = factories.make_event(capacity=1)
    rows = fill(event, 4)
    assert [queries.waitlist_position(fresh(r)) for r in rows] == [None, 1, 2, 3]
    lifecycle.cancel(make_coordinator(), rows[1])
    assert [queries.waitlist_position(fresh(r)) for r in rows[2:]] == [1, 2]


def test_family_registrations_run_a_fixed_number_of_queries(ctx):
    small, _ = family_with_registrations(1)
    large, _ = family_with_registrations(5)
    db.session.expire_all()
    with counted_statements() as few:
        [
            (r.event.name, r.child.first_name, p)
            for r, p in queries.family_registrations(small.household)
        ]
    db.session.expire_all()
    with counted_statements() as many:
        rows = queries.family_registrations(large.household)
        [(r.event.name, r.child.first_name, p) for r, p in rows]
    assert len(rows) == 5
    assert len(many) == len(few)


def test_family_registration_is_none_for_another_family(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    stranger, _ = make_family()
    (registration,) = register(parent, event, [child])
    assert queries.family_registration(parent.household, registration.id).id == registration.id
    assert queries.family_registration(stranger.household, registration.id) is None
    assert queries.family_registration(None, registration.id) is None
    assert queries.family_registration(parent.household, 999_999) is None
    assert queries.family_registration(parent.household, "1") is None


# --- coordinators' list ----------------------------------------------------------------------


def test_event_registrations_filters_searches_and_pages(ctx):
    event = factories.make_event(capacity=2)
    parent, children = make_family(children=2, first_names=("Maya", "Leo"))
    register(parent, event, children)
    fill(event, 3)
    items, total = queries.event_registrations(event)
    assert total == 5 and [r.sequence for r, _ in items] == [1, 2, 3, 4, 5]
    assert [p for _, p in items] == [None, None, 1, 2, 3]

    items, total = queries.event_registrations(event, status="waitlisted")
    assert total == 3 and {r.status for r, _ in items} == {"waitlisted"}

    items, total = queries.event_registrations(event, q="  LEO ")
    assert total == 1 and items[0].registration.child.first_name == "Leo"
    items, total = queries.event_registrations(event, q="leo lopez")
    assert total == 1

    items, total = queries.event_registrations(event, page=2, per_page=2)
    assert total == 5 and [r.sequence for r, _ in items] == [3, 4]
    items, total = queries.event_registrations(event, page=9, per_page=2)
    assert total == 5 and items == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "approved"}, "status"),
        ({"page": 0}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 201}, "per_page"),
    ],
)
def test_event_registrations_refuses_bad_parameters(ctx, params, field):
    event = factories.make_event()
    with pytest.raises(InvalidInput) as invalid:
        queries.event_registrations(event, **params)
    assert [p.field for p in invalid.value.problems] == [field]


def test_event_registrations_run_a_fixed_number_of_queries(ctx):
    small, large = factories.make_event(capacity=1), factories.make_event(capacity=3)
    fill(small, 2)
    fill(large, 8)
    counts = []
    for event in (small, large):
        db.session.expire_all()
        with counted_statements() as statements:
            items, _ = queries.event_registrations(event)
            for registration, _position in items:
                _ = registration.child.last_name, registration.signed_by.email
                _ = [g.email for g in registration.household.guardians]
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_serialize_registration_has_the_contract_shape(ctx):
    event = factories.make_event(slug="bear-hug")
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    data = queries.serialize_registration(fresh(registration), None)
    assert set(data) == {
        "id",
        "event",
        "child_id",
        "status",
        "waitlist_position",
        "created_at",
        "reference",
        "consents",
    }
    assert data["reference"] == registration.reference and len(data["reference"]) == 8
    assert [(c["key"], c["version"], c["accepted"]) for c in data["consents"]] == [
        ("medical_treatment", 1, True),
        ("liability_waiver", 1, True),
        ("photo_release", 1, True),
    ]
    assert data["consents"][1]["title"] == "Participation agreement and release of liability"
    assert data["event"] == "bear-hug" and data["child_id"] == child.id
    assert data["status"] == "confirmed" and data["waitlist_position"] is None
    assert data["created_at"].endswith("+00:00")


# --- the roster ------------------------------------------------------------------------------


def roster_event():
    event = factories.make_event(capacity=2, starts_on=date(2027, 6, 14))
    parent, children = make_family(
        children=2,
        first_names=("Zoe", "Ana"),
        diagnosis="Acute lymphoblastic leukemia",
        medications=[{"name": "Methotrexate", "dose": "25 mg", "schedule": "mornings"}],
        allergies="peanuts",
        dietary_needs="vegetarian",
        date_of_birth=date(2016, 6, 15),
    )
    register(parent, event, children)
    rows = fill(event, 3)  # all waitlisted
    lifecycle.cancel(make_coordinator(), rows[0])
    lifecycle.decide(make_coordinator(), rows[1], "decline")
    return event, parent


def test_the_roster_lists_active_registrations_with_safety_details_only(ctx):
    event, parent = roster_event()
    rows = list(queries.roster_rows(event))
    assert [(r["child_first_name"], r["status"]) for r in rows] == [
        ("Ana", "confirmed"),
        ("Zoe", "confirmed"),
        ("Kid0", "waitlisted"),
    ]
    ana = rows[0]
    assert set(ana) == set(queries.ROSTER_COLUMNS)
    assert ana["allergies"] == "peanuts" and ana["dietary_needs"] == "vegetarian"
    assert ana["age_on_first_day"] == 10  # turns 11 the day after the first day
    assert ana["parent_email"] == parent.email and ana["parent_name"] == parent.name
    assert ana["emergency_contact_name"] == "Ana Lopez"
    assert ana["emergency_contact_phone"] == "+13055550100"
    flat = str(rows)
    for secret in ("leukemia", "Methotrexate", "25 mg"):
        assert secret not in flat
    assert not {"diagnosis", "medications", "medical_conditions"} & set(ana)


def test_the_roster_csv_parses_and_defuses_formulas(ctx):
    event, _ = roster_event()
    parent, (child,) = make_family(allergies='=HYPERLINK("http://evil.example","x")')
    fresh_event = factories.make_event()
    register(parent, fresh_event, [child])
    text = "".join(queries.roster_csv(event))
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == list(queries.ROSTER_COLUMNS)
    assert len(table) == 4
    phone = table[1][queries.ROSTER_COLUMNS.index("emergency_contact_phone")]
    assert phone == "+13055550100"  # a phone number is not a formula
    evil = list(csv.reader(io.StringIO("".join(queries.roster_csv(fresh_event)))))[1]
    assert evil[queries.ROSTER_COLUMNS.index("allergies")].startswith("'=HYPERLINK")


def test_the_roster_reads_in_a_fixed_number_of_queries(ctx):
    small, large = factories.make_event(capacity=5), factories.make_event(capacity=5)
    fill(small, 1)
    fill(large, 7)
    counts = []
    for event in (small, large):
        db.session.expire_all()
        with counted_statements() as statements:
            lines = list(queries.roster_csv(event))
        counts.append(len(statements))
        assert len(lines) > 1
    assert counts[0] == counts[1]
