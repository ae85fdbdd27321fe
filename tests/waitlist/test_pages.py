"""The waitlist page: its order, giving a seat by hand, removing with a note, and the
automatic promotion that stays on."""

import pytest
from sqlalchemy import select

from camp_app.events.forms import camp_local_input
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests import factories
from tests.events.test_pages import form_fields
from tests.support.queries import statements_for
from tests.verification.helpers import (
    flashes,
    mails_to,
    make_family,
    make_person,
    many_registrations,
    register,
    sign_in,
    text_of,
)


def page_url(event) -> str:
    return f"/manage/events/{event.slug}/waitlist"


def action_url(event, registration, action) -> str:
    return f"/manage/events/{event.slug}/waitlist/{registration.id}/{action}"


def status_of(registration) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def full_camp(waiting=3, capacity=1, **event_fields):
    """An event whose seats are taken, with `waiting` families on its waitlist, in order."""
    event = factories.make_event(capacity=capacity, **event_fields)
    seated, waitlisted = [], []
    for n in range(capacity + waiting):
        parent, (child,) = make_family(first_names=(f"Kid{n}",), name=f"Parent {n}")
        (registration,) = register(parent, event, [child])
        (seated if n < capacity else waitlisted).append((parent, registration))
    assert all(r.status == "waitlisted" for _p, r in waitlisted)
    return event, seated, waitlisted


