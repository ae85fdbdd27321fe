"""Registering, the waitlist, cancelling and coordinators' decisions, on the real database."""

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from markupsafe import escape
from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.registrations import lifecycle
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.roles import Role
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests import factories
from tests.registrations.helpers import (
    CONSENTS,
    count,
    fill,
    mails_to,
    make_coordinator,
    make_family,
    register,
    statuses,
)


@pytest.fixture
def ctx(app):
    # Only an app context, as in a worker thread: the lifecycle must not need a request.
    with app.app_context():
        yield app


def reload(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


# --- registering ------------------------------------------------------------------------------


def test_a_seat_is_confirmed_with_consents_and_signature_recorded(ctx):
    event = factories.make_event(capacity=3)
    parent, (child,) = make_family()
    before = datetime.now(UTC)
    consents = {**CONSENTS, "photo_release": False}
    typed = f"  {parent.name} "
    (registration,) = register(parent, event, [child], consents=consents, signature=typed)
    registration = reload(registration)
    assert registration.status == "confirmed"
    assert registration.sequence == 1
    assert registration.consent_medical_treatment and registration.consent_liability_waiver
    assert registration.consent_photo_release is False
    assert registration.signature == parent.name
    assert registration.signed_by_id == parent.id
    assert registration.signed_at >= before
    assert registration.household_id == parent.household_id


def test_registering_is_audited_by_field_name(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child], signature=parent.name)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "registrations", AuditEntry.entity_id == registration.id
        )
    )
    assert entry.action == "registration.created" and entry.actor_id == parent.id
    assert "status" in entry.fields and "signature" in entry.fields
    assert parent.name not in str(entry.fields)


def test_an_event_needing_review_holds_the_seat_pending_review(ctx):
    event = factories.make_event(requires_review=True, capacity=1)
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    assert reload(registration).status == "pending_review"
    assert [m.category for m in mails_to(parent.email)] == ["registration_received"]
    other, (second,) = make_family()
    (late,) = register(other, event, [second])
    assert reload(late).status == "waitlisted"  # pending_review holds the only seat


def test_two_children_in_one_submission_get_consecutive_sequences(ctx):
    event = factories.make_event(capacity=5)
    parent, children = make_family(children=2)
    created = register(parent, event, children)
    assert [r.status for r in created] == ["confirmed", "confirmed"]
    assert [r.sequence for r in created] == [1, 2]
    assert {r.child_id for r in created} == {c.id for c in children}


def test_the_last_seat_goes_to_the_first_child_and_the_next_waits(ctx):
    event = factories.make_event(capacity=3)
    fill(event, 2)
    parent, children = make_family(children=2)
    created = register(parent, event, children)
    assert [reload(r).status for r in created] == ["confirmed", "waitlisted"]
    mails = mails_to(parent.email, "registration_waitlisted")
    assert len(mails) == 1 and "Position on the waitlist: 1." in mails[0].body_text


def test_a_full_event_puts_newcomers_on_the_waitlist_in_order(ctx):
    event = factories.make_event(capacity=2)
    rows = fill(event, 5)
    assert statuses(event) == {"confirmed": [1, 2], "waitlisted": [3, 4, 5]}
    last = rows[-1]
    parent = db.session.get(Registration, last.id).signed_by
    (mail,) = mails_to(parent.email, "registration_waitlisted")
    assert "Position on the waitlist: 3." in mail.body_text


def test_a_full_event_without_a_waitlist_refuses_and_writes_nothing(ctx):
    event = factories.make_event(capacity=1, waitlist_enabled=False)
    fill(event, 1)
    parent, (child,) = make_family()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child])
    assert [p.code for p in refused.value.problems] == ["event_full"]
    assert refused.value.problems[0].field == f"children.{child.id}"
    assert count(Registration) == 1
    assert mails_to(parent.email) == []


def test_not_enough_seats_for_every_child_without_a_waitlist_refuses_them_all(ctx):
    event = factories.make_event(capacity=2, waitlist_enabled=False)
    fill(event, 1)
    parent, children = make_family(children=2)
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, children)
    assert [p.code for p in refused.value.problems] == ["event_full"]
    assert count(Registration) == 1
    assert count(Registration, Registration.child_id.in_([c.id for c in children])) == 0


def test_ineligible_children_are_refused_with_every_reason_and_nothing_is_written(ctx):
    event = factories.make_event()
    parent, (maya,) = make_family()
    leo = factories.make_child(
        parent.household, first_name="Leo", relationship="sibling", diagnosis_category=None
    )
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [maya, leo], consents={"photo_release": True}, signature="")
    problems = refused.value.problems
    assert {(p.code, p.field) for p in problems} == {
        ("not_a_patient", f"children.{leo.id}"),
        ("consent_missing", "consents.medical_treatment"),
        ("consent_missing", "consents.liability_waiver"),
        ("signature_missing", "signature"),
    }
    assert any("Leo" in p.message for p in problems)
    assert count(Registration) == 0
    assert count(OutboxMail) == 0
    assert db.session.get(type(event), event.id).registration_counter == 0


