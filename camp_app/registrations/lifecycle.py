"""The only place a registration's status changes.

Every change follows TRANSITIONS (anything else is a Conflict `invalid_transition`), happens
under the event's lock (see events.locking), is audited, and queues its mails in the same
transaction. Each public function is one unit of work and commits at its end.
"""

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from datetime import datetime

from flask import has_request_context
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.events.locking import (
    LockedEvent,
    event_locked,
    event_locked_for_registering,
)
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations import consents as signing
from camp_app.registrations import mails
from camp_app.registrations.availability import SeatSummary, seat_summaries, seat_summary
from camp_app.registrations.eligibility import evaluate
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import ACTIVE, ConsentSigning, Registration, new_reference
from camp_app.registrations.models import RegistrationStatus as S
from camp_app.registrations.queries import waitlist_position
from camp_app.registrations.review import override_problems, review_reasons, verification_reason
from camp_app.roles import MANAGERS
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import utcnow

# (action, current status) -> the statuses that action may lead to. None: not yet created.
TRANSITIONS: dict[tuple[str, str | None], frozenset[str]] = {
    ("register", None): frozenset({S.PENDING_REVIEW, S.CONFIRMED, S.WAITLISTED}),
    ("promote", S.WAITLISTED): frozenset({S.PENDING_REVIEW, S.CONFIRMED}),
    ("approve", S.PENDING_REVIEW): frozenset({S.CONFIRMED}),
    ("approve", S.WAITLISTED): frozenset({S.CONFIRMED}),  # only while a seat is free
    ("decline", S.PENDING_REVIEW): frozenset({S.DECLINED}),
    ("decline", S.CONFIRMED): frozenset({S.DECLINED}),
    ("decline", S.WAITLISTED): frozenset({S.DECLINED}),
    ("waitlist", S.PENDING_REVIEW): frozenset({S.WAITLISTED}),
    ("cancel", S.PENDING_REVIEW): frozenset({S.CANCELLED}),
    ("cancel", S.CONFIRMED): frozenset({S.CANCELLED}),
    ("cancel", S.WAITLISTED): frozenset({S.CANCELLED}),
}

DECISIONS = ("approve", "decline", "waitlist")
NOTE_MAX = 2000
REFERENCE_ATTEMPTS = 3


def _check_move(registration: Registration, action: str, to: str) -> None:
    if to not in TRANSITIONS.get((action, registration.status), frozenset()):
        message = _(
            "This registration is marked “%(status)s”; it cannot be changed that way.",
            status=status_label(registration.status),
        )
        raise Conflict(Problem("invalid_transition", message))


def _move(registration: Registration, action: str, to: str) -> None:
    _check_move(registration, action, to)
    registration.status = to


def _seat_status(event: Event, child: Child) -> str:
    """The status of a seat given to `child`: pending review when the event reviews every
    registration, or when it requires verified patient details that are missing (the seat is
    held; a coordinator confirms it once the medical team has verified them)."""
    if event.requires_review or verification_reason(event, child, child.household):
        return S.PENDING_REVIEW
    return S.CONFIRMED


def _in_locale(actor: User):
    """Messages in the request's language; outside a request (CLI, workers) in the actor's."""
    return nullcontext() if has_request_context() else force_locale(actor.locale or "en")


# --- registering ------------------------------------------------------------------------------


def _children_of(actor: User, children: Sequence[Child | int]) -> tuple[list[Child], list]:
    """The chosen children, each once, in the order given (NotFound for anyone else's child),
    and the problem when none was chosen (reported with the others, not alone)."""
    household = actor.household
    own = {c.id: c for c in household.children} if household else {}
    chosen: dict[int, Child] = {}
    for item in children:
        child_id = item.id if isinstance(item, Child) else item
        if isinstance(child_id, bool) or not isinstance(child_id, int) or child_id not in own:
            raise NotFound(Problem("not_found", _("We could not find that child."), "children"))
        chosen.setdefault(child_id, own[child_id])
    if not chosen:
        message = _("Choose at least one child to register.")
        return [], [Problem("no_children", message, "children")]
    return list(chosen.values()), []


def _check_eligible(actor, event, children, now, problems: list) -> SeatSummary:
    """Every failing rule of every child, with the submission's own problems (`problems`:
    no child chosen, consents, signature), or the seats as they are now. Nothing is written."""
    summary = seat_summary(event)
    left = summary.left
    of_children = []
    for child in children:
        reasons = evaluate(event, child, actor.household, now, seats_left=left)
        of_children += [
            Problem(r.code, r.message, r.field or f"children.{child.id}") for r in reasons
        ]
    if of_children or problems:
        raise NotAllowed([*of_children, *problems])
    return summary


