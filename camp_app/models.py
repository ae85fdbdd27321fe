"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from camp_app.accounts.models import (
    ApiToken,
    SignInAttempt,
    SignInLink,
    User,
    UserRole,
    UserSession,
)
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord  # noqa: F401
from camp_app.audit.models import AuditEntry
from camp_app.events.models import ConsentDocument, ConsentDocumentVersion, Event
from camp_app.families.models import Child, Contact, GuardianInvite, Household, Medication
from camp_app.health_center.models import DoseRecord, HealthVisit, HealthVisitAddendum
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import OutboxMail
from camp_app.readiness.models import ChildDocument, SentReminder
from camp_app.registrations.models import ConsentSigning, Registration, SignedConsent
from camp_app.roster.models import CampGroup

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CampGroup",
    "Child",
    "ChildDocument",
    "ConsentDocument",
    "ConsentDocumentVersion",
    "ConsentSigning",
    "Contact",
    "DoseRecord",
    "Event",
    "EventMessage",
    "GuardianInvite",
    "HealthVisit",
    "HealthVisitAddendum",
    "Household",
    "Medication",
    "OutboxMail",
    "Registration",
    "SentReminder",
    "SignInAttempt",
    "SignInLink",
    "SignedConsent",
    "User",
    "UserRole",
    "UserSession",
]
