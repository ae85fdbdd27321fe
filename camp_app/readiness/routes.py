"""The readiness pages: a family's documents for a child (upload from a phone), the file
download, the event's readiness with review and CSV export, and the coordinator's list of
required documents. Thin: parse, call one service, render."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from camp_app.access import roles_required
from camp_app.events.services import event_by_slug
from camp_app.readiness import documents
from camp_app.readiness.forms import RequirementsForm, ReviewForm, UploadForm
from camp_app.readiness.models import DocumentStatus
from camp_app.readiness.status import event_overview
from camp_app.registrations.event_seats import save_event
from camp_app.roles import HEALTH_CENTER, MANAGERS, Role
from camp_app.service_errors import ServiceError
from camp_app.spreadsheets import csv_lines

bp = Blueprint("readiness", __name__)

STATES = ("missing", "rejected", "submitted", "accepted")
UPLOAD_ENDPOINTS = ("readiness.child_documents", "api.upload_document")


def _me():
    return current_user._get_current_object()


# --- uploads are larger than other requests -----------------------------------------------


def _raise_upload_limit():
    """Before anything reads the body (the CSRF check does): uploads may carry up to 10 MB
    (other requests stay within MAX_CONTENT_LENGTH). A body announced as larger is answered
    here with a clear message, before it is read."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.method != "POST":
        return None
    limit = documents.MAX_DOCUMENT_BYTES + documents.UPLOAD_OVERHEAD_BYTES
    request.max_content_length = limit
    if (request.content_length or 0) <= limit:
        return None
    problem = documents.too_large_problem()
    if request.endpoint.startswith("api."):
        response = jsonify({"errors": [problem.as_dict()]})
        response.status_code = 413
        response.headers["Cache-Control"] = "no-store"
    else:
        page = render_template(
            "readiness/too_large.html",
            message=problem.message,
            back=url_for(
                "readiness.child_documents", child_id=request.view_args.get("child_id", 0)
            ),
        )
        response = Response(page, status=413)
    response.headers["Connection"] = "close"  # the rest of the body is not read
    return response


def init_app(app) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_upload_limit)


# --- a family's documents -----------------------------------------------------------------


def file_response(document, data: bytes) -> Response:
    """The file as a download, never shown inline nor sniffed into another type, never
    cached."""
    name = documents.download_name(document)
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    response = Response(data, mimetype=document.content_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _requirements_view(child, found):
    """Per requirement (event and key): its newest document."""
    newest = {}
    for document in found:  # newest first
        newest.setdefault((document.event_id, document.key), document)
    rows = []
    for requirement in documents.requirements_of_child(child):
        rows.append((requirement, newest.get((requirement.event.id, requirement.key))))
    return rows


@bp.route("/family/children/<int:child_id>/documents", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def child_documents(child_id: int):
    child, found = documents.documents_of_child(_me(), child_id)
    form = UploadForm()
    rows = _requirements_view(child, found)
    form.key.choices = [("", _("Choose…"))] + [
        (r.key, f"{r.title} ({r.event.text('name')})") for r, _doc in rows
    ]
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            document = documents.upload_document(
                _me(),
                child.id,
                form.key.data,
                getattr(upload, "stream", None),
                getattr(upload, "filename", None),
            )
        except ServiceError as error:
            status = error.status
            for problem in error.problems:
                target = form[problem.field] if problem.field in ("key", "file") else None
                if target is not None:
                    target.errors = [*target.errors, problem.message]
                else:
                    form.form_errors.append(problem.message)
        else:
            flash(_("Thank you: %(name)s was received.", name=document.filename), "success")
            return redirect(url_for(".child_documents", child_id=child.id))
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "readiness/child_documents.html", child=child, rows=rows, documents=found, form=form
        ),
        status,
    )


@bp.get("/documents/<int:document_id>/file")
@roles_required(Role.PARENT, *HEALTH_CENTER)
def document_file(document_id: int):
    return file_response(*documents.document_file(_me(), document_id))


# --- the event's readiness -----------------------------------------------------------------


def _filtered(overview, key: str, state: str):
    items = overview.items
    if key:
        items = [i for i in items if state_matches(i, key, state)]
    elif state:
        items = [i for i in items if any(state_matches(i, k, state) for k in overview.keys)]
    return items


def state_matches(item, key: str, state: str) -> bool:
    found = item.state_of(key)
    if not state:
        return True
    if state == "missing":
        return found in ("missing", "rejected")
    return found == state


@bp.get("/events/<slug>/readiness")
@roles_required(*HEALTH_CENTER)
def event_readiness(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    overview = event_overview(event)
    key = request.args.get("document", "")
    key = key if key in overview.keys else ""
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    return render_template(
        "readiness/event.html",
        event=event,
        overview=overview,
        items=_filtered(overview, key, state),
        key=key,
        state=state,
        states=STATES,
        review_form=ReviewForm(),
        SUBMITTED=DocumentStatus.SUBMITTED,
    )


@bp.get("/events/<slug>/readiness.csv")
@roles_required(*HEALTH_CENTER)
def readiness_csv(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    overview = event_overview(event)
    documents.record_export(_me(), event)
    header = [
        "registration_id",
        "child_first_name",
        "child_last_name",
        *overview.keys,
        "missing",
    ]
    rows = (
        [
            item.registration_id,
            item.child_first_name,
            item.child_last_name,
            *(item.state_of(k) for k in overview.keys),
            " ".join(item.missing),
        ]
        for item in overview.items
    )
    response = Response(csv_lines(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-readiness.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/documents/<int:document_id>/review")
@roles_required(*HEALTH_CENTER)
def review(document_id: int):
    form = ReviewForm()
    document = documents.document_for(_me(), document_id)
    back = url_for(".event_readiness", slug=document.event.slug)
    if not form.validate_on_submit():
        flash(_("Your form expired. Please submit it again."), "error")
        return redirect(back)
    action = "reject" if form.reject.data else "accept"
    try:
        documents.review_document(_me(), document_id, {"action": action, "note": form.note.data})
    except ServiceError as error:
        for problem in error.problems:
            flash(problem.message, "error")
    else:
        if action == "accept":
            flash(_("Accepted."), "success")
        else:
            flash(_("Rejected: the family was told by mail."), "success")
    return redirect(back)


# --- the coordinator's list of required documents ------------------------------------------


@bp.route("/events/<slug>/required-documents", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def requirements(slug: str):
    event = event_by_slug(slug, include_unpublished=True)
    if request.method == "GET":
        form = RequirementsForm(
            data={
                "required_documents": event.required_documents or [],
                "arrival_details": event.arrival_details,
                "packing_list": event.packing_list,
            }
        )
        form.ensure_blank_rows()
        return render_template("readiness/requirements.html", event=event, form=form)
    form = RequirementsForm()
    status = 200
    if form.add_row.data and form.validate_on_submit():
        if len(form.required_documents) < form.required_documents.max_entries:
            form.required_documents.append_entry()
    elif form.validate_on_submit():
        try:
            save_event(_me(), event, form.to_data())
        except ServiceError as error:
            form.show_problems(error)
            status = 422
        else:
            flash(_("The documents and practical details were saved."), "success")
            return redirect(url_for(".requirements", slug=event.slug))
    else:
        status = 422
    form.ensure_blank_rows()
    return render_template("readiness/requirements.html", event=event, form=form), status
