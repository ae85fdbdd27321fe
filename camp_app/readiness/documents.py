"""Documents families upload for an event's requirements, and their review.

A document belongs to a child and to the event whose requirement (`key`) it answers. The file
is checked by its content (PDF, JPEG or PNG), never by its name; it is stored under a random
name (storage.py) and the row is written only once the file is safe, so a refused upload
leaves nothing behind. Each public function that changes data is one unit of work and commits.
"""

import contextlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from camp_app import timeutil
from camp_app.accounts.models import User
from camp_app.audit.services import record, record_read
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.household import child_of
from camp_app.families.models import Child
from camp_app.notifications.services import absolute_url, queue_mail
from camp_app.readiness.file_types import EXTENSIONS, sniff
from camp_app.readiness.models import ChildDocument, DocumentStatus
from camp_app.readiness.schema import DocumentReview, ReviewAction
from camp_app.readiness.storage import document_storage
from camp_app.registrations.mails import guardians
from camp_app.registrations.models import ACTIVE, Registration
from camp_app.roles import HEALTH_CENTER, Role
from camp_app.schemas.validation import validate
from camp_app.service_errors import InvalidInput, NotFound, Problem, ServiceError
from camp_app.text_rules import text_problem

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What a multipart request may carry around the file (the key, boundaries, headers).
UPLOAD_OVERHEAD_BYTES = 64 * 1024
FILENAME_MAX = 200


class TooLarge(ServiceError):
    """A file over the limit (413). Nothing was stored."""

    status = 413


def too_large_problem() -> Problem:
    return Problem(
        "too_large",
        _(
            "This file is larger than %(limit)d MB. Please send a smaller scan or photo "
            "(a phone's document scanner makes small PDFs).",
            limit=MAX_DOCUMENT_BYTES // (1024 * 1024),
        ),
        "file",
    )


def _type_not_allowed(message: str) -> InvalidInput:
    return InvalidInput(Problem("file_type_not_allowed", message, "file"))


@dataclass(frozen=True)
class Requirement:
    """A document an event asks of a registered child."""

    registration: Registration
    event: Event
    key: str
    title: str
    description: str
    due_on: date


def event_requirements(event: Event, registration: Registration) -> list[Requirement]:
    return [
        Requirement(
            registration,
            event,
            item["key"],
            item["title"],
            item.get("description", ""),
            event.starts_on - timedelta(days=int(item["due_days_before"])),
        )
        for item in event.required_documents or []
    ]


def requirements_of_child(child: Child) -> list[Requirement]:
    """What the child's active registrations for events not over yet ask for, soonest
    event first (one query)."""
    today = timeutil.camp_today(timeutil.utcnow())
    query = (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.child_id == child.id,
            Registration.status.in_(ACTIVE),
            Event.ends_on >= today,
        )
        .options(joinedload(Registration.event))
        .order_by(Event.starts_on, Event.id)
    )
    found = []
    for registration in db.session.scalars(query):
        found += event_requirements(registration.event, registration)
    return found


def _requirement(child: Child, key) -> Requirement:
    if not isinstance(key, str) or not key.strip():
        raise InvalidInput(Problem("required", _("Please choose which document this is."), "key"))
    for requirement in requirements_of_child(child):
        if requirement.key == key.strip():
            return requirement
    raise InvalidInput(
        Problem(
            "unknown_document",
            _("None of %(child)s's camps asks for this document.", child=child.first_name),
            "key",
        )
    )


