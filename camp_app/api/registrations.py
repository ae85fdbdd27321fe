"""Registrations: a parent registers and cancels; coordinators and staff list, decide and
print the roster. Every rule is in registrations.lifecycle / queries; this maps HTTP to them.
"""

import re

from flask import Response, jsonify, request, stream_with_context, url_for
from flask_babel import gettext as _

from camp_app.accounts.models import User
from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles, current_api_user, read_body
from camp_app.audit.services import read_recorded
from camp_app.events.services import event_by_slug
from camp_app.extensions import db
from camp_app.families.services import household_of
from camp_app.registrations import lifecycle, queries, returning
from camp_app.registrations.child_views import child_view_for
from camp_app.registrations.models import Registration
from camp_app.registrations.schema import Decision, RegistrationRequest
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, NotFound, Problem, ServiceError

ID = "id"  # see blueprint.IdConverter: an id that cannot exist answers 404
# May read every family's registrations (what each sees of the child: child_views.py).
SEE_ANY = (Role.COORDINATOR, Role.STAFF, Role.NURSE)
PAGE_NUMBER = re.compile(r"\d{1,6}")


def _as_dict(registration: Registration) -> dict:
    return queries.serialize_registration(registration, queries.waitlist_position(registration))


def _not_found() -> NotFound:
    return NotFound(Problem("not_found", _("We could not find that registration.")))


def _registration_for(user: User, registration_id: int, *, any_family_roles) -> Registration:
    """Any registration for `any_family_roles`, else only the user's family's (404 otherwise,
    so that nobody learns another family's registration exists)."""
    if user.has_role(*any_family_roles):
        found = db.session.get(Registration, registration_id)
    else:
        found = queries.family_registration(user.household, registration_id)
    if found is None:
        raise _not_found()
    return found


# --- a family ------------------------------------------------------------------------------


def _contract_field(problem: Problem) -> Problem:
    """The lifecycle names a child's problems after its form ("children.<id>"); the API's
    body has `child_id`. Consents and signature keep their own fields."""
    if not (problem.field or "").startswith("children"):
        return problem
    return Problem(problem.code, problem.message, "child_id")


@bp.post("/registrations")
@api_roles(Role.PARENT)
def register():
    body = read_body(RegistrationRequest)
    slug, child_id, consents, signature = (
        body["event"],
        body["child_id"],
        body["consents"],
        body["signature"],
    )
    user = current_api_user()
    try:
        event = event_by_slug(slug)
    except NotFound:
        message = _("We could not find that event.")
        raise NotFound(Problem("not_found", message, "event")) from None
    # A parent without a household gets one, so "not found" reads right. Held in a name: the
    # session keeps loaded rows only while referenced, and registering reads it again.
    _household = household_of(user)
    try:
        # A child who came to an earlier camp: the family confirms the details first.
        returning.require_confirmed_by_ids(event, user.household_id, [child_id])
        created = lifecycle.register(user, event, [child_id], consents or {}, signature)
    except ServiceError as error:
        error.problems = [_contract_field(p) for p in error.problems]
        raise
    registration = created[0]
    location = url_for("api.registration", registration_id=registration.id)
    return jsonify(_as_dict(registration)), 201, {"Location": location}


@bp.get("/registrations")
@api_roles(Role.PARENT)
def family_registrations():
    rows = queries.family_registrations(household_of(current_api_user()))
    return jsonify([queries.serialize_registration(r, p) for r, p in rows])


@bp.get(f"/registrations/<{ID}:registration_id>")
@api_roles(Role.PARENT, *SEE_ANY)
def registration(registration_id: int):
    user = current_api_user()
    found = _registration_for(user, registration_id, any_family_roles=SEE_ANY)
    body = _as_dict(found)
    if user.has_role(*SEE_ANY):
        body["child"] = child_view_for(user, found)
        db.session.commit()  # a medical read's audit entry
    return jsonify(body)


@bp.post(f"/registrations/<{ID}:registration_id>/cancel")
@api_roles(Role.PARENT, Role.COORDINATOR)
def cancel(registration_id: int):
    user = current_api_user()
    found = _registration_for(user, registration_id, any_family_roles=(Role.COORDINATOR,))
    return jsonify(_as_dict(lifecycle.cancel(user, found)))


# --- coordinators and staff ----------------------------------------------------------------


@bp.post(f"/registrations/<{ID}:registration_id>/decision")
@api_roles(Role.COORDINATOR)
def decide(registration_id: int):
    body = read_body(Decision)
    action, note, override_reason = body["action"], body["note"], body["override_reason"]
    user = current_api_user()
    found = _registration_for(user, registration_id, any_family_roles=(Role.COORDINATOR,))
    decided = lifecycle.decide(user, found, action, note, override_reason=override_reason)
    return jsonify(_as_dict(decided))


def _page_number(name: str, default: int, problems: list[Problem]) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not PAGE_NUMBER.fullmatch(raw):
        problems.append(Problem(f"invalid_{name}", _("Please send a whole number."), name))
        return default
    return int(raw)


def _listing_params() -> dict:
    problems: list[Problem] = []
    params = {
        "status": request.args.get("status", "").strip() or None,
        "q": request.args.get("q", "").strip()[:200] or None,
        "page": _page_number("page", 1, problems),
        "per_page": _page_number("per_page", 50, problems),
    }
    if problems:
        raise InvalidInput(problems)
    return params


@bp.get("/events/<slug>/registrations")
@api_roles(*SEE_ANY)
def event_registrations(slug: str):
    params = _listing_params()
    event = event_by_slug(slug, include_unpublished=True)
    rows, total = queries.event_registrations(event, **params)
    items = []
    for registration, position in rows:
        item = queries.serialize_registration(registration, position)
        # The list is searched by name, so it shows the names it matched.
        item["child_first_name"] = registration.child.first_name
        item["child_last_name"] = registration.child.last_name
        items.append(item)
    return jsonify({"items": items, "total": total})


@bp.get("/events/<slug>/roster.csv")
@api_roles(*SEE_ANY)
def roster(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    # The download is recorded (committed) before a byte is sent; its rows are counted
    # inside the entry's INSERT.
    read_recorded(
        current_api_user().id,
        "event.export_roster_csv",
        "events",
        event.id,
        [],
        count=queries.roster_count(event),
    )
    lines = stream_with_context(queries.roster_csv(event))
    response = Response(lines, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-roster.csv"'
    return response
