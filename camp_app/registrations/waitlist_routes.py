"""The waitlist of an event: its order, promotion and removal by hand.

Automatic promotion stays on (lifecycle gives a freed seat to position 1 at once, and saving
an event gives a raised capacity's seats to the waitlist in order); these pages let a
coordinator give a free seat out of turn, fill seats left free (a state from before saving
filled them), or take a family off the list with a note. Every status change goes through
lifecycle.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField, TextAreaField

from camp_app.access import roles_required
from camp_app.events.services import event_by_slug
from camp_app.extensions import db
from camp_app.families.verification import STATE_LABELS
from camp_app.forms import ButtonForm, CampForm, refusal_messages
from camp_app.registrations import lifecycle
from camp_app.registrations.availability import seat_summary
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.registrations.queries import registration_of_event
from camp_app.registrations.workspace import bp
from camp_app.request_checks import page_arg
from camp_app.roles import MANAGERS
from camp_app.service_errors import Conflict, NotAllowed, ServiceError
from camp_app.timeutil import age_on

# decide's problems about the written reason (override_reason_required, too_long): the page
# then shows the failing rules and asks for a reason.
OVERRIDE_FIELD = "override_reason"
PER_PAGE = 100


class PromoteForm(CampForm):
    override_reason = TextAreaField()
    confirm_override = HiddenField()


class RemoveForm(CampForm):
    note = TextAreaField()


def waitlisted(event, page: int = 1) -> list[Registration]:
    """A page of the event's waitlist in the order it is served (position 1 first), in one
    query; position = (page - 1) * PER_PAGE + index + 1."""
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .options(joinedload(Registration.child), joinedload(Registration.signed_by))
        .order_by(Registration.sequence)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return list(db.session.scalars(query))


def _render(event, status: int = 200, override=None, page: int = 1):
    seats = seat_summary(event)
    pages = max(1, -(-seats.waitlist_length // PER_PAGE))
    page = page if 1 <= page <= pages else 1
    return (
        render_template(
            "review/waitlist.html",
            event=event,
            rows=waitlisted(event, page),
            first_position=(page - 1) * PER_PAGE + 1,
            page=page,
            pages=pages,
            seats=seats,
            age_of=lambda child: age_on(child.date_of_birth, event.starts_on),
            verification_labels=STATE_LABELS,
            override=override,
        ),
        status,
    )


@bp.get("/manage/events/<slug>/waitlist")
@roles_required(*MANAGERS)
def waitlist(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    return _render(event, page=page_arg())


def _back(event):
    return redirect(url_for("review.waitlist", slug=event.slug))


def _refused(event, form):
    """An expired token, or text the rule refuses (the forms have no place for an error)."""
    flash(" ".join(refusal_messages(form)), "error")
    return _back(event)


def _not_applicable(event, registration: Registration, form):
    """Back to the waitlist with the reason when the form was refused (expired, or text the rule
    refuses) or the registration no longer waits; None while the action applies.

    lifecycle.decide would also decline a confirmed registration; a button on the waitlist must
    never do that, e.g. when automatic promotion seated the child since the page was loaded.
    A promotion between this check and decide's lock is refused there (expected_status).
    """
    if not form.validate_on_submit():
        return _refused(event, form)
    if registration.status == RegistrationStatus.WAITLISTED:
        return None
    message = _(
        "%(child)s is no longer on the waitlist (now: %(status)s). Nothing was changed.",
        child=registration.child.full_name,
        status=status_label(registration.status),
    )
    flash(message, "error")
    return _back(event)


def _override_panel(registration, error: NotAllowed, reason: str | None) -> dict:
    """The failing rules, what is missing about the reason, and the reason typed so far."""
    problems = error.problems
    return {
        "registration": registration,
        "reasons": [p.message for p in problems if p.field != OVERRIDE_FIELD],
        "asks": [p.message for p in problems if p.field == OVERRIDE_FIELD],
        "reason": reason or "",
        "retried": reason is not None,  # the reason form was sent, and refused
    }


def _messages(error: ServiceError) -> str:
    return " ".join(problem.message for problem in error.problems)


@bp.post("/manage/events/<slug>/waitlist/<int:registration_id>/promote")
@roles_required(*MANAGERS)
def waitlist_promote(slug: str, registration_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    registration = registration_of_event(event, registration_id)
    form = PromoteForm()
    if refused := _not_applicable(event, registration, form):
        return refused
    child_name = registration.child.full_name
    # The reason counts only from the form that asked for it, never from a plain click.
    reason = form.override_reason.data if form.confirm_override.data else None
    try:
        lifecycle.decide(
            current_user,
            registration,
            "approve",
            override_reason=reason,
            expected_status=RegistrationStatus.WAITLISTED,
        )
    except NotAllowed as error:
        if any(problem.field == OVERRIDE_FIELD for problem in error.problems):
            return _render(event, 422, _override_panel(registration, error, reason))
        flash(_messages(error), "error")
    except Conflict as error:
        flash(_full_or_moved(error), "error")
    except ServiceError as error:
        flash(_messages(error), "error")
    else:
        flash(_("%(child)s has a seat now; the family is emailed.", child=child_name), "success")
    return _back(event)


def _full_or_moved(error: Conflict) -> str:
    message = _messages(error)
    if any(problem.code == "event_full" for problem in error.problems):
        message += " " + _(
            "A seat added on the event's edit page goes to the first child on the waitlist."
        )
    return message


@bp.post("/manage/events/<slug>/waitlist/<int:registration_id>/remove")
@roles_required(*MANAGERS)
def waitlist_remove(slug: str, registration_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    registration = registration_of_event(event, registration_id)
    form = RemoveForm()
    if refused := _not_applicable(event, registration, form):
        return refused
    child_name = registration.child.full_name
    try:
        lifecycle.decide(
            current_user,
            registration,
            "decline",
            form.note.data or "",
            expected_status=RegistrationStatus.WAITLISTED,
        )
    except ServiceError as error:
        flash(_messages(error), "error")
    else:
        message = _("%(child)s is off the waitlist; the family is emailed.", child=child_name)
        flash(message, "success")
    return _back(event)


@bp.post("/manage/events/<slug>/waitlist/fill")
@roles_required(*MANAGERS)
def waitlist_fill(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    form = ButtonForm()
    if not form.validate_on_submit():
        return _refused(event, form)
    promoted = lifecycle.fill_seats(event, current_user)
    if promoted:
        message = ngettext(
            "%(num)d registration from the top of the waitlist got a seat; its family is emailed.",
            "%(num)d registrations from the top of the waitlist got a seat; "
            "their families are emailed.",
            len(promoted),
        )
        flash(message, "success")
    else:
        flash(_("No seat is free, or nobody is waiting: nothing changed."), "error")
    return _back(event)
