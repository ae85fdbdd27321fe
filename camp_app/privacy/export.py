"""The family's own copy: everything held about a household, as sections.

Each section is one small function of an ExportScope (the household and the ids of its
children and registrations, read once) that returns plain JSON values; SECTIONS lists them in
the order the JSON and the PDF show them. A feature that keeps more about a family (health
visits, consent versions, uploaded documents) adds one function and one line to SECTIONS.

Only the parent's own household is ever reached: the scope is built from the signed-in
parent's household_id, never from an id in a request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from camp_app import timeutil
from camp_app.accounts.models import User
from camp_app.attendance.models import AttendanceRecord
from camp_app.audit.services import record_read
from camp_app.events.models import ConsentDocumentVersion
from camp_app.extensions import db
from camp_app.families.household import household_of, load_family
from camp_app.families.models import GuardianInvite, Household
from camp_app.families.serializers import serialize_child, serialize_contact
from camp_app.health_center.models import DoseRecord, HealthVisit, HealthVisitAddendum
from camp_app.readiness.models import ChildDocument
from camp_app.registrations.models import ConsentSigning, Registration, SignedConsent


@dataclass(frozen=True)
class ExportScope:
    household: Household  # loaded with guardians, children (medications) and contacts
    child_ids: tuple[int, ...]
    registration_ids: tuple[int, ...]


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- the sections -------------------------------------------------------------------------


def guardians(scope: ExportScope) -> list[dict]:
    return [
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "phone": user.phone or "",
            "locale": user.locale,
            "created_at": _when(user.created_at),
            "email_verified_at": _when(user.email_verified_at),
            "second_factor": user.otp_enrolled_at is not None,
        }
        for user in sorted(scope.household.guardians, key=lambda u: u.id)
    ]


def children(scope: ExportScope) -> list[dict]:
    return [
        {
            **serialize_child(child),
            "patient_verification": child.patient_verification,
            "created_at": _when(child.created_at),
            "updated_at": _when(child.updated_at),
        }
        for child in scope.household.children
    ]


def contacts(scope: ExportScope) -> list[dict]:
    return [serialize_contact(contact) for contact in scope.household.contacts]


def guardian_invitations(scope: ExportScope) -> list[dict]:
    invites = db.session.scalars(
        select(GuardianInvite)
        .where(GuardianInvite.household_id == scope.household.id)
        .order_by(GuardianInvite.id)
    )
    return [
        {
            "email": invite.email,
            "created_at": _when(invite.created_at),
            "expires_at": _when(invite.expires_at),
            "accepted_at": _when(invite.accepted_at),
        }
        for invite in invites
    ]


def registrations(scope: ExportScope) -> list[dict]:
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.id.in_(scope.registration_ids))
        .options(
            selectinload(Registration.event),
            selectinload(Registration.signed_by),
            selectinload(Registration.signing)
            .selectinload(ConsentSigning.answers)
            .selectinload(SignedConsent.document_version)
            .selectinload(ConsentDocumentVersion.document),
        )
        .order_by(Registration.id)
    )
    return [
        {
            "id": r.id,
            "event": r.event.slug,
            "event_name": r.event.name,
            "starts_on": _when(r.event.starts_on),
            "ends_on": _when(r.event.ends_on),
            "child_id": r.child_id,
            "status": r.status,
            "created_at": _when(r.created_at),
            "cancelled_at": _when(r.cancelled_at),
            "decision_note": r.decision_note or "",
            "reference": r.reference,
            "consents": _signed_consents(r),
            "signature": r.signature,
            "signed_at": _when(r.signed_at),
            "signed_by": r.signed_by.name if r.signed_by else "",
        }
        for r in rows
    ]


def _signed_consents(registration: Registration) -> list[dict]:
    """Each document version the parent answered, in the words they read (both languages)."""
    answers = registration.signing.answers if registration.signing else []
    return [
        {
            "key": answer.document_version.document.key,
            "version": answer.document_version.version,
            "title": answer.document_version.title,
            "text": answer.document_version.body,
            "title_es": answer.document_version.title_es,
            "text_es": answer.document_version.body_es,
            "accepted": answer.accepted,
        }
        for answer in answers
    ]


def attendance(scope: ExportScope) -> list[dict]:
    rows = db.session.scalars(
        select(AttendanceRecord)
        .where(AttendanceRecord.registration_id.in_(scope.registration_ids))
        .order_by(AttendanceRecord.registration_id, AttendanceRecord.date)
    )
    return [
        {
            "registration_id": row.registration_id,
            "date": _when(row.date),
            "status": row.status,
            "check_in_at": _when(row.check_in_at),
            "check_out_at": _when(row.check_out_at),
            "picked_up_by": row.picked_up_by_name or "",
            "absence_reason": row.absence_reason or "",
        }
        for row in rows
    ]


def medication_records(scope: ExportScope) -> list[dict]:
    rows = db.session.scalars(
        select(DoseRecord)
        .where(DoseRecord.registration_id.in_(scope.registration_ids))
        .options(selectinload(DoseRecord.recorded_by))
        .order_by(DoseRecord.due_at, DoseRecord.id)
    )
    return [
        {
            "id": row.id,
            "registration_id": row.registration_id,
            "child_id": row.child_id,
            "medication": row.medication_name,
            "dose": row.dose,
            "due_at": _when(row.due_at),
            "status": row.status,
            "recorded_at": _when(row.recorded_at),
            "recorded_by": row.recorded_by.name if row.recorded_by else "",
            "note": row.note or "",
            "corrects_id": row.corrects_id,
        }
        for row in rows
    ]


def health_visits(scope: ExportScope) -> list[dict]:
    """Visits to the camp's health center, each with its addenda."""
    rows = db.session.scalars(
        select(HealthVisit)
        .where(HealthVisit.registration_id.in_(scope.registration_ids))
        .options(
            selectinload(HealthVisit.recorded_by),
            selectinload(HealthVisit.addenda).selectinload(HealthVisitAddendum.author),
        )
        .order_by(HealthVisit.seen_at, HealthVisit.id)
    )
    return [
        {
            "registration_id": row.registration_id,
            "child_id": row.child_id,
            "seen_at": _when(row.seen_at),
            "complaint": row.complaint,
            "assessment": row.assessment,
            "treatment": row.treatment,
            "disposition": row.disposition,
            "guardian_notified": row.guardian_notified,
            "guardian_notified_at": _when(row.guardian_notified_at),
            "recorded_by": row.recorded_by.name if row.recorded_by else "",
            "addenda": [
                {
                    "text": addendum.text,
                    "author": addendum.author.name if addendum.author else "",
                    "written_at": _when(addendum.written_at),
                }
                for addendum in row.addenda
            ],
        }
        for row in rows
    ]


