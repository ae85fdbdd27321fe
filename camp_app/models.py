"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from camp_app.accounts.models import ApiToken, Role, User, UserRole
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord, MedicationDose  # noqa: F401
from camp_app.audit.models import AuditEntry
from camp_app.events.models import Event
from camp_app.families.models import Child, Contact, GuardianInvite, Household, Medication
from camp_app.notifications.models import OutboxMail
from camp_app.registrations.models import Registration

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Child",
    "Contact",
    "Event",
    "GuardianInvite",
    "Household",
    "Medication",
    "OutboxMail",
    "Registration",
    "Role",
    "User",
    "UserRole",
]
