"""Parents' pages: the event page's panel, registering children, their registrations and
cancelling. Thin: every rule is in lifecycle / eligibility / queries / overview."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from camp_app.access import roles_required
from camp_app.events.consents import reading_locale
from camp_app.events.models import Event
from camp_app.events.services import RegistrationState, event_by_slug, registration_state
from camp_app.extensions import db
from camp_app.forms import ButtonForm
from camp_app.registrations import confirmation as submissions
from camp_app.registrations import lifecycle, overview, queries, returning
from camp_app.registrations.availability import seat_summary
from camp_app.registrations.consents import documents_to_sign, guardian_names
from camp_app.registrations.event_routes import CAME_FOR_KEY
from camp_app.registrations.forms import RegisterForm
from camp_app.registrations.labels import status_label
from camp_app.registrations.mails import MY_REGISTRATIONS_PATH
from camp_app.registrations.models import ACTIVE
from camp_app.roles import Role
from camp_app.service_errors import ServiceError

bp = Blueprint("registrations", __name__)


def registration_panel(event: Event) -> dict:
    """What the event page shows about registering, for whoever is looking."""
    if not current_user.is_authenticated:
        return {
            "audience": "visitor",
            "login_url": url_for("accounts.login", next=request.path),
            "signup_url": url_for("accounts.signup", next=request.path),
        }
    if not current_user.has_role(Role.PARENT):
        return {"audience": "staff"}
    return {
        "audience": "parent",
        "standings": overview.family_standing(current_user, event),
        "register_url": url_for("registrations.register", slug=event.slug),
    }


def next_step() -> dict | None:
    """What the family page suggests doing next for the camp the parent last looked at (the
    one they signed up from): add children first, register them, or see what is missing.
    None when there is no such camp, it is gone, or every child is registered for it."""
    slug = session.get(CAME_FOR_KEY)
    if not slug or not current_user.is_authenticated or not current_user.has_role(Role.PARENT):
        return None
    event = db.session.scalar(select(Event).where(Event.slug == slug, Event.published.is_(True)))
    if event is None or registration_state(event) == RegistrationState.CLOSED:
        return None
    standings = overview.family_standing(current_user, event)
    if not standings:
        step = "add_children"
    elif any(s.can_register for s in standings):
        step = "register"
    elif all(s.registration is not None for s in standings):
        return None
    else:
        step = "check"
    return {
        "step": step,
        "event": event,
        "event_url": url_for("events.detail", slug=event.slug),
        "register_url": url_for("registrations.register", slug=event.slug),
        "can_register": [s.child for s in standings if s.can_register],
    }


@bp.app_context_processor
def registration_helpers() -> dict:
    return {
        "registration_panel": registration_panel,
        "registration_status_label": status_label,
        "next_step": next_step,
    }


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def register(slug: str):
    event = event_by_slug(slug)
    form = RegisterForm()
    documents = documents_to_sign(event.id)
    keys = [document.key for document, _version in documents]
    child_problems: dict[int, list[str]] = {}
    document_problems: dict[str, list[str]] = {}
    status = 200
    if form.validate_on_submit():
        try:
            # Only the chosen children are looked at here: the family's whole standing is
            # read for the page, which a registration that goes through never draws.
            returning.require_confirmed_by_ids(
                event, current_user.household_id, form.children.data or []
            )
            created = lifecycle.register(
                current_user,
                event,
                form.children.data or [],
                form.consent_answers(keys),
                form.typed_signature(),
                seen_versions=form.seen_versions(keys),
                documents=documents,
            )
        except ServiceError as error:
            child_problems, document_problems = form.show_problems(error)
            status = 422
            documents = documents_to_sign(event.id)  # a text changed meanwhile shows anew
        else:
            return redirect(url_for("registrations.confirmation", signing_id=created[0].signing_id))
    elif form.is_submitted():
        status = 400  # an expired form (CSRF); the summary says so
    standings = overview.family_standing(current_user, event)
    to_confirm = returning.confirmation_due(event, [s.child.id for s in standings])
    page = render_template(
        "registrations/register.html",
        event=event,
        form=form,
        standings=standings,
        chosen=set(form.children.data or []),
        child_problems=child_problems,
        documents=documents,
        document_problems=document_problems,
        accepted=form.accepted_keys() if form.is_submitted() else set(),
        locale=reading_locale(),
        guardian_names=guardian_names(overview.family_of(current_user)),
        seats=seat_summary(event),
        to_confirm=to_confirm,
    )
    return page, status


def _own_signing_or_404(signing_id: int):
    found = submissions.family_submission(overview.family_of(current_user), signing_id)
    if found is None:
        abort(404)
    return found


@bp.get(f"{MY_REGISTRATIONS_PATH}/confirmation/<int:signing_id>")
@roles_required(Role.PARENT)
def confirmation(signing_id: int):
    submission = _own_signing_or_404(signing_id)
    return render_template(
        "registrations/confirmation.html", submission=submission, locale=reading_locale()
    )


@bp.get(f"{MY_REGISTRATIONS_PATH}/confirmation/<int:signing_id>/camp.ics")
@roles_required(Role.PARENT)
def calendar(signing_id: int):
    submission = _own_signing_or_404(signing_id)
    response = Response(submissions.calendar_of(submission), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{submission.event.slug}.ics"'
    return response


@bp.get(f"{MY_REGISTRATIONS_PATH}/confirmation/<int:signing_id>/signed-record.pdf")
@roles_required(Role.PARENT)
def signed_record(signing_id: int):
    submission = _own_signing_or_404(signing_id)
    response = Response(submissions.signed_record_pdf(submission), mimetype="application/pdf")
    name = f"{submission.event.slug}-signed-{submission.references_text}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get(MY_REGISTRATIONS_PATH)
@roles_required(Role.PARENT)
def mine():
    household = overview.family_of(current_user)
    rows = queries.family_registrations(household) if household else []
    return render_template("registrations/mine.html", rows=rows, active=set(ACTIVE))


def _own_registration_or_404(registration_id: int):
    registration = queries.family_registration(overview.family_of(current_user), registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.route(f"{MY_REGISTRATIONS_PATH}/<int:registration_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def cancel(registration_id: int):
    registration = _own_registration_or_404(registration_id)
    form = ButtonForm()
    problem = None
    if form.validate_on_submit():
        child_name = registration.child.first_name
        try:
            lifecycle.cancel(current_user, registration)
        except ServiceError as error:
            problem = " ".join(p.message for p in error.problems)
        else:
            flash(_("The registration of %(child)s is cancelled.", child=child_name), "success")
            return redirect(url_for("registrations.mine"))
    return render_template(
        "registrations/cancel.html",
        registration=registration,
        form=form,
        problem=problem,
        position=queries.waitlist_position(registration),
    ), (409 if problem else 200)