# --- access -----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(ctx, client):
    event, _seated, [(_p, reg), *_rest] = full_camp(waiting=1)
    for response in (
        client.get(page_url(event)),
        client.post(action_url(event, reg, "promote")),
        client.post(action_url(event, reg, "remove")),
        client.post(f"/manage/events/{event.slug}/waitlist/fill"),
    ):
        assert response.status_code == 302 and "/account/login" in response.location
    assert status_of(reg) == "waitlisted"


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_parents_and_staff_are_refused(ctx, client, role):
    event, _seated, [(_p, reg), *_rest] = full_camp(waiting=1)
    sign_in(client, make_person(role))
    assert client.get(page_url(event)).status_code == 403
    for action in ("promote", "remove"):
        assert client.post(action_url(event, reg, action)).status_code == 403
    assert client.post(f"/manage/events/{event.slug}/waitlist/fill").status_code == 403
    assert status_of(reg) == "waitlisted"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_it(ctx, client, role):
    event, _seated, _waiting = full_camp(waiting=1)
    sign_in(client, make_person(role))
    assert client.get(page_url(event)).status_code == 200
    assert client.get("/manage/events/no-such-camp/waitlist").status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_the_waitlist_shows_its_order_with_positions_and_details(coordinator, client):
    event, _seated, _waiting = full_camp(waiting=3)
    page = text_of(client.get(page_url(event)))
    positions = [page.index(f"Position {n} Kid{n}") for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert "Parent 1" in page and "@example.org" in page
    assert "Age on the first day" in page and "Received" in page
    assert "Seats left 0 of 1" in page and "Waiting 3" in page
    assert "Automatic promotion is on." in page
    assert "goes to position 1 at once" in page
    assert "No seat is free. Seats added by raising the capacity go to the waitlist" in page
    html = client.get(page_url(event)).get_data(as_text=True)
    assert f'href="/manage/events/{event.slug}/edit"' in html


def test_an_empty_waitlist_says_so(coordinator, client):
    event = factories.make_event()
    assert "Nobody is on the waitlist." in text_of(client.get(page_url(event)))


def test_the_page_costs_the_same_queries_however_long(coordinator, client):
    event, _seated, _waiting = full_camp(waiting=1)
    one = statements_for(client, page_url(event))
    for _ in range(5):
        parent, (child,) = make_family()
        register(parent, event, [child])
    assert statements_for(client, page_url(event)) == one


# --- giving a seat by hand ----------------------------------------------------------------------


def test_giving_a_seat_when_full_says_so_and_changes_nothing(coordinator, client):
    event, _seated, [(_p, first), *_rest] = full_camp(waiting=2)
    response = client.post(action_url(event, first, "promote"))
    assert response.status_code == 302 and response.location.endswith(page_url(event))
    message = flashes(client.get(response.location))
    assert "[error]" in message and "is full: no seat is free" in message
    assert "A seat added on the event's edit page goes to the first child on the" in message
    assert status_of(first) == "waitlisted"


def test_raising_the_capacity_gives_the_new_seat_to_the_first_in_line(coordinator, client):
    event, _seated, [(parent1, first), (_p2, second)] = full_camp(waiting=2)
    fields = form_fields(
        slug=event.slug,
        name=event.name,
        kind="overnight_camp",
        capacity="2",
        audience="patients",
        min_age="7",
        max_age="16",
        starts_on="2027-06-14",
        ends_on="2027-06-19",
        registration_opens_at=camp_local_input(event.registration_opens_at),
        registration_closes_at=camp_local_input(event.registration_closes_at),
        diagnosis_categories=["cancer", "blood_disorder"],
        treated_at_hospital_required="y",
    )
    mails_before = len(mails_to(parent1.email))
    saved = client.post(f"/manage/events/{event.slug}/edit", data=fields)
    # Saved, and in the same transaction the new seat went to position 1: not to whoever
    # registers next, and not left for someone to press a button.
    assert saved.status_code == 302 and saved.location.endswith(f"/events/{event.slug}")
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 2
    assert (status_of(first), status_of(second)) == ("confirmed", "waitlisted")
    assert len(mails_to(parent1.email)) == mails_before + 1
    page = text_of(client.get(saved.location))
    assert "1 child from the waitlist got a new seat, in order; the family is emailed." in page
    page = text_of(client.get(page_url(event)))
    assert "Position 1 Kid2" in page and "Seats left 0 of 2" in page


def test_filling_freed_seats_promotes_from_the_top_in_order(coordinator, client):
    event, _seated, waiting = full_camp(waiting=3)
    event = db.session.get(Event, event.id)
    event.capacity = 3  # written directly: seats left free, as before saving filled them
    db.session.commit()
    response = client.post(f"/manage/events/{event.slug}/waitlist/fill", follow_redirects=True)
    assert "2 registrations from the top of the waitlist got a seat" in flashes(response)
    assert [status_of(r) for _p, r in waiting] == ["confirmed", "confirmed", "waitlisted"]
    again = client.post(f"/manage/events/{event.slug}/waitlist/fill", follow_redirects=True)
    assert "nothing changed" in flashes(again)


def test_a_registration_no_longer_waitlisted_gets_a_clear_message(coordinator, client):
    event, [(seated_parent, seated)], [(_p, first)] = full_camp(waiting=1)
    lifecycle.cancel(seated_parent, seated)  # automatic promotion seats `first` meanwhile
    assert status_of(first) == "confirmed"
    for action in ("promote", "remove"):
        response = client.post(action_url(event, first, action), follow_redirects=True)
        assert response.status_code == 200
        message = flashes(response)
        assert "[error] Kid1 Lopez is no longer on the waitlist (now: Confirmed)." in message
        assert status_of(first) == "confirmed"  # never declined from the waitlist page
    response = client.post(action_url(event, seated, "promote"), follow_redirects=True)
    assert "(now: Cancelled)" in flashes(response) and status_of(seated) == "cancelled"


def test_a_registration_of_another_event_is_404(coordinator, client):
    event, _seated, _waiting = full_camp(waiting=1)
    _other, _s, [(_p, elsewhere)] = full_camp(waiting=1)
    for action in ("promote", "remove"):
        assert client.post(action_url(event, elsewhere, action)).status_code == 404
    assert client.post(f"/manage/events/{event.slug}/waitlist/999999/promote").status_code == 404
    assert status_of(elsewhere) == "waitlisted"


# --- removing ---------------------------------------------------------------------------------


def test_removing_with_a_note_tells_the_family(coordinator, client):
    event, _seated, [(parent, first), (_p2, second)] = full_camp(waiting=2)
    note = "We are so sorry: the camp is for ages 7 to 16 only."
    response = client.post(action_url(event, first, "remove"), data={"note": note})
    assert response.status_code == 302
    assert "Kid1 Lopez is off the waitlist" in flashes(client.get(response.location))
    assert status_of(first) == "declined" and status_of(second) == "waitlisted"
    (mail,) = mails_to(parent.email, "registration_declined")
    assert note in mail.body_text
    assert "Position 1 Kid2" in text_of(client.get(page_url(event)))


def test_a_note_too_long_is_refused_and_nothing_changes(coordinator, client):
    event, _seated, [(parent, first)] = full_camp(waiting=1)
    response = client.post(
        action_url(event, first, "remove"), data={"note": "x" * 2001}, follow_redirects=True
    )
    assert "Please keep the note under 2000 characters." in flashes(response)
    assert status_of(first) == "waitlisted"
    assert mails_to(parent.email, "registration_declined") == []


# --- automatic promotion stays on ---------------------------------------------------------------


def test_a_cancelled_seat_goes_to_position_1_at_once(coordinator, client):
    event, [(seated_parent, seated)], [(parent1, first), (_p2, second)] = full_camp(waiting=2)
    lifecycle.cancel(seated_parent, seated)
    assert (status_of(first), status_of(second)) == ("confirmed", "waitlisted")
    assert mails_to(parent1.email, "registration_promoted")
    page = text_of(client.get(page_url(event)))
    assert "Position 1 Kid2" in page and "Kid1" not in page


def test_a_seat_freed_by_removing_a_confirmed_child_goes_to_position_1(coordinator, client):
    event, [(_sp, seated)], [(_p1, first), *_rest] = full_camp(waiting=1)
    lifecycle.decide(coordinator, db.session.get(Registration, seated.id), "decline", "")
    assert status_of(first) == "confirmed"
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
    )
    assert sorted(r.status for r in registrations) == ["confirmed", "declined"]


