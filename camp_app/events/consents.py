"""An event's consent documents: what parents read in full and accept when registering.

Every event starts with the hospital's three standard documents (events/consent_texts.py,
added by events.models when an event is first written). Coordinators edit them and add their
own through the event's `consent_documents` (the API's PATCH, the documents page): changing a
title or a text, in either language, adds a version; versions are never changed, so a
registration keeps exactly what was signed. A document left out is retired (no longer asked,
kept for those who signed it); the standard ones cannot be left out.
"""

from collections.abc import Iterable

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from camp_app.events.consent_texts import STANDARD_KEYS
from camp_app.events.models import ConsentDocument, ConsentDocumentVersion, Event
from camp_app.extensions import db
from camp_app.service_errors import NotFound, Problem


def reading_locale() -> str:
    """The language documents are shown in: the request's, English outside one."""
    try:
        locale = get_locale()
    except RuntimeError:  # no app or request context
        return "en"
    return locale.language if locale is not None else "en"


# --- reading --------------------------------------------------------------------------------


def documents_loaded() -> tuple:
    """Loader options for events whose documents (with their versions) will be read."""
    return (selectinload(Event.consent_documents).selectinload(ConsentDocument.versions),)


def active_documents(event: Event) -> list[ConsentDocument]:
    return event.active_documents


def document_dict(document: ConsentDocument) -> dict:
    """The contract's shape of a document: {key, title, body, required, version} and its
    Spanish text under translations."""
    current = document.current
    return {
        "key": document.key,
        "title": current.title,
        "body": current.body,
        "required": document.required,
        "version": document.version,
        "translations": {"es": {"title": current.title_es, "body": current.body_es}},
    }


def documents_as_dicts(event: Event) -> list[dict]:
    return [document_dict(d) for d in event.active_documents]


def document_of(event: Event, key: str, version: int | None = None) -> ConsentDocumentVersion:
    """A document of the event (its current version, or `version`); NotFound otherwise.
    Retired documents are found too: a family may print what it signed."""
    for document in event.consent_documents:
        if document.key != key:
            continue
        wanted = document.version if version is None else version
        for found in document.versions:
            if found.version == wanted:
                return found
    raise NotFound(Problem("not_found", _("We could not find that document.")))


def current_versions(event_id: int) -> list[tuple[ConsentDocument, ConsentDocumentVersion]]:
    """(document, current version) of every active document of the event, in reading order:
    one query."""
    query = (
        select(ConsentDocument, ConsentDocumentVersion)
        .join(
            ConsentDocumentVersion,
            (ConsentDocumentVersion.document_id == ConsentDocument.id)
            & (ConsentDocumentVersion.version == ConsentDocument.version),
        )
        .where(ConsentDocument.event_id == event_id, ConsentDocument.retired.is_(False))
        .order_by(ConsentDocument.position, ConsentDocument.id)
    )
    found = []
    for document, version in db.session.execute(query):
        set_committed_value(version, "document", document)  # read with it: no query later
        found.append((document, version))
    return found


# --- checking and saving a coordinator's documents --------------------------------------------


def document_problems(documents: list[dict] | None) -> list[Problem]:
    """Rules between documents (each one's own fields are checked by its schema)."""
    if documents is None:
        return []
    problems, seen = [], set()
    for index, document in enumerate(documents):
        key = document.get("key")
        if not isinstance(key, str):
            continue
        key = key.strip()
        if key in seen:
            message = _("Two documents cannot have the same key “%(key)s”.", key=key)
            problems.append(Problem("duplicate_key", message, f"consent_documents[{index}].key"))
        seen.add(key)
    missing = [key for key in STANDARD_KEYS if key not in seen]
    if missing:
        message = _(
            "The standard documents cannot be removed (you may edit them): %(keys)s.",
            keys=", ".join(missing),
        )
        problems.append(Problem("standard_document_missing", message, "consent_documents"))
    return problems


def _texts(given: dict) -> tuple[str, str, str, str]:
    spanish = (given.get("translations") or {}).get("es") or {}
    return (
        given["title"],
        given["body"],
        spanish.get("title") or "",
        spanish.get("body") or "",
    )


def _version_texts(version: ConsentDocumentVersion) -> tuple[str, str, str, str]:
    return (version.title, version.body, version.title_es, version.body_es)


def apply_documents(event: Event, documents: Iterable[dict], actor_id: int | None) -> list[str]:
    """Make the event's documents what `documents` says (checked with document_problems).
    A changed text adds a version; a document left out is retired. Returns the keys changed.
    The caller commits."""
    existing = {d.key: d for d in event.consent_documents}
    given_keys, changed = set(), []
    for position, given in enumerate(documents):
        key = given["key"]
        given_keys.add(key)
        texts = _texts(given)
        document = existing.get(key)
        if document is None:
            document = ConsentDocument(key=key, position=position, version=1)
            document.versions.append(_version(1, texts, actor_id))
            document.required = given.get("required", True)
            event.consent_documents.append(document)
            changed.append(key)
            continue
        before = (document.position, document.required, document.retired)
        document.position, document.retired = position, False
        document.required = given.get("required", True)
        new_text = _version_texts(document.current) != texts
        if new_text:
            document.version += 1
            document.versions.append(_version(document.version, texts, actor_id))
        if new_text or (document.position, document.required, document.retired) != before:
            changed.append(key)
    for key, document in existing.items():
        if key not in given_keys and not document.retired:
            document.retired = True
            changed.append(key)
    return changed


def _version(number: int, texts: tuple[str, str, str, str], actor_id) -> ConsentDocumentVersion:
    title, body, title_es, body_es = texts
    return ConsentDocumentVersion(
        version=number,
        title=title,
        body=body,
        title_es=title_es,
        body_es=body_es,
        created_by_id=actor_id,
    )
