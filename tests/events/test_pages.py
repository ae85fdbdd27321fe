"""The public catalog and event page, and the coordinators' pages, through the test client."""
# ruff: noqa: RUF001  (en dashes in age and date ranges are what people read)

import html
from datetime import UTC, date, datetime, timedelta

import pytest

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from tests.events.helpers import add_registrations, sign_in
from tests.factories import make_event, make_user
from tests.support.queries import counted_statements

MANAGE_PAGES = ["/manage/events", "/manage/events/new"]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form_fields(**overrides) -> dict:
    fields = {
        "name": "Art Day",
        "slug": "art-day",
        "kind": "day_camp",
        "summary": "Painting and clay.",
        "description": "A day in the studio.",
        "location": "Family Center",
        "contact_email": "",
        "contact_phone": "",
        "starts_on": "2027-08-02",
        "ends_on": "2027-08-02",
        "registration_opens_at": "2027-01-04T09:00",
        "registration_closes_at": "2027-07-15T17:30",
        "capacity": "12",
        "waitlist_enabled": "y",
        "min_age": "6",
        "max_age": "12",
        "audience": "patients_and_siblings",
        "diagnosis_categories": ["cancer", "blood_disorder"],
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture
def coordinator(app_ctx, client):
    user = make_user((Role.COORDINATOR,))
    sign_in(client, user)
    return user


# --- public catalog ------------------------------------------------------------------------


def test_catalog_lists_published_upcoming_events_soonest_first_with_seats(app_ctx, client):
    later = make_event(name="Bear Hug", starts_on=date(2027, 7, 26), ends_on=date(2027, 7, 30))
    sooner = make_event(name="Camp U.O.T.S.", starts_on=date(2027, 7, 11), capacity=2)
    full = make_event(name="Art Day", starts_on=date(2027, 8, 2), ends_on=date(2027, 8, 2))
    full.capacity, full.waitlist_enabled = 1, False
    make_event(name="Secret Draft", published=False)
    make_event(name="Last Summer", starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 5))
    add_registrations(sooner, "confirmed", "pending_review", "waitlisted")
    add_registrations(later, "confirmed", "waitlisted", "cancelled", "declined")
    add_registrations(full, "confirmed")

    page = text_of(client.get("/"))

    assert "Upcoming events" in page
    assert page.index("Camp U.O.T.S.") < page.index("Bear Hug") < page.index("Art Day")
    assert "Secret Draft" not in page and "Last Summer" not in page
    cards = {name: page[page.index(name) :][:1500] for name in ("Camp U.O.T.S.", "Bear Hug")}
    assert "Waitlist open" in cards["Camp U.O.T.S."]
    assert "9 seats left" in cards["Bear Hug"]
    assert "Full" in page[page.index("Art Day") :]
    assert "Overnight camp" in cards["Bear Hug"]
    assert "For children ages 7–16 with cancer or blood disorders" in cards["Bear Hug"]
    assert f'href="/events/{later.slug}"' in page


def test_catalog_seat_counts_do_not_cost_a_query_per_event(app_ctx, client):
    def statements_for_catalog():
        with counted_statements() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    make_event()
    make_event()
    with_two = statements_for_catalog()
    for _ in range(5):
        make_event()

    assert statements_for_catalog() == with_two


def test_empty_catalog_says_so(client):
    assert "no upcoming events" in text_of(client.get("/"))


# --- event page ----------------------------------------------------------------------------


def test_event_page_shows_what_a_family_needs(app_ctx, client):
    event = make_event(
        name="Camp U.O.T.S.",
        slug="camp-uots",
        location="Pine Lake Camp",
        starts_on=date(2027, 7, 11),
        ends_on=date(2027, 7, 17),
        capacity=3,
        contact_email="camps@hospital.example",
        contact_phone="+13055550199",
    )
    add_registrations(event, "confirmed")

    page = text_of(client.get("/events/camp-uots"))

    assert "<h1>Camp U.O.T.S.</h1>" in page
    assert "Jul 11" in page and "17, 2027" in page
    assert "Pine Lake Camp" in page
    assert (
        "For children ages 7–16 with cancer or blood disorders who are treated at the hospital"
        in page
    )
    assert "7–16" in page
    assert "2 seats left" in page
    assert "Registration is open until" in page
    assert "camps@hospital.example" in page and "+13055550199" in page


