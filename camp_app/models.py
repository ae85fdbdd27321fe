"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from camp_app.accounts.models import (
    ApiToken,
    SignInAttempt,
    SignInLink,
    User,
    UserRole,
    UserSession,
)
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord, MedicationDose  # noqa: F401
from camp_app.audit.models import AuditEntry
from camp_app.events.models import ConsentDocument, ConsentDocumentVersion, Event
from camp_app.families.models import Child, Contact, GuardianInvite, Household, Medication
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import OutboxMail
from camp_app.registrations.models import ConsentSigning, Registration, SignedConsent
from camp_app.roster.models import CampGroup

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CampGroup",
    "Child",
    "ConsentDocument",
    "ConsentDocumentVersion",
    "ConsentSigning",
    "Contact",
    "Event",
    "EventMessage",
    "GuardianInvite",
    "Household",
    "Medication",
    "OutboxMail",
    "Registration",
    "SignInAttempt",
    "SignInLink",
    "SignedConsent",
    "User",
    "UserRole",
    "UserSession",
]