def _already_registered(event_id: int, child_ids: list[int]) -> set[int]:
    query = select(Registration.child_id).where(
        Registration.event_id == event_id,
        Registration.child_id.in_(child_ids),
        Registration.status.in_(ACTIVE),
    )
    return set(db.session.scalars(query))


def _already_registered_error(children: list[Child]) -> Conflict:
    return Conflict(
        [
            Problem(
                "already_registered",
                _("%(child)s is already registered for this event.", child=child.first_name),
                f"children.{child.id}",
            )
            for child in children
        ]
    )


def _not_enough_seats(event: Event, left: int) -> NotAllowed:
    message = ngettext(
        "%(event)s has %(num)d seat left, not enough for every child you chose, "
        "and it has no waitlist.",
        "%(event)s has %(num)d seats left, not enough for every child you chose, "
        "and it has no waitlist.",
        left,
        event=event.text("name"),
    )
    return NotAllowed(Problem("event_full", message, "children"))


def register(
    actor: User,
    event: Event,
    children: Sequence[Child | int],
    consents: Mapping | None,
    signature: str | None,
    now: datetime | None = None,
    *,
    seen_versions: Mapping[str, int] | None = None,
    documents: signing.Documents | None = None,
) -> list[Registration]:
    """Register several children of the actor's household for the event in one transaction.

    `consents`: a boolean per consent document key of the event (registrations.consents);
    `signature`: the full name of a guardian of the household; `seen_versions`: the version
    of each document the page showed (a text changed meanwhile must be read again);
    `documents`: the event's documents to sign, when the caller has just read them.

    Each gets a seat (pending_review when the event needs review, else confirmed) while seats
    remain, then the waitlist, and a reference (made here, before the lock). Raises NotFound
    (unpublished event, another family's child), NotAllowed with every problem at once (no
    child chosen, every failing rule of every child (field "children.<id>"), consents,
    signature), Conflict already_registered. The signed record (ConsentSigning) is written
    before the event's lock and never outlives a failed registration.
    """
    now = now or utcnow()
    with _in_locale(actor):
        if not event.published:
            raise NotFound(Problem("not_found", _("We could not find that event.")))
        chosen, problems = _children_of(actor, children)
        if documents is None:
            documents = signing.documents_to_sign(event.id)
        answers = signing.clean_answers(consents)
        problems += signing.consent_problems(documents, answers, seen_versions)
        problems += signing.signature_problems(actor.household, signature)
        summary = _check_eligible(actor, event, chosen, now, problems)
        # Everything that does not depend on the seat count happens before the lock, which
        # every family of a rush waits for in turn: the duplicate check (the partial unique
        # index still catches a race, see _flush_or_conflict), the guardians, the signed
        # record, the references, the mails.
        taken = _already_registered(event.id, [c.id for c in chosen])
        if taken:
            raise _already_registered_error([c for c in chosen if c.id in taken])
        # The household's guardians were loaded for the signature: the mails go to those of
        # them who can receive mail, without reading them again.
        recipients = mails.recipients_among(actor.household.guardians)

        def sign() -> ConsentSigning:
            return signing.new_signing(
                actor, event, chosen[0].household_id, documents, answers, signature, now
            )

        return _register_with_references(
            event, chosen, actor.id, answers, sign, summary, recipients, now
        )


def _register_with_references(event, chosen, actor_id, answers, sign, summary, recipients, now):
    """Register under the lock with fresh references; a reference someone else got in the
    meantime (the unique index refuses it: rare) is drawn again. `sign()` adds the signed
    record: again after an attempt whose rollback took it away."""
    for attempt in range(REFERENCE_ATTEMPTS):
        references = {child.id: new_reference() for child in chosen}
        signed = sign()
        try:
            prepared = _prepare_mails(event, chosen, summary, recipients, references)
            with event_locked_for_registering(event.id, claim=len(chosen)) as locked:
                return _register_locked(
                    event, chosen, actor_id, answers, signed, locked, now, prepared, references
                )
        except _ReferenceTaken:
            _discard(signed)
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
        except BaseException:
            _discard(signed)
            raise
    raise AssertionError("unreachable")


class _ReferenceTaken(Exception):
    pass


