"""What each role at camp sees of a registered child.

Staff (counselors, check-in) see name, age, cabin, allergies, dietary needs and the health
alerts: never the diagnosis, conditions or medications. The health center (nurse) and those
who run events see everything, and each of their reads is audited.
"""

from camp_app.accounts.models import User
from camp_app.audit.services import record_read
from camp_app.families.models import HealthAlert
from camp_app.families.serializers import serialize_medications
from camp_app.registrations.models import Registration
from camp_app.roles import HEALTH_CENTER
from camp_app.timeutil import age_on, camp_today

# The fields a medical view adds to the staff view; named in the audit of each read.
MEDICAL_FIELDS = (
    "diagnosis_category",
    "diagnosis",
    "medical_conditions",
    "medications",
    "physician_name",
    "physician_phone",
)


def staff_child_view(registration: Registration) -> dict:
    child = registration.child
    day = max(camp_today(), registration.event.starts_on)
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "age": age_on(child.date_of_birth, day),
        "cabin": registration.group.name if registration.group else None,
        "allergies": child.allergies or "",
        "dietary_needs": child.dietary_needs or "",
        "health_alerts": [
            flag.value for flag in HealthAlert if flag in (child.health_alerts or [])
        ],
        "health_alert_note": child.health_alert_note or "",
    }


def medical_child_view(registration: Registration) -> dict:
    child = registration.child
    return {
        **staff_child_view(registration),
        "diagnosis_category": child.diagnosis_category,
        "diagnosis": child.diagnosis or "",
        "medical_conditions": child.medical_conditions or "",
        "medications": serialize_medications(child),
        "physician_name": child.physician_name or "",
        "physician_phone": child.physician_phone or "",
        # When a guardian last confirmed these details as current (null: never).
        "medical_confirmed_at": child.medical_confirmed_at.isoformat()
        if child.medical_confirmed_at
        else None,
    }


# What the staff view shows of a child's health: named in the audit of each read.
STAFF_HEALTH_FIELDS = ("allergies", "dietary_needs", "health_alerts", "health_alert_note")


def child_view_for(user: User, registration: Registration) -> dict:
    """The view the user's role allows; every view is audited, naming the health fields it
    showed (the caller commits)."""
    if not user.has_role(*HEALTH_CENTER):
        record_read(user.id, "child.read", "children", registration.child_id, STAFF_HEALTH_FIELDS)
        return staff_child_view(registration)
    fields = (*STAFF_HEALTH_FIELDS, *MEDICAL_FIELDS)
    record_read(user.id, "child.medical_read", "children", registration.child_id, fields)
    return medical_child_view(registration)