def test_registering_twice_is_a_conflict(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    register(parent, event, [child])
    with pytest.raises(Conflict) as conflict:
        register(parent, event, [child])
    assert [p.code for p in conflict.value.problems] == ["already_registered"]
    assert count(Registration) == 1


def test_after_cancelling_a_child_can_register_again(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    (first,) = register(parent, event, [child])
    lifecycle.cancel(parent, first)
    (second,) = register(parent, event, [child])
    assert reload(second).status == "confirmed" and second.id != first.id


def test_the_unique_index_backs_up_the_check(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    register(parent, event, [child])
    duplicate = Registration(
        event_id=event.id,
        child_id=child.id,
        household_id=child.household_id,
        status="waitlisted",
        sequence=99,
        signature="x",
        signed_at=datetime.now(UTC),
        signed_by_id=parent.id,
        signing_id=db.session.scalar(select(Registration.signing_id)),
    )
    db.session.add(duplicate)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_another_familys_child_is_not_found(ctx):
    event = factories.make_event()
    parent, _ = make_family()
    _, (stranger,) = make_family()
    with pytest.raises(NotFound):
        register(parent, event, [stranger])
    with pytest.raises(NotFound):
        register(parent, event, [stranger.id])
    assert count(Registration) == 0


def test_child_ids_work_like_children(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child.id, child.id])
    assert registration.child_id == child.id


def test_choosing_no_child_is_invalid(ctx):
    event = factories.make_event()
    parent, _ = make_family()
    with pytest.raises(NotAllowed) as invalid:
        register(parent, event, [])
    assert [p.field for p in invalid.value.problems] == ["children"]


def test_an_unpublished_event_is_not_found(ctx):
    event = factories.make_event(published=False)
    parent, (child,) = make_family()
    with pytest.raises(NotFound):
        register(parent, event, [child])


def test_a_very_long_signature_is_refused(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child], signature="A" * 201)
    assert refused.value.problems[0].field == "signature"


def test_registration_outside_the_window_is_refused(ctx):
    now = datetime.now(UTC)
    event = factories.make_event(
        registration_opens_at=now + timedelta(days=1), registration_closes_at=now + timedelta(2)
    )
    parent, (child,) = make_family()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child])
    assert [p.code for p in refused.value.problems] == ["registration_not_open"]
    (registration,) = register(parent, event, [child], now=now + timedelta(days=1, seconds=1))
    assert registration.status == "confirmed"


# --- cancelling and the waitlist ----------------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_waitlisted_at_once(ctx):
    event = factories.make_event(capacity=2)
    rows = fill(event, 5)
    holder = rows[0]
    parent = reload(holder).signed_by
    lifecycle.cancel(parent, holder)
    assert statuses(event) == {"cancelled": [1], "confirmed": [2, 3], "waitlisted": [4, 5]}
    promoted_parent = reload(rows[2]).signed_by
    (mail,) = mails_to(promoted_parent.email, "registration_promoted")
    assert mail.attachments and mail.attachments[0]["filename"] == "camp.ics"
    assert mails_to(parent.email, "registration_cancelled")
    # The families still waiting hear nothing.
    assert mails_to(reload(rows[3]).signed_by.email, "registration_promoted") == []


def test_cancelling_a_waitlisted_registration_promotes_nobody(ctx):
    event = factories.make_event(capacity=1)
    rows = fill(event, 3)
    lifecycle.cancel(reload(rows[1]).signed_by, rows[1])
    assert statuses(event) == {"confirmed": [1], "cancelled": [2], "waitlisted": [3]}
    assert count(OutboxMail, OutboxMail.category == "registration_promoted") == 0


def test_promotion_on_an_event_needing_review_waits_for_the_coordinator(ctx):
    event = factories.make_event(capacity=1, requires_review=True)
    rows = fill(event, 2)
    lifecycle.cancel(reload(rows[0]).signed_by, rows[0])
    assert reload(rows[1]).status == "pending_review"
    (mail,) = mails_to(reload(rows[1]).signed_by.email, "registration_promoted")
    assert mail.attachments == []
    assert "coordinator will review" in mail.body_text


