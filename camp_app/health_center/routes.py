"""The health center's pages, under the nurse's landing (/attendance/health-center): the
nurse's day (allergies, doses due and their status, what is overdue), recording a dose's
outcome or a correction, the health log (a day's visits per child and per cabin, printable),
a new visit and an addendum. Nurses record; coordinators and admins may read."""

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.attendance import services as attendance
from camp_app.events.models import EventKind
from camp_app.events.services import event_by_slug
from camp_app.health_center import medication, visits
from camp_app.health_center.forms import (
    DISPOSITION_LABELS,
    AddendumForm,
    DoseForm,
    VisitForm,
    status_label,
)
from camp_app.ids import MAX_ID
from camp_app.roles import HEALTH_CENTER, Role
from camp_app.service_errors import InvalidInput, NotAllowed, ServiceError
from camp_app.timeutil import camp_today, is_sane_day, to_camp, utcnow

bp = Blueprint("health_center", __name__, url_prefix="/attendance/health-center")
ID = f"int(min=1, max={MAX_ID})"
readers = roles_required(*HEALTH_CENTER)  # medical details: never counselors
nurses = roles_required(Role.NURSE)  # the record carries the nurse's name: nurses write it


@bp.context_processor
def _helpers():
    return {
        "camp_time": lambda moment: format_time(moment, "short") if moment else "",
        "status_label": status_label,
        "disposition_label": lambda value: DISPOSITION_LABELS.get(value, value),
        "may_record": current_user.is_authenticated and current_user.has_role(Role.NURSE),
        "now_minute": lambda: utcnow().replace(second=0, microsecond=0),
    }


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(404)
    if not is_sane_day(day):
        abort(404)
    return day


def _camp(slug: str, overnight: bool = False):
    event = event_by_slug(slug, include_unpublished=True)
    kinds = (EventKind.OVERNIGHT_CAMP,) if overnight else attendance.CAMP_KINDS
    if event.kind not in kinds:
        abort(404)
    return event


def _apply_errors(form, error: ServiceError) -> None:
    for problem in error.problems:
        target = getattr(form, problem.field or "", None)
        if target is not None and hasattr(target, "errors") and target.type != "HiddenField":
            target.errors = [*target.errors, problem.message]
        else:
            form.form_errors.append(problem.message)


class _NotAtCamp(Exception):
    def __init__(self, event, day: date, refused: NotAllowed):
        super().__init__()
        self.event, self.day, self.problems = event, day, refused.problems


@bp.errorhandler(_NotAtCamp)
def _not_at_camp_page(error: _NotAtCamp):
    page = render_template(
        "attendance/not_confirmed.html", event=error.event, day=error.day, problems=error.problems
    )
    return page, 404


def _registration(event, day: date, registration_id: int):
    """A confirmed registration of the event; any other answers 404, with the attendance
    pages' explanation when it exists (no such registration: the plain 404 page)."""
    try:
        return attendance.registration_at_camp(event, registration_id)
    except NotAllowed as refused:
        raise _NotAtCamp(event, day, refused) from None


# --- the medication record ----------------------------------------------------------------


@bp.get("/<slug>/<day>")
@readers
def day(slug: str, day: str):
    event, the_day = _camp(slug, overnight=True), _day(day)
    try:
        record = medication.medication_day(current_user, event, the_day)
    except ServiceError:
        abort(404)
    return render_template(
        "health_center/day.html",
        event=event,
        day=the_day,
        record=record,
        days=attendance.event_days(event),
        button=DoseForm(),
        is_today=the_day == camp_today(),
    )


