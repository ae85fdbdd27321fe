"""The review queue: pending registrations and the coordinator's decisions.

Thin: the queue and the rules are in registrations.review, the decision in lifecycle.decide.
A refused decision re-renders the queue with the messages next to that card; nothing changed.
"""

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.audit.services import read_recorded
from camp_app.events.descriptions import CATEGORY_LABELS
from camp_app.events.models import Event
from camp_app.events.services import event_by_slug
from camp_app.families.verification import STATE_LABELS
from camp_app.forms import form_problems
from camp_app.registrations import lifecycle, queries, review
from camp_app.registrations.availability import seat_summary
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import Registration
from camp_app.registrations.models import RegistrationStatus as S
from camp_app.registrations.review_forms import DecisionForm
from camp_app.registrations.workspace import bp
from camp_app.request_checks import page_arg
from camp_app.roles import MANAGERS
from camp_app.service_errors import Problem, ServiceError


@dataclass
class Refusal:
    """A decision that was refused: what was typed, and why, to show on its card."""

    registration_id: int
    action: str
    note: str = ""
    override_reason: str = ""
    problems: list[Problem] = field(default_factory=list)

    def messages(self, name: str | None) -> list[str]:
        return [p.message for p in self.problems if p.field == name]


def _queue_page(event: Event, page: int, refusal: Refusal | None = None, status: int = 200):
    queue = review.review_queue(event, page)
    shown = {card.registration.id for card in queue.cards}
    page_html = render_template(
        "review/queue.html",
        event=event,
        queue=queue,
        recent=review.recent_decisions(event),
        seats=seat_summary(event),
        refusal=refusal,
        refusal_elsewhere=refusal is not None and refusal.registration_id not in shown,
        category_labels=CATEGORY_LABELS,
        verification_labels=STATE_LABELS,
        rule_labels=review.RULE_LABELS,
        queue_url=url_for("review.queue", slug=event.slug, page=queue.page),
    )
    # The cards show each child's medical details: one entry naming the children shown.
    child_ids = [card.registration.child_id for card in queue.cards]
    read_recorded(current_user.id, "event.review_read", "events", event.id, ids=child_ids)
    return page_html, status


@bp.get("/manage/events/<slug>/review")
@roles_required(*MANAGERS)
def queue(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    return _queue_page(event, page_arg())


def _done_message(registration: Registration, child_name: str, overridden: bool) -> str:
    if registration.status == S.CONFIRMED and overridden:
        return _(
            "%(child)s is confirmed; your reason for overriding the rules is kept. "
            "The family will receive an email.",
            child=child_name,
        )
    if registration.status == S.WAITLISTED:
        return _(
            "%(child)s is on the waitlist, position %(position)s. The family will receive "
            "an email.",
            child=child_name,
            position=queries.waitlist_position(registration),
        )
    return _(
        "%(child)s: %(status)s. The family will receive an email.",
        child=child_name,
        status=status_label(registration.status),
    )


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/decision")
@roles_required(*MANAGERS)
def decide(slug: str, registration_id: int):
    event = event_by_slug(slug, include_unpublished=True)
    registration = queries.registration_of_event(event, registration_id)
    form = DecisionForm()
    page = form.page_number()
    refusal = Refusal(
        registration_id,
        form.action.data or "",
        form.note.data or "",
        form.override_reason.data or "",
    )
    if not form.validate_on_submit():
        refusal.problems = form_problems(form)  # an expired token, or text the rule refuses
        return _queue_page(event, page, refusal, 400)
    child_name = registration.child.full_name
    try:
        decided = lifecycle.decide(
            current_user,
            registration,
            refusal.action,
            refusal.note,
            override_reason=refusal.override_reason,
            expected_status=form.seen_status.data or None,
        )
    except ServiceError as error:
        refusal.problems = error.problems
        return _queue_page(event, page, refusal, error.status)
    flash(_done_message(decided, child_name, bool(decided.overridden_codes)), "success")
    return redirect(url_for("review.queue", slug=event.slug, page=page))
