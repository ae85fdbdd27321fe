"""Event input rules, through create_event/update_event: each rule, all at once, nothing saved."""

from datetime import UTC, date, datetime

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.events import services
from camp_app.events.models import Event
from camp_app.events.rules import WRITABLE_FIELDS
from camp_app.events.schema import ELIGIBILITY_FIELDS
from camp_app.extensions import db
from camp_app.registrations import event_seats
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput
from tests.events.helpers import add_registrations, event_data
from tests.factories import make_event, make_user


def problems_of(data, event=None) -> set[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        if event is None:
            services.create_event(None, data)
        else:
            event_seats.update_event(None, event, data)
    return {(p.field, p.code) for p in caught.value.problems}


def eligibility(**overrides) -> dict:
    rules = event_data()["eligibility"]
    rules.update(overrides)
    return rules


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug": "Summer Camp"}, "slug", "invalid_slug"),
        ({"slug": "summer--camp"}, "slug", "invalid_slug"),
        ({"slug": "-camp"}, "slug", "invalid_slug"),
        ({"slug": ""}, "slug", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "x" * 161}, "name", "too_long"),
        ({"kind": "retreat"}, "kind", "invalid_choice"),
        ({"kind": ["day_camp"]}, "kind", "invalid_type"),
        ({"kind": {"a": 1}}, "kind", "invalid_type"),
        ({"eligibility": eligibility(audience=[])}, "eligibility.audience", "invalid_type"),
        ({"name": 42}, "name", "invalid_type"),
        ({"starts_on": 20270711}, "starts_on", "invalid_type"),
        ({"registration_opens_at": ["2027"]}, "registration_opens_at", "invalid_type"),
        ({"capacity": 2.5}, "capacity", "invalid_type"),
        ({"capacity": 10**12}, "capacity", "out_of_range"),
        (
            {"eligibility": eligibility(diagnosis_categories="cancer")},
            "eligibility.diagnosis_categories",
            "invalid_type",
        ),
        (
            {"eligibility": eligibility(diagnosis_categories=[["cancer"]])},
            "eligibility.diagnosis_categories",
            "invalid_choice",
        ),
        (
            {"eligibility": eligibility(audience="parents")},
            "eligibility.audience",
            "invalid_choice",
        ),
        (
            {"eligibility": eligibility(diagnosis_categories=["flu"])},
            "eligibility.diagnosis_categories",
            "invalid_choice",
        ),
        ({"ends_on": "2027-07-10"}, "ends_on", "ends_before_start"),
        ({"starts_on": "2027-02-30"}, "starts_on", "invalid_date"),
        ({"starts_on": "July 11"}, "starts_on", "invalid_date"),
        ({"registration_opens_at": "soon"}, "registration_opens_at", "invalid_datetime"),
        (
            {"registration_closes_at": "2026-11-01T09:00:00-04:00"},
            "registration_closes_at",
            "closes_before_opens",
        ),
        (
            {"registration_closes_at": "2026-10-01T09:00"},
            "registration_closes_at",
            "closes_before_opens",
        ),
        # The event ends at midnight after its last day, camp time.
        (
            {"registration_closes_at": "2027-07-18T00:00"},
            "registration_closes_at",
            "closes_after_event",
        ),
        ({"capacity": -1}, "capacity", "out_of_range"),
        ({"capacity": "ten"}, "capacity", "invalid_type"),
        ({"capacity": True}, "capacity", "invalid_type"),
        ({"capacity": None}, "capacity", "required"),
        (
            {"eligibility": eligibility(min_age=12, max_age=8)},
            "eligibility.max_age",
            "ages_reversed",
        ),
        ({"eligibility": eligibility(min_age=26)}, "eligibility.min_age", "out_of_range"),
        ({"eligibility": eligibility(max_age=-1)}, "eligibility.max_age", "out_of_range"),
        ({"waitlist_enabled": "yes"}, "waitlist_enabled", "invalid_type"),
        ({"contact_email": "not-an-address"}, "contact_email", "invalid_email"),
        ({"contact_phone": "12"}, "contact_phone", "invalid_phone"),
        ({"colour": "blue"}, "colour", "unknown_field"),
        ({"eligibility": {"min_age": 7, "shoe_size": 3}}, "eligibility.shoe_size", "unknown_field"),
        ({"eligibility": "everyone"}, "eligibility", "invalid_type"),
    ],
)
def test_each_rule(app_ctx, overrides, field, code):
    assert problems_of(event_data(**overrides)) == {(field, code)}
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_every_problem_at_once_and_nothing_saved(app_ctx):
    data = event_data(
        slug="Not OK",
        name="",
        kind="party",
        ends_on="2027-07-01",
        registration_opens_at="2027-05-01T09:00",
        registration_closes_at="2027-04-01T09:00",
        capacity=-5,
        eligibility=eligibility(min_age=10, max_age=9, audience="all", diagnosis_categories=["x"]),
    )

    assert problems_of(data) == {
        ("slug", "invalid_slug"),
        ("name", "required"),
        ("kind", "invalid_choice"),
        ("ends_on", "ends_before_start"),
        ("registration_closes_at", "closes_before_opens"),
        ("capacity", "out_of_range"),
        ("eligibility.max_age", "ages_reversed"),
        ("eligibility.audience", "invalid_choice"),
        ("eligibility.diagnosis_categories", "invalid_choice"),
    }
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_missing_required_fields_are_each_named(app_ctx):
    assert problems_of({}) == {
        (field, "required")
        for field in (
            "slug",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
        )
    }