def _discard(signed: ConsentSigning) -> None:
    """Remove the signed record of an attempt that registered nobody. On PostgreSQL it was
    only flushed in the attempt's transaction, and the rollback took it away; on SQLite the
    lock committed it first (events.locking), so it is deleted."""
    try:
        db.session.rollback()
        if inspect(signed).persistent:
            db.session.delete(signed)
            db.session.commit()
    except Exception:  # never hide why registering failed
        db.session.rollback()


_KIND_OF_NEW = {S.WAITLISTED: "waitlisted", S.PENDING_REVIEW: "received", S.CONFIRMED: "confirmed"}


def _prepare_mails(event, children, summary, recipients, references) -> dict:
    """child id -> (kind, mails) rendered for the status each child will most likely get,
    judged from the seats before the lock; under it, a guess that missed is rendered again."""
    prepared, left = {}, summary.left
    for child in children:
        status = _seat_status(event, child) if left > 0 else S.WAITLISTED
        left -= 1 if left > 0 else 0
        position = mails.POSITION_PLACEHOLDER if status == S.WAITLISTED else None
        kind = _KIND_OF_NEW[status]
        rendered = mails.render(
            kind,
            child,
            event,
            status,
            recipients,
            position=position,
            reference=references[child.id],
        )
        prepared[child.id] = (kind, rendered, recipients)
    return prepared


def _take_rules(event: Event, locked: LockedEvent) -> None:
    """The event's registration rules as the lock read them, without marking the event
    changed (a coordinator may have changed them since the request loaded the event)."""
    for name in ("waitlist_enabled", "requires_review", "requires_verification"):
        set_committed_value(event, name, getattr(locked, name))


def _register_locked(event, children, actor_id, answers, signed, locked, now, prepared, references):
    _take_rules(event, locked)
    summary = seat_summaries([event.id])[event.id]
    if summary.left > 0 and summary.waitlist_length > 0:
        _fill_free_seats(event, actor_id)  # the waitlist before newcomers
        summary = seat_summaries([event.id])[event.id]
    if not locked.waitlist_enabled and summary.left < len(children):
        raise _not_enough_seats(event, summary.left)
    left, first_sequence = summary.left, locked.counter - len(children) + 1
    registrations = []
    for offset, child in enumerate(children):
        status = _seat_status(event, child) if left > 0 else S.WAITLISTED
        left -= 1 if left > 0 else 0
        registration = _new_registration(event, child, actor_id, answers, signed, now)
        registration.sequence = first_sequence + offset
        registration.reference = references[child.id]
        _move(registration, "register", status)
        registrations.append(registration)
    _flush_or_conflict(children)
    # The new ones have the highest sequences: nobody waiting ahead of them comes after.
    waiting = summary.waitlist_length
    for registration in registrations:
        position = None
        if registration.status == S.WAITLISTED:
            waiting += 1
            position = waiting
        record(actor_id, "registration.created", registration, _CREATED_FIELDS)
        _queue_new_mails(registration, position, prepared[registration.child_id])
    return registrations


def _queue_new_mails(registration: Registration, position: int | None, prepared) -> None:
    kind = _KIND_OF_NEW[registration.status]
    guessed_kind, rendered, recipients = prepared
    if guessed_kind != kind or (position and not mails.set_position(rendered, position)):
        rendered = mails.render(
            kind,
            registration.child,
            registration.event,
            registration.status,
            recipients,
            position=position,
            reference=registration.reference,
        )
    mails.queue_rendered(rendered, registration, kind)


def _new_registration(event, child, actor_id, answers, signed, now) -> Registration:
    registration = Registration(
        event=event,
        child=child,
        household_id=child.household_id,
        status=None,
        **signing.standard_answers(answers),
        signature=signed.signature,
        signed_at=now,
        signed_by_id=actor_id,
        signing_id=signed.id,
    )
    db.session.add(registration)
    return registration


def _flush_or_conflict(children: list[Child]) -> None:
    # Named before flushing: a failed flush expires every loaded row (the children too).
    conflict = _already_registered_error(children)
    try:
        db.session.flush()
    except IntegrityError as error:
        if "reference" in str(error.orig).lower():
            raise _ReferenceTaken from None
        # The partial unique index caught a second active registration of a child (checked
        # before the lock, so two requests for the same child can both get this far).
        raise conflict from None


