"""Attendance through the API (contract: Attendance): the check-in tablet records a child's day,
and the hospital downloads the attendance as CSV. The rules are in attendance.services.

Owned by the attendance feature; loaded by the import line in camp_app/api/routes.py. Its
operations are described in api/operations.py, its body in attendance/schema.py.
"""

from datetime import date

from flask import Response, jsonify, request, stream_with_context
from flask_babel import gettext as _

from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles, current_api_user, read_body
from camp_app.attendance import exports, services
from camp_app.attendance.pickups import pickups_for, pickups_to_dict
from camp_app.attendance.schema import AttendanceAction
from camp_app.events.services import event_by_slug
from camp_app.extensions import db
from camp_app.ids import MAX_ID
from camp_app.registrations.models import Registration
from camp_app.roles import CAMP_STAFF, Role
from camp_app.schemas.fields import parse_day
from camp_app.service_errors import InvalidInput, NotFound, Problem
from camp_app.timeutil import is_sane_day

# The gate: staff, and the nurse too (a child sent home from the health center is checked out
# by the nurse, with the same pickup rules; the pages already allowed it: CAMP_STAFF).
GATE_ROLES = (Role.STAFF, Role.NURSE, Role.COORDINATOR)


def _query_date(field: str) -> date | None:
    """A day from the query string; absent: None. Anything else than YYYY-MM-DD is refused."""
    value = request.args.get(field)
    if value is None:
        return None
    day = parse_day(value)
    if day is None or not is_sane_day(day):
        raise InvalidInput(Problem("invalid_date", _("Please send a date as YYYY-MM-DD."), field))
    return day


@bp.post("/events/<slug>/attendance")
@api_roles(*GATE_ROLES)
def record_attendance(slug: str):
    body = read_body(AttendanceAction)
    event = event_by_slug(slug, include_unpublished=True)
    record = services.record_action(
        current_api_user(),
        event,
        body["registration_id"],
        body["date"],
        body["action"],
        body["pickup_contact_id"],
        body["reason"],
        body["pickup_guardian_id"],
    )
    return jsonify(services.record_to_dict(record))


@bp.get(f"/registrations/<int(min=1, max={MAX_ID}):registration_id>/pickups")
@api_roles(*CAMP_STAFF)
def registration_pickups(registration_id: int):
    """Who may take the child home, and who must never: for a confirmed registration."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        message = _("That registration does not exist.")
        raise NotFound(Problem("not_found", message, "registration_id"))
    services.require_confirmed(registration)
    return jsonify(pickups_to_dict(pickups_for(registration)))


@bp.get("/events/<slug>/attendance.csv")
@api_roles(*GATE_ROLES)
def attendance_csv(slug: str):
    date_from = _query_date("from")
    date_to = _query_date("to")
    event = event_by_slug(slug, include_unpublished=True)
    lines = exports.attendance_csv(event, date_from, date_to)  # checks the dates first
    response = Response(stream_with_context(lines), mimetype="text/csv")
    first = (date_from or event.starts_on).isoformat()
    last = (date_to or event.ends_on).isoformat()
    filename = f"{event.slug}-attendance-{first}-{last}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