def test_event_page_says_when_the_waitlist_is_open(app_ctx, client):
    event = make_event(slug="busy-camp", capacity=1)
    add_registrations(event, "confirmed")

    assert "the waitlist is open" in text_of(client.get("/events/busy-camp"))


def test_registration_window_is_shown_in_the_camp_time_zone(app_ctx, client):
    # 14:00 UTC on March 1 is 9:00 AM in New York (EST).
    make_event(
        slug="spring-day",
        registration_opens_at=datetime(2027, 3, 1, 14, 0, tzinfo=UTC),
        registration_closes_at=datetime(2027, 5, 1, 21, 30, tzinfo=UTC),
    )

    page = text_of(client.get("/events/spring-day"))

    assert "Registration opens on March 1, 2027 at 9:00\u202fAM (Eastern Time)" in page
    assert "May 1, 2027 at 5:30\u202fPM" in page  # EDT by then: UTC-4
    assert "2:00\u202fPM" not in page


def test_closed_registration_is_said_so(app_ctx, client):
    now = datetime.now(UTC)
    make_event(
        slug="closed-camp",
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now - timedelta(days=1),
    )

    assert "Registration closed on" in text_of(client.get("/events/closed-camp"))


def test_unpublished_event_is_404_to_the_public(app_ctx, client):
    make_event(slug="draft", published=False)

    assert client.get("/events/draft").status_code == 404
    assert client.get("/events/no-such-event").status_code == 404


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_unpublished_event_is_404_to_parents_and_staff(app_ctx, client, role):
    make_event(slug="draft", published=False)
    sign_in(client, make_user((role,)))

    assert client.get("/events/draft").status_code == 404


def test_unpublished_event_is_visible_to_coordinators(coordinator, client):
    make_event(slug="draft", name="Draft Camp", published=False)

    response = client.get("/events/draft")

    assert response.status_code == 200
    assert "Not published" in text_of(response)


# --- who may manage ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
@pytest.mark.parametrize("url", MANAGE_PAGES)
def test_parents_and_staff_get_403_on_manage_pages(app_ctx, client, role, url):
    event = make_event(published=False)
    sign_in(client, make_user((role,)))

    assert client.get(url).status_code == 403
    assert client.get(f"/manage/events/{event.slug}/edit").status_code == 403
    assert client.post(f"/manage/events/{event.slug}/publish").status_code == 403
    assert client.post("/manage/events/new", data=form_fields()).status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).published is False
    assert db.session.scalar(db.select(Event).where(Event.slug == "art-day")) is None


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/manage/events")

    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_admins_may_manage_too(app_ctx, client):
    sign_in(client, make_user((Role.ADMIN,)))

    assert client.get("/manage/events").status_code == 200


# --- coordinator pages ---------------------------------------------------------------------


def test_manage_list_shows_every_event_with_seats(coordinator, client):
    draft = make_event(name="Draft Camp", published=False, capacity=8)
    make_event(name="Old Camp", starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 2))
    add_registrations(draft, "confirmed", "pending_review", "waitlisted")

    page = text_of(client.get("/manage/events"))

    assert "Draft Camp" in page and "Old Camp" in page
    assert "2 of 8" in page
    assert "Not published" in page
    assert f'action="/manage/events/{draft.slug}/publish"' in page


def test_manage_list_seat_counts_do_not_cost_a_query_per_event(coordinator, client):
    def statements_for_list():
        with counted_statements() as statements:
            assert client.get("/manage/events").status_code == 200
        return len(statements)

    add_registrations(make_event(), "confirmed")
    with_one = statements_for_list()
    for _ in range(4):
        add_registrations(make_event(published=False), "waitlisted")

    assert statements_for_list() == with_one


