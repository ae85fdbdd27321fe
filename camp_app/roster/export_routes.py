"""Roster and medical-summary exports of an event (coordinators, admins).

Each download first checks its input and records the access in the audit log (committed), then
sends the file: the CSV streams row by row, the XLSX and the PDF are built and then sent.
A bad filter answers 400 with the message, on a page, before anything is recorded.
"""

from flask import Blueprint, render_template, request, stream_with_context
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.downloads import XLSX_MIMETYPE, download
from camp_app.events.services import event_by_slug
from camp_app.families.verification import state_label
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import RegistrationStatus
from camp_app.roles import MANAGERS
from camp_app.roster import exports, medical_summary
from camp_app.service_errors import InvalidInput

bp = Blueprint("roster_exports", __name__)
coordinators = roles_required(*MANAGERS)


@bp.context_processor
def _labels() -> dict:
    return {
        "status_label": status_label,
        "verification_label": state_label,
        "statuses": [(s.value, status_label(s)) for s in RegistrationStatus],
    }


def _bad_filter(event, error: InvalidInput):
    page = render_template("exports/bad_filter.html", event=event, problems=error.problems)
    return page, 400, {"Cache-Control": "no-store"}


def _include_pending() -> bool:
    return request.args.get("include_pending") in ("1", "on", "true", "yes")


@bp.get("/manage/events/<slug>/exports")
@coordinators
def index(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    try:
        overview = exports.export_overview(event, request.args)
    except InvalidInput as error:
        return _bad_filter(event, error)
    page = render_template(
        "exports/index.html",
        event=event,
        overview=overview,
        include_pending=_include_pending(),
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/manage/events/<slug>/roster.csv")
@coordinators
def roster_csv(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    try:
        f = exports.start_roster_export(
            current_user, event, request.args, "event.export_roster_csv"
        )
    except InvalidInput as error:
        return _bad_filter(event, error)
    lines = stream_with_context(exports.roster_csv_lines(event, f))
    return download(lines, "text/csv", exports.export_filename(event, "csv"))


@bp.get("/manage/events/<slug>/roster.xlsx")
@coordinators
def roster_xlsx(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    try:
        f = exports.start_roster_export(
            current_user, event, request.args, "event.export_roster_xlsx"
        )
    except InvalidInput as error:
        return _bad_filter(event, error)
    spool, size = exports.roster_xlsx(event, f)
    filename = exports.export_filename(event, "xlsx")
    return download(exports.file_chunks(spool), XLSX_MIMETYPE, filename, size)


@bp.get("/manage/events/<slug>/medical-summary.pdf")
@coordinators
def medical_pdf(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    try:
        body = medical_summary.medical_summary_pdf(current_user, event, request.args)
    except InvalidInput as error:
        return _bad_filter(event, error)
    return download(body, "application/pdf", medical_summary.medical_filename(event))
