"""Finding and publishing events, the API view of an event, and events in words."""
# ruff: noqa: RUF001  (en dashes in age and date ranges are what people read)

from datetime import UTC, date, datetime, timedelta

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.events import services
from camp_app.events.descriptions import age_range, audience_description, event_dates
from camp_app.extensions import db
from camp_app.registrations import event_seats
from camp_app.registrations.availability import seat_summary
from camp_app.roles import Role
from camp_app.service_errors import NotFound
from tests.events.helpers import add_registrations
from tests.factories import make_event, make_user


def test_published_events_are_upcoming_published_ones_soonest_first(app_ctx):
    later = make_event(name="Later", starts_on=date(2027, 8, 1), ends_on=date(2027, 8, 5))
    sooner = make_event(name="Sooner", starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 5))
    make_event(name="Draft", published=False)
    make_event(name="Over", starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 5))

    names = [e.name for e in services.published_events(now=datetime(2026, 11, 25, tzinfo=UTC))]

    assert names == [sooner.name, later.name]


def test_an_event_stays_listed_until_its_last_day_ends_in_camp_time(app_ctx):
    make_event(name="Ends June 19", starts_on=date(2027, 6, 14), ends_on=date(2027, 6, 19))
    # 03:00 UTC on June 20 is still 23:00 on June 19 in New York.
    still_on = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)

    assert [e.name for e in services.published_events(now=still_on)] == ["Ends June 19"]
    assert services.published_events(now=still_on + timedelta(hours=2)) == []


def test_event_by_slug_hides_unpublished_unless_asked(app_ctx):
    draft = make_event(slug="draft-camp", published=False)

    with pytest.raises(NotFound):
        services.event_by_slug("draft-camp")
    with pytest.raises(NotFound):
        services.event_by_slug("no-such-camp", include_unpublished=True)
    assert services.event_by_slug("draft-camp", include_unpublished=True) is draft


def test_set_published_changes_and_audits(app_ctx):
    coordinator = make_user((Role.COORDINATOR,))
    event = make_event(published=False)

    services.set_published(coordinator, event, True)
    services.set_published(coordinator, event, True)  # no change: nothing to record
    services.set_published(coordinator, event, False)

    db.session.expire_all()
    assert services.event_by_slug(event.slug, include_unpublished=True).published is False
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["event.publish", "event.unpublish"]


def test_event_to_dict_has_the_contract_fields(app_ctx):
    event = make_event(
        slug="camp-uots",
        capacity=3,
        registration_opens_at=datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
        registration_closes_at=datetime(2027, 4, 30, 21, 0, tzinfo=UTC),
    )
    add_registrations(event, "confirmed", "waitlisted")

    data = event_seats.event_to_dict(event, seat_summary(event))

    assert data["slug"] == "camp-uots"
    assert data["starts_on"] == "2027-06-14"
    assert data["ends_on"] == "2027-06-19"
    assert data["registration_opens_at"] == "2026-11-01T13:00:00+00:00"
    assert datetime.fromisoformat(data["registration_closes_at"]).utcoffset() is not None
    assert data["eligibility"] == {
        "min_age": 7,
        "max_age": 16,
        "audience": "patients",
        "diagnosis_categories": ["cancer", "blood_disorder"],
        "treated_at_hospital_required": True,
    }
    assert (data["seats_taken"], data["seats_left"], data["waitlist_length"]) == (1, 2, 1)
    assert {"kind", "summary", "description", "location", "capacity", "waitlist_enabled"} <= set(
        data
    )
    assert {"requires_review", "published", "name"} <= set(data)


def test_event_to_dict_counts_seats_itself_when_not_given(app_ctx):
    event = make_event(capacity=4)
    add_registrations(event, "pending_review")

    assert event_seats.event_to_dict(event)["seats_left"] == 3


def test_registration_state(app_ctx):
    opens = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
    closes = datetime(2027, 4, 30, 21, 0, tzinfo=UTC)
    event = make_event(registration_opens_at=opens, registration_closes_at=closes)

    assert services.registration_state(event, opens - timedelta(seconds=1)) == "not_yet_open"
    assert services.registration_state(event, opens) == "open"
    assert services.registration_state(event, closes) == "closed"


def test_audience_of_the_overnight_camp(app_ctx):
    event = make_event(
        min_age=7,
        max_age=16,
        audience="patients",
        diagnosis_categories=["cancer", "blood_disorder"],
        treated_at_hospital_required=True,
    )

    assert audience_description(event) == (
        "For children ages 7–16 with cancer or blood disorders who are treated at the hospital"
    )
    assert age_range(event) == "7–16"


@pytest.mark.parametrize(
    ("rules", "sentence"),
    [
        (
            {"audience": "siblings", "min_age": 5, "max_age": None},
            "For siblings ages 5 and up of children with cancer",
        ),
        (
            {"audience": "patients_and_siblings", "diagnosis_categories": [], "min_age": None},
            "For children ages up to 14 who are treated at the hospital, and their siblings",
        ),
        ({"audience": "anyone"}, "For all children ages 5–14"),
        (
            {"treated_at_hospital_required": False, "min_age": None, "max_age": None},
            "For children of any age with cancer",
        ),
    ],
)
def test_audience_sentences(app_ctx, rules, sentence):
    values = {
        "audience": "patients",
        "min_age": 5,
        "max_age": 14,
        "diagnosis_categories": ["cancer"],
        "treated_at_hospital_required": True,
        **rules,
    }

    assert audience_description(make_event(**values)) == sentence


def test_event_dates_in_words(app_ctx):
    event = make_event(starts_on=date(2027, 7, 11), ends_on=date(2027, 7, 17))
    one_day = make_event(starts_on=date(2027, 7, 26), ends_on=date(2027, 7, 26))

    assert event_dates(event) == "Jul 11\u2009–\u200917, 2027"  # thin spaces around the dash
    assert event_dates(one_day) == "Jul 26, 2027"