_CREATED_FIELDS = (
    "status",
    "sequence",
    "reference",
    "signing_id",
    "consent_medical_treatment",
    "consent_liability_waiver",
    "consent_photo_release",
    "signature",
    "signed_at",
    "signed_by_id",
)


# --- the waitlist -----------------------------------------------------------------------------


def _next_waitlisted(event_id: int, skip: Sequence[int]) -> Registration | None:
    query = select(Registration).where(
        Registration.event_id == event_id, Registration.status == S.WAITLISTED
    )
    if skip:
        query = query.where(Registration.id.not_in(skip))
    return db.session.scalars(query.order_by(Registration.sequence).limit(1)).first()


def promote_next(event: Event, actor_id: int | None = None, skip: Sequence[int] = ()):
    """Give a free seat to the first on the waitlist (by sequence) and email the family.

    Internal: only call while holding the event's lock (inside event_locked). Returns the
    promoted registration, or None when no seat is free or nobody waits.
    """
    if seat_summaries([event.id])[event.id].left <= 0:
        return None
    registration = _next_waitlisted(event.id, skip)
    if registration is None:
        return None
    _move(registration, "promote", _seat_status(event, registration.child))
    record(actor_id, "registration.promoted", registration, ("status",))
    mails.notify(registration, "promoted")
    return registration


def _fill_free_seats(event: Event, actor_id: int | None, skip: Sequence[int] = ()) -> list:
    promoted = []
    while (registration := promote_next(event, actor_id, skip)) is not None:
        db.session.flush()  # the next count must see this seat taken
        promoted.append(registration)
    return promoted


def fill_seats(event: Event, actor: User | None = None) -> list[Registration]:
    """Promote from the waitlist while seats are free (a state left from before saving an
    event filled them itself). Takes the event's lock and commits."""
    event_id, actor_id = event.id, actor.id if actor else None
    with event_locked(event_id):
        promoted = _fill_free_seats(db.session.get(Event, event_id), actor_id)
    return promoted


def fill_free_seats(event: Event, actor_id: int | None) -> list[Registration]:
    """Promote from the waitlist, in order, while seats are free; each family is mailed.

    Internal: only call while holding the event's lock (inside event_locked); the caller's
    transaction commits. registrations.event_seats.save_event calls it after a capacity change."""
    return _fill_free_seats(event, actor_id)


# --- cancelling and deciding -----------------------------------------------------------------


def _may_cancel(actor: User, registration: Registration) -> bool:
    own = actor.household_id is not None and actor.household_id == registration.household_id
    return own or actor.has_role(*MANAGERS)


def _locked_registration(registration_id: int) -> Registration:
    return db.session.get(Registration, registration_id, populate_existing=True)