def test_cancelling_twice_is_an_invalid_transition(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    lifecycle.cancel(parent, registration)
    with pytest.raises(Conflict) as conflict:
        lifecycle.cancel(parent, registration)
    assert conflict.value.problems[0].code == "invalid_transition"


def test_another_parent_cannot_cancel(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    stranger, _ = make_family()
    (registration,) = register(parent, event, [child])
    with pytest.raises(NotFound):
        lifecycle.cancel(stranger, registration)
    assert reload(registration).status == "confirmed"


def test_a_second_guardian_and_a_coordinator_may_cancel(ctx):
    event = factories.make_event()
    parent, children = make_family(children=2)
    partner = factories.make_user(household=False)
    partner.household_id = parent.household_id
    db.session.commit()
    first, second = register(parent, event, children)
    assert lifecycle.cancel(partner, first).status == "cancelled"
    assert lifecycle.cancel(make_coordinator(), second).status == "cancelled"


def test_cancel_is_audited_with_the_actor(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    lifecycle.cancel(parent, registration)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == registration.id)
    ).all()
    assert "registration.cancelled" in actions


def test_fill_seats_after_more_capacity_promotes_in_order(ctx):
    event = factories.make_event(capacity=1)
    fill(event, 4)
    event.capacity = 3
    db.session.commit()
    promoted = lifecycle.fill_seats(event)
    assert [r.sequence for r in promoted] == [2, 3]
    assert statuses(event) == {"confirmed": [1, 2, 3], "waitlisted": [4]}


def test_free_seats_go_to_the_waitlist_before_a_newcomer(ctx):
    event = factories.make_event(capacity=1)
    fill(event, 3)
    event.capacity = 2  # raised without filling the seat
    db.session.commit()
    parent, (child,) = make_family()
    (newcomer,) = register(parent, event, [child])
    assert reload(newcomer).status == "waitlisted"
    assert statuses(event) == {"confirmed": [1, 2], "waitlisted": [3, 4]}


# --- coordinators' decisions ------------------------------------------------------------------


def test_approving_a_pending_registration_confirms_it_with_a_calendar_file(ctx):
    event = factories.make_event(requires_review=True)
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    coordinator = make_coordinator()
    decided = lifecycle.decide(coordinator, registration, "approve")
    assert decided.status == "confirmed"
    assert decided.decided_by_id == coordinator.id and decided.decided_at is not None
    (mail,) = mails_to(parent.email, "registration_confirmed")
    assert mail.attachments[0]["content_type"] == "text/calendar"


def test_declining_with_a_note_tells_the_family_and_frees_the_seat(ctx):
    event = factories.make_event(capacity=1, requires_review=True)
    rows = fill(event, 2)
    note = "The camp's medical team cannot support this stay; please call us."
    lifecycle.decide(make_coordinator(), rows[0], "decline", note)
    assert statuses(event) == {"declined": [1], "pending_review": [2]}
    (mail,) = mails_to(reload(rows[0]).signed_by.email, "registration_declined")
    assert note in mail.body_text and str(escape(note)) in mail.body_html
    assert mails_to(reload(rows[1]).signed_by.email, "registration_promoted")


def test_declining_a_waitlisted_registration_promotes_nobody(ctx):
    event = factories.make_event(capacity=1)
    rows = fill(event, 3)
    lifecycle.decide(make_coordinator(), rows[1], "decline")
    assert statuses(event) == {"confirmed": [1], "declined": [2], "waitlisted": [3]}


def test_approving_a_waitlisted_registration_needs_a_free_seat(ctx):
    event = factories.make_event(capacity=1)
    rows = fill(event, 2)
    coordinator = make_coordinator()
    with pytest.raises(Conflict) as conflict:
        lifecycle.decide(coordinator, rows[1], "approve")
    assert conflict.value.problems[0].code == "event_full"
    assert reload(rows[1]).status == "waitlisted"
    event.capacity = 2
    db.session.commit()
    assert lifecycle.decide(coordinator, rows[1], "approve").status == "confirmed"


def test_moving_a_pending_registration_to_the_waitlist_gives_the_seat_to_the_next(ctx):
    event = factories.make_event(capacity=1, requires_review=True)
    rows = fill(event, 2)
    decided = lifecycle.decide(make_coordinator(), rows[0], "waitlist")
    assert decided.status == "waitlisted"
    assert statuses(event) == {"waitlisted": [1], "pending_review": [2]}
    (mail,) = mails_to(reload(rows[0]).signed_by.email, "registration_waitlisted")
    assert mail.body_text.count("Position on the waitlist: 1.") == 1


@pytest.mark.parametrize(
    ("start", "action"),
    [("confirmed", "approve"), ("waitlisted", "waitlist"), ("confirmed", "waitlist")],
)
def test_decisions_that_make_no_sense_are_refused(ctx, start, action):
    event = factories.make_event(capacity=1)
    rows = fill(event, 2)
    target = rows[0] if start == "confirmed" else rows[1]
    with pytest.raises(Conflict) as conflict:
        lifecycle.decide(make_coordinator(), target, action)
    assert conflict.value.problems[0].code == "invalid_transition"
    assert reload(target).status == start


def test_a_declined_or_cancelled_registration_stays_closed(ctx):
    event = factories.make_event(capacity=2)
    first, second = fill(event, 2)
    coordinator = make_coordinator()
    lifecycle.decide(coordinator, first, "decline")
    lifecycle.cancel(coordinator, second)
    for registration, action in product((first, second), ("approve", "decline", "waitlist")):
        with pytest.raises(Conflict):
            lifecycle.decide(coordinator, registration, action)


def test_only_coordinators_decide(ctx):
    event = factories.make_event(requires_review=True)
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    staff = factories.make_user((Role.STAFF,), household=False)
    for actor in (parent, staff):
        with pytest.raises(NotAllowed):
            lifecycle.decide(actor, registration, "approve")
    admin = factories.make_user((Role.ADMIN,), household=False)
    assert lifecycle.decide(admin, registration, "approve").status == "confirmed"


@pytest.mark.parametrize(
    ("action", "note"), [("accept", ""), ("approve", 5), ("decline", "x" * 2001)]
)
def test_bad_decision_input_is_invalid(ctx, action, note):
    event = factories.make_event(requires_review=True)
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    with pytest.raises(InvalidInput):
        lifecycle.decide(make_coordinator(), registration, action, note)
    assert reload(registration).status == "pending_review"


# --- the transition table --------------------------------------------------------------------

# Written out rather than read from lifecycle.TRANSITIONS, so that a wrong edit of that table
# fails here. Per action, a row per current status; 1: it may move to the column's status.
STATUSES = ("pending_review", "confirmed", "waitlisted", "declined", "cancelled")
#                  pending_review  confirmed  waitlisted  declined  cancelled
ALLOWED_MOVES = {
    "register": {
        None:             (1,        1,         1,          0,        0),
        "pending_review": (0,        0,         0,          0,        0),
        "confirmed":      (0,        0,         0,          0,        0),
        "waitlisted":     (0,        0,         0,          0,        0),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
    "promote": {  # a freed seat goes to the first on the waitlist
        "pending_review": (0,        0,         0,          0,        0),
        "confirmed":      (0,        0,         0,          0,        0),
        "waitlisted":     (1,        1,         0,          0,        0),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
    "approve": {  # a waitlisted one only while a seat is free
        "pending_review": (0,        1,         0,          0,        0),
        "confirmed":      (0,        0,         0,          0,        0),
        "waitlisted":     (0,        1,         0,          0,        0),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
    "decline": {
        "pending_review": (0,        0,         0,          1,        0),
        "confirmed":      (0,        0,         0,          1,        0),
        "waitlisted":     (0,        0,         0,          1,        0),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
    "waitlist": {
        "pending_review": (0,        0,         1,          0,        0),
        "confirmed":      (0,        0,         0,          0,        0),
        "waitlisted":     (0,        0,         0,          0,        0),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
    "cancel": {
        "pending_review": (0,        0,         0,          0,        1),
        "confirmed":      (0,        0,         0,          0,        1),
        "waitlisted":     (0,        0,         0,          0,        1),
        "declined":       (0,        0,         0,          0,        0),
        "cancelled":      (0,        0,         0,          0,        0),
    },
}  # fmt: skip
MOVES = [
    (action, start, to, bool(allowed))
    for action, rows in ALLOWED_MOVES.items()
    for start, row in rows.items()
    for to, allowed in zip(STATUSES, row, strict=True)
]


def test_the_written_table_covers_every_action_and_status():
    assert set(STATUSES) == {s.value for s in RegistrationStatus}
    assert len(MOVES) == 5 + 6 * 5 * 5


@pytest.mark.parametrize(("action", "start", "to", "allowed"), MOVES)
def test_only_the_listed_transitions_are_allowed(bare_app, action, start, to, allowed):
    registration = Registration(status=start)
    with bare_app.test_request_context():
        if allowed:
            lifecycle._move(registration, action, to)
            assert registration.status == to
        else:
            with pytest.raises(Conflict) as conflict:
                lifecycle._move(registration, action, to)
            assert conflict.value.problems[0].code == "invalid_transition"
            assert registration.status == start


def test_registering_always_asks_for_consents_and_signature(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    with pytest.raises(NotAllowed) as refused:
        lifecycle.register(parent, event, [child], None, None)
    assert sorted(p.field for p in refused.value.problems) == [
        "consents.liability_waiver",
        "consents.medical_treatment",
        "signature",
    ]
    assert count(Registration) == 0