# --- giving a seat despite a failing rule ---------------------------------------------------------


def unverified_patient_waiting():
    """An event requiring verification, full, with an unverified patient waiting; one seat is
    then added so that only the rule stands in the way."""
    event, _seated, [(parent, waiting)] = full_camp(waiting=1, requires_verification=True)
    stored = db.session.get(Event, event.id)
    stored.capacity = 2
    db.session.commit()
    return event, parent, waiting


def test_a_failing_rule_asks_for_a_written_reason(coordinator, client):
    event, _parent, waiting = unverified_patient_waiting()
    response = client.post(action_url(event, waiting, "promote"))
    assert response.status_code == 422
    page = text_of(response)
    assert "Kid1 Lopez does not meet every rule of this event" in page
    assert "has not yet verified Kid1's patient details" in page
    assert "write why the rule should be overridden" in page
    assert 'name="override_reason"' in response.get_data(as_text=True)
    assert status_of(waiting) == "waitlisted"


def test_an_empty_reason_is_asked_for_again(coordinator, client):
    event, _parent, waiting = unverified_patient_waiting()
    data = {"confirm_override": "1", "override_reason": "   "}
    response = client.post(action_url(event, waiting, "promote"), data=data)
    assert response.status_code == 422 and 'class="field has-error"' in response.get_data(True)
    assert status_of(waiting) == "waitlisted"


def test_a_written_reason_gives_the_seat_and_is_kept(coordinator, client):
    event, parent, waiting = unverified_patient_waiting()
    reason = "The medical team confirmed by phone; paperwork follows."
    data = {"confirm_override": "1", "override_reason": reason}
    response = client.post(action_url(event, waiting, "promote"), data=data, follow_redirects=True)
    assert "Kid1 Lopez has a seat now" in flashes(response)
    db.session.expire_all()
    stored = db.session.get(Registration, waiting.id)
    assert stored.status == "confirmed" and stored.override_reason == reason
    assert stored.overridden_codes == ["patient_not_verified"]
    assert mails_to(parent.email, "registration_confirmed")


def test_a_reason_without_the_form_that_asked_is_ignored(coordinator, client):
    event, _parent, waiting = unverified_patient_waiting()
    data = {"override_reason": "sneaky"}
    assert client.post(action_url(event, waiting, "promote"), data=data).status_code == 422
    assert status_of(waiting) == "waitlisted"


def test_a_long_waitlist_comes_in_pages_with_positions_running_on(coordinator, client):
    event = factories.make_event(capacity=1)
    many_registrations(event, 151, lambda n: "confirmed" if n == 0 else "waitlisted")
    first = text_of(client.get(page_url(event)))
    assert "Waiting 150" in first and "Page 1 of 2" in first
    assert "Position 1 Kid1 Many00001" in first and "Position 100 Kid100" in first
    assert "Kid101 " not in first
    second = text_of(client.get(page_url(event) + "?page=2"))
    assert "Position 101 Kid101 Many00101" in second and "Position 150 Kid150" in second
    assert "Kid100 " not in second
    assert "Position 1 Kid1 " in text_of(client.get(page_url(event) + "?page=9"))
    assert statements_for(client, page_url(event) + "?page=2") == statements_for(
        client, page_url(event)
    )