def clean_filename(name, content_type: str) -> str:
    """The uploaded name for people to recognise (no folders, no control characters, within
    the limit), or a plain one; never used on disk."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or text_problem(name):
        name = "document" + EXTENSIONS[content_type]
    return name[-FILENAME_MAX:]


def read_upload(stream) -> tuple[bytes, str]:
    """The file's bytes and content type, or TooLarge / file_type_not_allowed."""
    data = stream.read(MAX_DOCUMENT_BYTES + 1) if stream is not None else b""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise TooLarge(too_large_problem())
    if not data:
        raise _type_not_allowed(_("The file is empty. Please choose the scan or photo again."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise _type_not_allowed(
            _("Please send a PDF, JPEG or PNG file. This file is none of these, whatever its name.")
        )
    return data, content_type


def upload_document(actor: User, child_id, key, stream, filename) -> ChildDocument:
    """Store a document for a child of the actor's household (another family's child: 404).
    Commits; on any refusal nothing is stored, neither file nor row."""
    child = child_of(actor, child_id)
    if stream is None:
        raise InvalidInput(Problem("required", _("Please choose a file to upload."), "file"))
    requirement = _requirement(child, key)
    data, content_type = read_upload(stream)
    document = ChildDocument(
        child_id=child.id,
        event_id=requirement.event.id,
        key=requirement.key,
        filename=clean_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        storage_name=secrets.token_hex(16),
        status=DocumentStatus.SUBMITTED,
        uploaded_by_id=actor.id,
    )
    storage = document_storage()
    storage.save(document.storage_name, data)
    try:
        db.session.add(document)
        record(actor.id, "document.upload", document, fields=["file", "key"])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.delete(document.storage_name)
        raise
    return document


def documents_of_child(actor: User, child_id) -> tuple[Child, list[ChildDocument]]:
    """The child (of the actor's household) and its documents, newest first."""
    child = child_of(actor, child_id)
    query = (
        select(ChildDocument)
        .where(ChildDocument.child_id == child.id)
        .options(joinedload(ChildDocument.event))
        .order_by(ChildDocument.id.desc())
    )
    return child, list(db.session.scalars(query))


def serialize_document(document: ChildDocument) -> dict:
    return {
        "id": document.id,
        "key": document.key,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "status": document.status,
        "event": document.event.slug if document.event is not None else None,
        "review_note": document.review_note or "",
        "uploaded_at": document.created_at.isoformat(),
    }


def _not_found() -> NotFound:
    return NotFound(Problem("not_found", _("We could not find that document.")))


def document_for(actor: User, document_id) -> ChildDocument:
    """A document the actor may see: their household's, or any for the health center (nurse,
    coordinator, admin). Another family's: 404. The route declares the roles."""
    document = db.session.get(ChildDocument, document_id, options=[joinedload(ChildDocument.child)])
    if document is None:
        raise _not_found()
    if actor.has_role(*HEALTH_CENTER):
        return document
    if actor.has_role(Role.PARENT) and document.child.household_id == actor.household_id:
        return document
    raise _not_found()


def document_file(actor: User, document_id) -> tuple[ChildDocument, bytes]:
    """The document and its bytes; the read is audited. Commits (the audit entry)."""
    document = document_for(actor, document_id)
    data = document_storage().read(document.storage_name)
    record_read(actor.id, "document.read", "child_documents", document.id, fields=["file"])
    db.session.commit()
    return document, data


def download_name(document: ChildDocument) -> str:
    extension = EXTENSIONS.get(document.content_type, "")
    name = document.filename
    return name if name.lower().endswith(extension) else name + extension


def review_document(actor: User, document_id, data) -> ChildDocument:
    """Accept a document, or reject it with a note mailed to the family (through the
    outbox). Commits."""
    values = validate(DocumentReview, data)
    document = document_for(actor, document_id)
    if values["action"] == ReviewAction.REJECT and not values["note"]:
        raise InvalidInput(
            Problem(
                "note_required",
                _("Please tell the family what to fix: they receive this note."),
                "note",
            )
        )
    accepted = values["action"] == ReviewAction.ACCEPT
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
    document.review_note = values["note"]
    document.reviewed_by_id = actor.id
    document.reviewed_at = timeutil.utcnow()
    record(actor.id, "document.review", document, fields=["status", "review_note"])
    if not accepted:
        _mail_rejection(document)
    db.session.commit()
    return document


def _title_of(event: Event, key: str) -> str:
    for item in event.required_documents or []:
        if item["key"] == key:
            return item["title"]
    return key


def _mail_rejection(document: ChildDocument) -> None:
    child, event = document.child, document.event
    title = _title_of(event, document.key)
    for guardian in guardians(child.household_id):
        queue_mail(
            to=guardian.email,
            template="document_rejected",
            subject=_l(
                "Please send %(document)s for %(child)s again",
                document=title,
                child=child.first_name,
            ),
            context={
                "guardian_name": guardian.name,
                "child_name": child.full_name,
                "event": event,
                "document_title": title,
                "note": document.review_note,
                "documents_url": absolute_url(f"/family/children/{child.id}/documents"),
            },
            locale=guardian.locale or "en",
            user_id=guardian.id,
            event_id=event.id,
            reply_to=event.contact_email,
        )


def record_export(actor: User, event: Event) -> None:
    """The readiness CSV is on the record, like the roster's downloads: its own transaction,
    committed before a byte is sent."""
    record(actor.id, "event.export_readiness_csv", event, [])
    db.session.commit()


def erase_documents_of(child_ids) -> int:
    """The children's uploaded documents, rows and files (closing a household, retention).
    The rows go in the caller's transaction; a file that cannot be removed now is left for
    an operator (it is unreadable without its row). Returns how many were erased."""
    documents = list(
        db.session.scalars(select(ChildDocument).where(ChildDocument.child_id.in_(child_ids)))
    )
    storage = document_storage()
    for document in documents:
        db.session.delete(document)
        with contextlib.suppress(OSError):
            storage.delete(document.storage_name)
    return len(documents)
