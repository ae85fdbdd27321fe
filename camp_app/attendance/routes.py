"""Attendance pages for staff at the camp gate: thin faces over attendance/services.py."""

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.attendance import exports, services
from camp_app.attendance.forms import (
    GUARDIAN_PREFIX,
    NOBODY,
    UNLISTED,
    AbsentForm,
    CheckOutForm,
    RangeForm,
    SearchForm,
)
from camp_app.attendance.pickups import pickups_for
from camp_app.audit.services import read_recorded
from camp_app.downloads import XLSX_MIMETYPE, download
from camp_app.events.models import EventKind
from camp_app.events.services import event_by_slug
from camp_app.forms import ButtonForm
from camp_app.ids import MAX_ID
from camp_app.roles import CAMP_STAFF, HEALTH_CENTER
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, ServiceError
from camp_app.timeutil import camp_today, is_sane_day

bp = Blueprint("attendance", __name__, url_prefix="/attendance")
ID = f"int(min=1, max={MAX_ID})"  # larger ids cannot exist: a plain 404 from routing
staff_only = roles_required(*CAMP_STAFF)
# Medications are medical details: the nurse and those who run events, never counselors.
health_center_only = roles_required(*HEALTH_CENTER)


@bp.context_processor
def _template_helpers():
    # Times on a day's page need no date: the camp's wall-clock time.
    return {"camp_time": lambda moment: format_time(moment, "short") if moment else ""}


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(404)
    if not is_sane_day(day):  # no camp is that far away; a day after it must still be a date
        abort(404)
    return day


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
    """The registration a child's page is about: only a confirmed one (the service's rule).
    Any other answers 404, with a page that says why when the registration exists (no such
    registration: the service's NotFound, the plain 404 page)."""
    try:
        return services.registration_at_camp(event, registration_id)
    except NotAllowed as refused:
        raise _NotAtCamp(event, day, refused) from None


def _back_to_sheet(event, day: date, registration_id: int | None = None):
    q = request.values.get("q") or None
    url = url_for("attendance.day", slug=event.slug, day=day.isoformat(), q=q)
    return redirect(url + (f"#reg-{registration_id}" if registration_id else ""))


def _flash_problems(error: ServiceError) -> None:
    for problem in error.problems:
        flash(problem.message, "error")


def _apply_errors(form, error: ServiceError) -> None:
    """Service problems shown next to their fields (others in the summary)."""
    for problem in error.problems:
        target = getattr(form, problem.field or "", None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, problem.message]
        else:
            form.form_errors.append(problem.message)


@bp.get("/")
@staff_only
def index():
    today = camp_today()
    events = services.camps_for_attendance(today)
    counts = services.counts_for_day(events, today)
    return render_template("attendance/index.html", events=events, counts=counts, today=today)


@bp.get("/health-center")
@health_center_only
def health_center():
    """Where the nurse lands: today's medication record of the overnight camp running today
    (the camps' list when none or several run)."""
    today = camp_today()
    running = [
        event
        for event in services.camps_for_attendance(today)
        if event.kind == EventKind.OVERNIGHT_CAMP and event.starts_on <= today <= event.ends_on
    ]
    if len(running) != 1:
        return redirect(url_for("attendance.index"))
    return redirect(url_for("health_center.day", slug=running[0].slug, day=today.isoformat()))


