"""Camp readiness: documents families upload, their review, and who is missing what."""

from flask import Response, jsonify, request

from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles, current_api_user, json_body
from camp_app.events.services import event_by_slug
from camp_app.families.confirmation import confirm_medical_details
from camp_app.families.household import child_of
from camp_app.readiness import documents
from camp_app.readiness.routes import file_response
from camp_app.readiness.status import event_readiness
from camp_app.roles import HEALTH_CENTER, Role

ID = "id"


@bp.post(f"/family/children/<{ID}:child_id>/documents")
@api_roles(Role.PARENT)
def upload_document(child_id: int):
    upload = request.files.get("file")
    document = documents.upload_document(
        current_api_user(),
        child_id,
        request.form.get("key"),
        upload.stream if upload is not None else None,
        upload.filename if upload is not None else None,
    )
    return jsonify(documents.serialize_document(document)), 201


@bp.get(f"/family/children/<{ID}:child_id>/documents")
@api_roles(Role.PARENT)
def child_documents(child_id: int):
    _child, found = documents.documents_of_child(current_api_user(), child_id)
    return jsonify([documents.serialize_document(d) for d in found])


@bp.get(f"/documents/<{ID}:document_id>/file")
@api_roles(Role.PARENT, *HEALTH_CENTER)
def document_file(document_id: int) -> Response:
    return file_response(*documents.document_file(current_api_user(), document_id))


@bp.post(f"/documents/<{ID}:document_id>/review")
@api_roles(*HEALTH_CENTER)
def review_document(document_id: int):
    body = json_body()
    document = documents.review_document(current_api_user(), document_id, body)
    return jsonify(documents.serialize_document(document))


@bp.post(f"/family/children/<{ID}:child_id>/medical-confirmation")
@api_roles(Role.PARENT)
def confirm_medical(child_id: int):
    user = current_api_user()
    child = confirm_medical_details(user, child_of(user, child_id))
    return jsonify(
        {"child_id": child.id, "medical_confirmed_at": child.medical_confirmed_at.isoformat()}
    )


@bp.get("/events/<slug>/readiness")
@api_roles(*HEALTH_CENTER)
def readiness(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    return jsonify([item.as_dict() for item in event_readiness(event)])