def health_documents(scope: ExportScope) -> list[dict]:
    """The documents uploaded for the children (what they are and their review; the files
    themselves are downloaded from the family's pages)."""
    rows = db.session.scalars(
        select(ChildDocument)
        .where(ChildDocument.child_id.in_(scope.child_ids))
        .order_by(ChildDocument.created_at, ChildDocument.id)
    )
    return [
        {
            "id": row.id,
            "child_id": row.child_id,
            "key": row.key,
            "filename": row.filename,
            "content_type": row.content_type,
            "size": row.size,
            "status": row.status,
            "review_note": row.review_note or "",
            "uploaded_at": _when(row.created_at),
        }
        for row in rows
    ]


# name -> (title in the PDF, function). The JSON keys are the names.
SECTIONS: dict[str, tuple[str, Callable[[ExportScope], list | dict]]] = {
    "guardians": (_l("Guardians"), guardians),
    "children": (_l("Children"), children),
    "contacts": (_l("Contacts"), contacts),
    "guardian_invitations": (_l("Guardian invitations"), guardian_invitations),
    "registrations": (_l("Registrations"), registrations),
    "attendance": (_l("Attendance"), attendance),
    "medication_records": (_l("Medication records"), medication_records),
    "health_visits": (_l("Health visits"), health_visits),
    "health_documents": (_l("Health documents"), health_documents),
}


# --- assembling ---------------------------------------------------------------------------


def scope_of(household: Household) -> ExportScope:
    family = load_family(household)
    registration_ids = db.session.scalars(
        select(Registration.id).where(Registration.household_id == family.id)
    )
    return ExportScope(
        household=family,
        child_ids=tuple(c.id for c in family.children),
        registration_ids=tuple(registration_ids),
    )


def household_data(household: Household) -> dict:
    """Every section of the household, as JSON values (no audit entry: see family_export)."""
    scope = scope_of(household)
    return {
        "household_id": household.id,
        "exported_at": _when(timeutil.utcnow()),
        **{name: function(scope) for name, (_title, function) in SECTIONS.items()},
    }


def family_export(actor: User, kind: str = "json") -> dict:
    """The actor's own household, everything held about it. Records the export (which
    sections, never their contents) in the audit log and commits: a copy leaving the system
    is worth an entry even when the family reads its own data."""
    household = household_of(actor)
    data = household_data(household)
    action = "household.export_pdf" if kind == "pdf" else "household.export"
    record_read(actor.id, action, "households", household.id, SECTIONS)
    db.session.commit()
    return data


def export_filename(extension: str) -> str:
    return f"family-data-{timeutil.camp_today().isoformat()}.{extension}"


__all__ = ["SECTIONS", "ExportScope", "family_export", "household_data"]