def test_problems_carry_a_sentence_for_people(app_ctx):
    with pytest.raises(InvalidInput) as caught:
        services.create_event(None, event_data(slug="Bad slug"))

    assert "lowercase letters" in caught.value.problems[0].message


def test_slug_taken(app_ctx):
    services.create_event(None, event_data(slug="bear-hug"))

    assert problems_of(event_data(slug="bear-hug", name="Another")) == {("slug", "slug_taken")}
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 1


def test_keeping_its_own_slug_is_not_taken(app_ctx):
    event = services.create_event(None, event_data(slug="bear-hug"))

    event_seats.update_event(None, event, {"slug": "bear-hug", "name": "Bear Hug 2027"})

    assert event.name == "Bear Hug 2027"


def test_registration_may_close_on_the_last_evening(app_ctx):
    event = services.create_event(None, event_data(registration_closes_at="2027-07-17T23:59"))

    assert event.registration_closes_at == datetime(2027, 7, 18, 3, 59, tzinfo=UTC)


def test_naive_times_are_camp_local_and_aware_times_are_kept(app_ctx):
    event = services.create_event(
        None,
        event_data(
            registration_opens_at="2027-01-15T09:00",  # New York, winter: UTC-5
            registration_closes_at="2027-04-30T17:00:00Z",
        ),
    )

    assert event.registration_opens_at == datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2027, 4, 30, 17, 0, tzinfo=UTC)


def test_eligibility_rules_belong_in_their_object(app_ctx):
    data = event_data()
    del data["eligibility"]
    data.update(min_age=5, audience="siblings")

    assert problems_of(data) == {("min_age", "unknown_field"), ("audience", "unknown_field")}


def test_defaults_for_a_minimal_event(app_ctx):
    minimal = {
        key: event_data()[key]
        for key in (
            "slug",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
        )
    }

    event = services.create_event(None, minimal)

    assert event.published is False
    assert event.waitlist_enabled is True
    assert event.audience == "anyone"
    assert (event.min_age, event.max_age, event.diagnosis_categories) == (None, None, [])


def test_capacity_cannot_go_below_seats_taken(app_ctx):
    event = make_event(capacity=5)
    add_registrations(event, "confirmed", "pending_review", "confirmed", "waitlisted", "declined")

    assert problems_of({"capacity": 2}, event) == {("capacity", "capacity_below_taken")}
    db.session.refresh(event)
    assert event.capacity == 5

    event_seats.update_event(None, event, {"capacity": 3})
    assert event.capacity == 3


def test_partial_update_checks_against_current_values(app_ctx):
    event = make_event(starts_on=date(2027, 6, 14), ends_on=date(2027, 6, 19))

    assert problems_of({"ends_on": "2027-06-10"}, event) == {("ends_on", "ends_before_start")}
    assert problems_of({"eligibility": {"max_age": 5}}, event) == {
        ("eligibility.max_age", "ages_reversed")
    }
    db.session.refresh(event)
    assert event.ends_on == date(2027, 6, 19)
    assert event.max_age == 16


def test_partial_update_changes_only_what_is_given_and_audits_names(app_ctx):
    coordinator = make_user((Role.COORDINATOR,))
    event = make_event(name="Old name", capacity=10)

    event_seats.update_event(
        coordinator,
        event,
        {"name": "New name", "capacity": 10, "eligibility": {"max_age": 14}, "seats_left": 3},
    )

    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.name, event.capacity, event.max_age, event.min_age) == ("New name", 10, 14, 7)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "event.update")
    ).one()
    assert entry.actor_id == coordinator.id
    assert entry.entity_id == event.id
    assert entry.fields == ["max_age", "name"]  # names of what changed, never values


def test_create_is_audited_with_field_names(app_ctx):
    coordinator = make_user((Role.COORDINATOR,))

    event = services.create_event(coordinator, event_data())

    entry = db.session.scalars(db.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.entity_id) == (
        "event.create",
        coordinator.id,
        event.id,
    )
    assert "capacity" in entry.fields
    assert "Summer Camp" not in entry.fields


def test_body_that_is_not_an_object(app_ctx):
    with pytest.raises(InvalidInput) as caught:
        services.create_event(None, ["slug"])

    assert [p.code for p in caught.value.problems] == ["invalid_type"]


def test_text_from_a_browser_textarea_keeps_its_paragraphs(app_ctx):
    event = services.create_event(None, event_data(description="Cabins.\r\n\r\nA lake.\r\n"))

    assert event.description == "Cabins.\n\nA lake."


ODD_VALUES = [None, "", " ", [], {}, 1.5, True, -1, 10**20, "x" * 30_000, "2027-13-45", "a\x00b"]


@pytest.mark.parametrize("field", WRITABLE_FIELDS)
def test_odd_json_values_are_refused_or_taken_never_a_crash(app_ctx, field):
    for value in ODD_VALUES:
        data = event_data(slug=f"odd-{len(str(value))}")
        if field in ELIGIBILITY_FIELDS:
            data["eligibility"] = eligibility(**{field: value})
        else:
            data[field] = value
        try:
            created = services.create_event(None, data)
        except InvalidInput as error:
            assert all(p.field and p.message for p in error.problems)
        else:
            db.session.delete(created)
            db.session.commit()
