"""Attendance through the API (contract: Attendance): the check-in tablet records a child's day,
and the hospital downloads the attendance as CSV. The rules are in attendance.services.

Owned by the attendance feature; loaded by the import line in camp_app/api/routes.py. Its
operations are added to the OpenAPI document below (openapi.PATHS / SCHEMAS).
"""

import re
from datetime import date

from flask import Response, jsonify, request, stream_with_context
from flask_babel import gettext as _

from camp_app.accounts.models import Role
from camp_app.api import openapi
from camp_app.api.blueprint import bp
from camp_app.api.core import Fields, api_roles, current_api_user, json_body
from camp_app.attendance import exports, services
from camp_app.events.services import event_by_slug
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import is_sane_day

GATE_ROLES = (Role.STAFF, Role.COORDINATOR)
ACTIONS = ["check_in", "check_out", "absent"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: str | None, field: str, *, required: bool = False) -> date | None:
    if (value is None or value == "") and not required:
        return None
    try:
        day = date.fromisoformat(value) if value and ISO_DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is not None and is_sane_day(day):
        return day
    raise InvalidInput(Problem("invalid_date", _("Please send a date as YYYY-MM-DD."), field))


@bp.post("/events/<slug>/attendance")
@api_roles(*GATE_ROLES)
def record_attendance(slug: str):
    fields = Fields(json_body())
    registration_id = fields.identifier("registration_id")
    day_text = fields.text("date")
    action = fields.text("action")
    pickup_contact_id = fields.identifier("pickup_contact_id", required=False)
    reason = fields.text("reason", required=False, default="")
    fields.check()
    day = _date(day_text, "date", required=True)
    event = event_by_slug(slug, include_unpublished=True)
    record = services.record_action(
        current_api_user(), event, registration_id, day, action, pickup_contact_id, reason
    )
    return jsonify(services.record_to_dict(record))


@bp.get("/events/<slug>/attendance.csv")
@api_roles(*GATE_ROLES)
def attendance_csv(slug: str):
    date_from = _date(request.args.get("from"), "from")
    date_to = _date(request.args.get("to"), "to")
    event = event_by_slug(slug, include_unpublished=True)
    lines = exports.attendance_csv(event, date_from, date_to)  # checks the dates first
    response = Response(stream_with_context(lines), mimetype="text/csv")
    first = (date_from or event.starts_on).isoformat()
    last = (date_to or event.ends_on).isoformat()
    filename = f"{event.slug}-attendance-{first}-{last}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- OpenAPI -------------------------------------------------------------------------------

_nullable_time = {"type": ["string", "null"], "format": "date-time"}
_nullable_id = {"type": ["integer", "null"]}

openapi.SCHEMAS["AttendanceInput"] = openapi.obj(
    {
        "registration_id": openapi.ID_SCHEMA,
        "date": openapi.text("YYYY-MM-DD, a day of the event.", format="date"),
        "action": openapi.text(enum=ACTIONS),
        "pickup_contact_id": {
            **openapi.ID_SCHEMA,
            "description": "check_out: the person collecting the child, from the child's "
            "authorized pickup list. Required at a day camp; optional at an overnight camp.",
        },
        "reason": openapi.text("absent: why (optional, up to 200 characters).", maxLength=200),
    },
    required=("registration_id", "date", "action"),
)
openapi.SCHEMAS["AttendanceRecord"] = openapi.obj(
    {
        "registration_id": openapi.ID_SCHEMA,
        "date": openapi.text(format="date"),
        "status": openapi.text(enum=["expected", "checked_in", "checked_out", "absent"]),
        "check_in_at": _nullable_time,
        "checked_in_by_id": _nullable_id,
        "check_out_at": _nullable_time,
        "checked_out_by_id": _nullable_id,
        "picked_up_by_contact_id": _nullable_id,
        "picked_up_by": openapi.nullable_text(),
        "absence_reason": openapi.text(),
    },
    required=("registration_id", "date", "status"),
)
openapi.PATHS["/events/{slug}/attendance"] = {
    "post": openapi.operation(
        "Record a child's check-in, check-out or absence for a day",
        description="Staff and coordinators; only confirmed registrations and days of the "
        "event. At an overnight camp a check-in is the arrival and a check-out the departure "
        "(the days between count as checked in). Check-in and check-out are refused for a day "
        "still to come (422 `day_in_future`); an absence may be recorded ahead. A refused "
        "pickup is recorded in the child's attendance history. 422 codes: "
        "`pickup_not_authorized` (not on the child's pickup list: call the coordinator), "
        "`pickup_required`, `not_checked_in`, `outside_event_dates`, `not_confirmed`, "
        "`day_in_future`, `invalid_action`, `invalid_date`. 409: `already_checked_in`, "
        "`already_checked_out`, `already_absent`, `changed_meanwhile`, `later_days_recorded` "
        "(an overnight stay: a later arrival or departure is already recorded). 404 for a "
        "registration of another event.",
        security=openapi.BEARER,
        params=[openapi.SLUG],
        request=openapi.body(openapi.ref("AttendanceInput")),
        responses={
            "200": openapi.answer("The day's record", openapi.ref("AttendanceRecord")),
            **openapi.errors(400, 401, 403, 404, 409, 422),
        },
    )
}
openapi.PATHS["/events/{slug}/attendance.csv"] = {
    "get": openapi.operation(
        "Attendance as CSV, a row per confirmed child and day",
        description="Staff and coordinators. Header: date, registration_id, child_first_name, "
        "child_last_name, status, check_in_at, check_out_at, picked_up_by. Times are ISO 8601 "
        "in the camp's time zone, with the offset. `from` and `to` default to the event's "
        "first and last day and must lie inside the event (422 `outside_event_dates`; "
        "`invalid_range` when from is after to). Cells that a spreadsheet would run as a "
        "formula are prefixed with '.",
        security=openapi.BEARER,
        params=[
            openapi.SLUG,
            openapi.query_param("from", openapi.text(format="date"), "First day, YYYY-MM-DD."),
            openapi.query_param("to", openapi.text(format="date"), "Last day, YYYY-MM-DD."),
        ],
        responses={
            "200": openapi.answer("CSV, header first", {"type": "string"}, media="text/csv"),
            **openapi.errors(401, 403, 404, 422),
        },
    )
}