def test_coordinator_creates_an_event_through_the_form(coordinator, client):
    assert "Create an event" in text_of(client.get("/manage/events/new"))

    response = client.post("/manage/events/new", data=form_fields())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events/art-day")
    event = db.session.scalar(db.select(Event).where(Event.slug == "art-day"))
    assert (event.name, event.kind, event.capacity) == ("Art Day", "day_camp", 12)
    assert (event.min_age, event.max_age, event.audience) == (6, 12, "patients_and_siblings")
    assert event.diagnosis_categories == ["cancer", "blood_disorder"]
    assert event.waitlist_enabled is True and event.requires_review is False
    assert event.published is False  # "Publish now" was not ticked
    # datetime-local inputs are camp time: 9:00 in New York in January is 14:00 UTC.
    assert event.registration_opens_at == datetime(2027, 1, 4, 14, 0, tzinfo=UTC)
    # The only change recorded (signing in is an entry too, of its own kind).
    changes = db.select(AuditEntry).where(AuditEntry.kind == EntryKind.CHANGE)
    entry = db.session.scalars(changes).one()
    assert (entry.action, entry.actor_id) == ("event.create", coordinator.id)
    assert "Art Day" in text_of(client.get(response.headers["Location"]))


def test_form_shows_every_problem_next_to_its_field_and_saves_nothing(coordinator, client):
    response = client.post(
        "/manage/events/new",
        data=form_fields(
            slug="Art Day", name="", ends_on="2027-08-01", capacity="-3", min_age="9", max_age="8"
        ),
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Please correct the highlighted fields" in page
    for field_id, message in [
        ("slug", "lowercase letters"),
        ("name", "This field is required."),
        ("ends_on", "The last day cannot be before the first day."),
        ("capacity", "Enter a number from 0 to"),
        ("max_age", "The youngest age cannot be above the oldest age."),
    ]:
        error = page[page.index(f'id="{field_id}-error"') :][:300]
        assert message in error, field_id
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_coordinator_edits_an_event(coordinator, client):
    event = make_event(
        slug="camp-x",
        name="Camp X",
        capacity=10,
        registration_opens_at=datetime(2026, 10, 15, 13, 0, tzinfo=UTC),
    )

    form_page = text_of(client.get("/manage/events/camp-x/edit"))
    assert 'value="Camp X"' in form_page
    assert 'value="2026-10-15T09:00"' in form_page  # shown in camp time (EDT)

    fields = form_fields(slug="camp-x", name="Camp X 2027", capacity="25", kind="overnight_camp")
    response = client.post("/manage/events/camp-x/edit", data=fields)

    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.name, event.capacity) == ("Camp X 2027", 25)
    assert event.published is True  # the edit form leaves publishing alone
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "event.update"))
    assert "capacity" in entry.one().fields


def test_edit_refuses_a_capacity_below_seats_taken(coordinator, client):
    event = make_event(slug="camp-y", capacity=3)
    add_registrations(event, "confirmed", "confirmed")

    response = client.post(
        "/manage/events/camp-y/edit", data=form_fields(slug="camp-y", capacity="1")
    )

    assert response.status_code == 200
    assert "2 seats are already taken" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 3


def test_coordinator_publishes_and_unpublishes(coordinator, client):
    event = make_event(slug="camp-z", name="Camp Z", published=False)
    assert "Camp Z" not in text_of(client.get("/"))

    response = client.post("/manage/events/camp-z/publish")
    assert response.status_code == 302
    assert "Camp Z" in text_of(client.get("/"))

    response = client.post("/manage/events/camp-z/unpublish", follow_redirects=True)
    assert "“Camp Z” is hidden from families." in text_of(response)
    db.session.expire_all()
    assert db.session.get(Event, event.id).published is False
    assert "Camp Z" not in text_of(client.get("/"))


def test_publish_of_an_unknown_event_is_404(coordinator, client):
    assert client.post("/manage/events/nope/publish").status_code == 404
    assert client.get("/manage/events/nope/edit").status_code == 404
