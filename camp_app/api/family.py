"""A parent's own household: children (with medical details) and contacts.

Everything is reached through the signed-in parent's household, so another family's child
answers 404 (families.services.child_of), never 403.
"""

from flask import jsonify, url_for

from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles, current_api_user, json_body
from camp_app.families import services
from camp_app.families.serializers import serialize_child, serialize_contact
from camp_app.privacy import export
from camp_app.roles import Role

ID = "id"  # see blueprint.IdConverter: an id that cannot exist answers 404


@bp.get("/family")
@api_roles(Role.PARENT)
def family():
    household = services.household_of(current_api_user())
    return jsonify(services.family_summary(household))


@bp.post("/family/children")
@api_roles(Role.PARENT)
def add_child():
    child = services.add_child(current_api_user(), json_body())
    location = url_for("api.child", child_id=child.id)
    return jsonify(serialize_child(child)), 201, {"Location": location}


@bp.get(f"/family/children/<{ID}:child_id>")
@api_roles(Role.PARENT)
def child(child_id: int):
    return jsonify(serialize_child(services.child_of(current_api_user(), child_id)))


@bp.patch(f"/family/children/<{ID}:child_id>")
@api_roles(Role.PARENT)
def update_child(child_id: int):
    user = current_api_user()
    body = json_body()  # a malformed body is a 400 even for a child that is not there
    found = services.child_of(user, child_id)
    return jsonify(serialize_child(services.update_child(user, found, body, partial=True)))


@bp.post("/family/contacts")
@api_roles(Role.PARENT)
def add_contact():
    contact = services.add_contact(current_api_user(), json_body())
    return jsonify(serialize_contact(contact)), 201


@bp.get("/family/export")
@api_roles(Role.PARENT)
def family_export():
    response = jsonify(export.family_export(current_api_user(), "json"))
    response.headers["Cache-Control"] = "no-store"  # the household's medical details
    return response