def cancel(actor: User, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel a registration (the family's own, or any for a coordinator); a freed seat goes to
    the first on the waitlist at once. NotFound for another family's registration."""
    now = now or utcnow()
    registration_id, actor_id = registration.id, actor.id
    with _in_locale(actor):
        if not _may_cancel(actor, registration):
            raise NotFound(Problem("not_found", _("We could not find that registration.")))
        with event_locked(registration.event_id):
            registration = _cancel_locked(registration_id, actor_id, now)
    return registration


def _cancel_locked(registration_id: int, actor_id: int, now: datetime) -> Registration:
    registration = _locked_registration(registration_id)
    held_seat = registration.holds_seat
    _move(registration, "cancel", S.CANCELLED)
    registration.cancelled_at = now
    record(actor_id, "registration.cancelled", registration, ("status", "cancelled_at"))
    mails.notify(registration, "cancelled")
    if held_seat:
        _fill_free_seats(registration.event, actor_id)
    return registration


def cancel_locked(registration_ids: Sequence[int], actor_id: int, now: datetime) -> list:
    """Cancel these registrations in the caller's transaction, which already holds their
    events' locks (events.locking.lock_events); each freed seat goes to the waitlist in
    order and every family concerned is mailed through the outbox. Internal: a parent
    closing their account (privacy.closure) calls it; the caller commits."""
    return [_cancel_locked(registration_id, actor_id, now) for registration_id in registration_ids]


def _check_decision(actor: User, action, note, override_reason) -> None:
    if not actor.has_role(*MANAGERS):
        message = _("Only a coordinator can decide about registrations.")
        raise NotAllowed(Problem("not_allowed", message))
    problems = []
    if action not in DECISIONS:
        message = _("Choose approve, decline or waitlist.")
        problems.append(Problem("invalid_action", message, "action"))
    if not isinstance(note, str):
        problems.append(Problem("invalid_note", _("The note must be text."), "note"))
    elif len(note) > NOTE_MAX:
        message = _("Please keep the note under %(n)s characters.", n=NOTE_MAX)
        problems.append(Problem("too_long", message, "note"))
    if override_reason is not None and not isinstance(override_reason, str):
        message = _("The reason for overriding must be text.")
        problems.append(Problem("invalid_override_reason", message, "override_reason"))
    if problems:
        raise InvalidInput(problems)


def decide(
    actor: User,
    registration: Registration,
    action: str,
    note: str = "",
    now: datetime | None = None,
    override_reason: str | None = None,
    expected_status: str | None = None,
) -> Registration:
    """A coordinator's decision: approve (a waitlisted one only while a seat is free, else
    Conflict event_full), decline (with an optional note for the family), or waitlist.
    A seat freed by the decision goes to the first on the waitlist.

    Approving a registration that fails a rule now (review.review_reasons) needs a written
    `override_reason`, else NotAllowed with every failing rule and `override_reason_required`;
    the reason and the overridden codes are kept. The rules are checked under the lock.

    `expected_status`: the status the coordinator saw (a page's card or row). If the
    registration moved on meanwhile (an automatic promotion, another coordinator), Conflict
    `status_changed` and nothing is written: "remove from the waitlist" must never decline a
    child who was just given a seat.
    """
    now = now or utcnow()
    note = "" if note is None else note
    with _in_locale(actor):
        _check_decision(actor, action, note, override_reason)
        registration_id, actor_id = registration.id, actor.id
        with event_locked(registration.event_id):
            registration = _locked_registration(registration_id)
            _check_unchanged(registration, expected_status)
            _apply_decision(registration, action, note.strip(), actor_id, now, override_reason)
    return registration


def _check_unchanged(registration: Registration, expected_status: str | None) -> None:
    if expected_status is not None and registration.status != expected_status:
        message = _(
            "This registration is now marked “%(status)s”; nothing was changed. "
            "Please look at it again.",
            status=status_label(registration.status),
        )
        raise Conflict(Problem("status_changed", message))


def _apply_decision(registration, action, note, actor_id, now, override_reason) -> None:
    event, held_seat = registration.event, registration.holds_seat
    overridden: tuple[str, ...] = ()
    if action == "approve":
        overridden = _approve(registration, event, now, override_reason)
    elif action == "decline":
        _move(registration, "decline", S.DECLINED)
    else:
        _move(registration, "waitlist", S.WAITLISTED)
    registration.decision_note = note
    registration.decided_by_id = actor_id
    registration.decided_at = now
    fields = ("status", "decision_note", "decided_by_id", "decided_at", *overridden)
    record(actor_id, f"registration.{_PAST[action]}", registration, fields)
    db.session.flush()
    if registration.status == S.WAITLISTED:
        mails.notify(registration, "waitlisted", position=waitlist_position(registration))
    else:
        kind = "confirmed" if registration.status == S.CONFIRMED else "declined"
        mails.notify(registration, kind, note=note)
    if held_seat and not registration.holds_seat:
        # The seat goes to the next in line, not back to the one just moved off it.
        _fill_free_seats(event, actor_id, skip=(registration.id,))


_PAST = {"approve": "approved", "decline": "declined", "waitlist": "waitlisted"}


def _approve(registration: Registration, event: Event, now, override_reason) -> tuple[str, ...]:
    """Confirm; returns the names of the override fields written (none when no rule fails)."""
    _check_move(registration, "approve", S.CONFIRMED)
    if registration.status == S.WAITLISTED and seat_summaries([event.id])[event.id].left <= 0:
        message = _(
            "%(event)s is full: no seat is free for this registration.", event=event.text("name")
        )
        raise Conflict(Problem("event_full", message))
    reasons = review_reasons(registration, now)
    problems = override_problems(reasons, override_reason)
    if problems:
        raise NotAllowed(problems)
    _move(registration, "approve", S.CONFIRMED)
    if not reasons:
        return ()
    registration.override_reason = override_reason.strip()
    registration.overridden_codes = list(dict.fromkeys(r.code for r in reasons))
    return ("override_reason", "overridden_codes")


__all__ = [
    "DECISIONS",
    "TRANSITIONS",
    "cancel",
    "cancel_locked",
    "decide",
    "fill_free_seats",
    "fill_seats",
    "promote_next",
    "register",
]