@bp.route(f"/<slug>/<day>/dose/<{ID}:registration_id>", methods=["GET", "POST"])
@nurses
def dose(slug: str, day: str, registration_id: int):
    """A dose's outcome: one tap for "given" from the day page, this page for a reason or a
    correction (?medication_id=&due_at=&corrects_id=)."""
    event, the_day = _camp(slug, overnight=True), _day(day)
    registration = _registration(event, the_day, registration_id)
    form = DoseForm(request.form if request.method == "POST" else request.args)
    if request.method == "POST" and form.validate():
        try:
            entry = medication.record_dose(current_user, event, form.to_data(registration.id))
            message = _(
                "%(medication)s for %(child)s: %(status)s.",
                medication=entry.medication_name,
                child=registration.child.first_name,
                status=status_label(entry.status),
            )
            flash(message, "success")
            url = url_for("health_center.day", slug=slug, day=the_day.isoformat())
            return redirect(f"{url}#child-{registration.id}")
        except ServiceError as error:
            _apply_errors(form, error)
    due_at = _moment(form.due_at.data)
    corrected = _corrected(form.corrects_id.data)
    if corrected is not None and corrected.registration_id != registration.id:
        corrected = None  # another child's record: the service refuses it on POST
    medicine = next(
        (m for m in registration.child.medications if str(m.id) == form.medication_id.data),
        None,
    )
    page = render_template(
        "health_center/dose.html",
        event=event,
        day=the_day,
        registration=registration,
        form=form,
        due_at=due_at,
        corrected=corrected,
        medicine=medicine,
    )
    return page, 422 if form.errors or form.form_errors else 200


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and is_sane_day(moment) else None


def _corrected(value: str | None):
    if not (value or "").isdigit() or len(value) > 10 or int(value) > MAX_ID:
        return None
    try:
        return medication.find_record(int(value))
    except ServiceError:
        return None


# --- the health log -----------------------------------------------------------------------


@bp.get("/<slug>/<day>/visits")
@readers
def visits_page(slug: str, day: str):
    event, the_day = _camp(slug), _day(day)
    try:
        log = visits.visits_for_day(current_user, event, the_day)
    except ServiceError:
        abort(404)
    by = "cabin" if request.args.get("by") == "cabin" else "child"
    return render_template(
        "health_center/visits.html",
        event=event,
        day=the_day,
        log=log,
        by=by,
        days=attendance.event_days(event),
    )


@bp.route("/<slug>/<day>/visits/new", methods=["GET", "POST"])
@nurses
def new_visit(slug: str, day: str):
    event, the_day = _camp(slug), _day(day)
    try:
        attendance.require_event_day(event, the_day)
    except ServiceError:
        abort(404)
    form = VisitForm()
    sheet = attendance.day_sheet(event, the_day)
    form.registration_id.choices = [("", _("Choose the child"))] + [
        (str(row.registration_id), f"{row.last_name}, {row.first_name}") for row in sheet.rows
    ]
    if request.method == "GET":
        chosen = request.args.get("registration_id", "")
        form.registration_id.data = chosen if chosen.isdigit() else ""
        now = to_camp(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
        form.seen_at.data = now if now.date() == the_day else None
    if form.validate_on_submit():
        try:
            visits.record_visit(current_user, event, form.to_data())
            flash(_("The visit is recorded."), "success")
            return redirect(url_for("health_center.visits_page", slug=slug, day=day))
        except InvalidInput as error:
            _apply_errors(form, error)
        except NotAllowed as error:  # a child not at camp
            _apply_errors(form, error)
    return render_template("health_center/visit_form.html", event=event, day=the_day, form=form)


@bp.route(f"/<slug>/<day>/visits/<{ID}:visit_id>/addendum", methods=["GET", "POST"])
@nurses
def addendum(slug: str, day: str, visit_id: int):
    event, the_day = _camp(slug), _day(day)
    visit = visits.visit_for(current_user, visit_id)
    if visit.registration.event_id != event.id:
        abort(404)
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            visits.add_addendum(current_user, visit.id, form.to_data())
            flash(_("The addendum is added."), "success")
            url = url_for("health_center.visits_page", slug=slug, day=day)
            return redirect(f"{url}#visit-{visit.id}")
        except ServiceError as error:
            _apply_errors(form, error)
    return render_template(
        "health_center/addendum.html", event=event, day=the_day, visit=visit, form=form
    )