@bp.get("/<slug>")
@staff_only
def event_home(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    return redirect(
        url_for("attendance.day", slug=slug, day=services.default_day(event).isoformat())
    )


@bp.get("/<slug>/<day>")
@staff_only
def day(slug: str, day: str):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else None
    try:
        sheet = services.day_sheet(event, the_day, q)
    except ServiceError:
        abort(404)
    page = render_template(
        "attendance/day.html",
        sheet=sheet,
        search=search,
        q=q or "",
        button=ButtonForm(),
        range_form=RangeForm(date_from=the_day, date_to=the_day),
        days=services.event_days(event),
        is_today=the_day == camp_today(),
    )
    # The sheet flags allergies and shows health alerts: one entry naming the children shown.
    read_recorded(
        current_user.id,
        "attendance.day_sheet_read",
        "events",
        event.id,
        ["day", *(["q"] if q else [])],
        ids=[row.child_id for row in sheet.rows],
    )
    return page


@bp.post(f"/<slug>/<day>/<{ID}:registration_id>/check-in")
@staff_only
def check_in(slug: str, day: str, registration_id: int):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    if ButtonForm().validate_on_submit():
        try:
            record = services.check_in(current_user, event, registration_id, the_day)
            child = record.registration.child.full_name
            flash(_("%(child)s is checked in.", child=child), "success")
        except (InvalidInput, NotAllowed, Conflict) as error:  # NotFound: the 404 page
            _flash_problems(error)
    return _back_to_sheet(event, the_day, registration_id)


@bp.post(f"/<slug>/<day>/<{ID}:registration_id>/undo")
@staff_only
def undo(slug: str, day: str, registration_id: int):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    if ButtonForm().validate_on_submit():
        try:
            services.undo_last(current_user, event, registration_id, the_day)
            flash(_("The last action was undone. It stays in the history."), "success")
        except (InvalidInput, NotAllowed, Conflict) as error:  # NotFound: the 404 page
            _flash_problems(error)
    return _back_to_sheet(event, the_day, registration_id)


@bp.route(f"/<slug>/<day>/<{ID}:registration_id>/check-out", methods=["GET", "POST"])
@staff_only
def check_out(slug: str, day: str, registration_id: int):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    registration = _registration(event, the_day, registration_id)
    pickups = pickups_for(registration)
    form = CheckOutForm()
    form.set_choices(pickups, allow_none=not event.is_day_camp)
    refused = None
    if form.validate_on_submit():
        contact_id, guardian_id, unlisted = _pickup_choice(form)
        chosen = contact_id is not None or guardian_id is not None or unlisted
        if chosen or form.pickup.data == NOBODY:
            try:
                services.check_out(
                    current_user,
                    event,
                    registration_id,
                    the_day,
                    contact_id,
                    unlisted,
                    pickup_guardian_id=guardian_id,
                )
                flash(_("%(child)s is checked out.", child=registration.child.full_name), "success")
                return _back_to_sheet(event, the_day, registration_id)
            except ServiceError as error:
                refused = next((p for p in error.problems if p.code in REFUSALS), None)
                if refused is None:  # a refusal has its own alert box
                    _apply_errors(form, error)
    page = render_template(
        "attendance/check_out.html",
        event=event,
        day=the_day,
        registration=registration,
        pickups=pickups,
        form=form,
        refused=refused,
        q=request.values.get("q", ""),
    )
    return page, 422 if refused else 200


REFUSALS = ("pickup_not_authorized", "pickup_restricted")


def _pickup_choice(form: CheckOutForm) -> tuple[int | None, int | None, str]:
    """(contact id, guardian id, typed name) of the person chosen."""
    choice = form.pickup.data
    if choice == UNLISTED:
        name = (form.unlisted_name.data or "").strip()
        if not name:
            form.unlisted_name.errors = [_("Enter the name of the person picking up.")]
        return None, None, name
    if choice and choice.isdigit():
        return int(choice), None, ""
    guardian = (choice or "").removeprefix(GUARDIAN_PREFIX)
    if choice and choice.startswith(GUARDIAN_PREFIX) and guardian.isdigit():
        return None, int(guardian), ""
    if choice != NOBODY:
        form.pickup.errors = [_("Choose the person who is picking up.")]
    return None, None, ""


@bp.route(f"/<slug>/<day>/<{ID}:registration_id>/absent", methods=["GET", "POST"])
@staff_only
def absent(slug: str, day: str, registration_id: int):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    registration = _registration(event, the_day, registration_id)
    form = AbsentForm()
    if form.validate_on_submit():
        try:
            services.mark_absent(current_user, event, registration_id, the_day, form.reason.data)
            flash(_("%(child)s is marked absent.", child=registration.child.full_name), "success")
            return _back_to_sheet(event, the_day, registration_id)
        except ServiceError as error:
            _apply_errors(form, error)
    return render_template(
        "attendance/absent.html",
        event=event,
        day=the_day,
        registration=registration,
        form=form,
        q=request.values.get("q", ""),
    )


@bp.get(f"/<slug>/<day>/<{ID}:registration_id>/history")
@staff_only
def history(slug: str, day: str, registration_id: int):
    event, the_day = event_by_slug(slug, include_unpublished=True), _day(day)
    registration = _registration(event, the_day, registration_id)
    entries = services.history_for(registration, the_day)
    return render_template(
        "attendance/history.html",
        event=event,
        day=the_day,
        registration=registration,
        entries=entries,
        actors=services.actor_names(entries),
    )


# --- Exports ------------------------------------------------------------------------------


def _range(event):
    form = RangeForm(request.args)
    if not form.validate():
        abort(400)
    try:
        services.event_days(event, form.date_from.data, form.date_to.data)
    except ServiceError as error:
        flash(" ".join(p.message for p in error.problems), "error")
        return None
    return form.date_from.data, form.date_to.data


def _filename(event, extension: str, date_from, date_to) -> str:
    first = (date_from or event.starts_on).isoformat()
    last = (date_to or event.ends_on).isoformat()
    return f"attendance-{event.slug}-{first}-{last}.{extension}"


def _export(slug: str, build, mimetype: str, extension: str, audit_action: str | None = None):
    """The event's file for the chosen days (`build(event, date_from, date_to)`); a bad range
    goes back to the event's attendance with the message. With `audit_action` (a file that
    shows health details), the download is recorded first."""
    event = event_by_slug(slug, include_unpublished=True)
    span = _range(event)
    if span is None:
        return redirect(url_for("attendance.event_home", slug=slug))
    body = build(event, *span)
    if audit_action:
        days = [name for name, value in zip(("date_from", "date_to"), span, strict=True) if value]
        read_recorded(current_user.id, audit_action, "events", event.id, days)
    return download(body, mimetype, _filename(event, extension, *span))


def _streamed_csv(event, date_from, date_to):
    return stream_with_context(exports.attendance_csv(event, date_from, date_to))


@bp.get("/<slug>/export.csv")
@staff_only
def export_csv(slug: str):
    return _export(slug, _streamed_csv, "text/csv", "csv")


@bp.get("/<slug>/export.xlsx")
@staff_only
def export_xlsx(slug: str):
    return _export(slug, exports.attendance_xlsx, XLSX_MIMETYPE, "xlsx")


@bp.get("/<slug>/sign-in-sheet.pdf")
@staff_only
def sign_in_sheet(slug: str):
    pdf = exports.sign_in_sheet_pdf
    return _export(slug, pdf, "application/pdf", "pdf", "attendance.export_sign_in_sheet")
