"""The health center through the API (contract v1.1: Health center): the nurse's medication
record and health log. Nurses record; coordinators and admins may read; staff get 403. Every
read is audited (one entry per request) by the services in camp_app/health_center.

Owned by the health_center feature; loaded by the import line in camp_app/api/routes.py. Its
operations are described in api/operations.py, its bodies in health_center/schema.py.
"""

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _

from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles, current_api_user, json_body
from camp_app.events.services import event_by_slug
from camp_app.health_center import medication, visits
from camp_app.roles import HEALTH_CENTER, Role
from camp_app.schemas.fields import parse_day
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import camp_today, is_sane_day

RECORDERS = (Role.NURSE,)  # who writes the record; HEALTH_CENTER may read it


def _day() -> date:
    """?date=YYYY-MM-DD, default today (camp time)."""
    value = request.args.get("date")
    if value is None:
        return camp_today()
    day = parse_day(value)
    if day is None or not is_sane_day(day):
        raise InvalidInput(Problem("invalid_date", _("Please send a date as YYYY-MM-DD."), "date"))
    return day


@bp.get("/events/<slug>/medication")
@api_roles(*HEALTH_CENTER)
def medication_day(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    day = medication.medication_day(current_api_user(), event, _day())
    return jsonify(medication.day_to_list(day))


@bp.post("/events/<slug>/medication")
@api_roles(*RECORDERS)
def record_dose(slug: str):
    body = json_body()
    event = event_by_slug(slug, include_unpublished=True)
    record = medication.record_dose(current_api_user(), event, body)
    return jsonify(medication.record_to_dict(record)), 201


@bp.get("/events/<slug>/health-visits")
@api_roles(*HEALTH_CENTER)
def visits_of_day(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    day = visits.visits_for_day(current_api_user(), event, _day())
    return jsonify([visits.visit_to_dict(visit) for visit in day.visits])


@bp.post("/events/<slug>/health-visits")
@api_roles(*RECORDERS)
def record_visit(slug: str):
    body = json_body()
    event = event_by_slug(slug, include_unpublished=True)
    visit = visits.record_visit(current_api_user(), event, body)
    return jsonify(visits.visit_to_dict(visit)), 201


@bp.get("/health-visits/<id:visit_id>")
@api_roles(*HEALTH_CENTER)
def health_visit(visit_id: int):
    """One visit with its addenda (a visit is never changed or deleted: 405 for those)."""
    return jsonify(visits.visit_to_dict(visits.visit_for(current_api_user(), visit_id)))


@bp.post("/health-visits/<id:visit_id>/addenda")
@api_roles(*RECORDERS)
def add_addendum(visit_id: int):
    body = json_body()
    visit = visits.add_addendum(current_api_user(), visit_id, body)
    return jsonify(visits.visit_to_dict(visit)), 201
