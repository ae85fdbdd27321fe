"""Plain-dict views of household records, as the contract spells them (dates YYYY-MM-DD).

Shared by the JSON API and anything else that needs the contract's shapes. They read only
loaded attributes: load children with medications and contacts with children beforehand
(see services.family_summary) to avoid a query per row.
"""

from camp_app.accounts.models import User
from camp_app.families.models import Child, Contact, Medication


def serialize_child(child: Child) -> dict:
    return {
        "id": child.id,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "relationship": child.relationship,
        "diagnosis_category": child.diagnosis_category,
        "diagnosis": child.diagnosis or "",
        "treated_at_hospital": bool(child.treated_at_hospital),
        "allergies": child.allergies or "",
        "dietary_needs": child.dietary_needs or "",
        "medical_conditions": child.medical_conditions or "",
        "medications": serialize_medications(child),
        "physician_name": child.physician_name or "",
        "physician_phone": child.physician_phone or "",
        "gender": child.gender or "",  # "" not given
        "health_alerts": list(child.health_alerts or []),
        "health_alert_note": child.health_alert_note or "",
    }


def serialize_medications(child: Child) -> list[dict]:
    return [serialize_medication(m) for m in child.medications]


def serialize_medication(medication: Medication) -> dict:
    return {
        "name": medication.name,
        "dose": medication.dose,
        "schedule": medication.schedule,
        "times": list(medication.times or []),
    }


def serialize_contact(contact: Contact) -> dict:
    return {
        "id": contact.id,
        "kind": contact.kind,
        "name": contact.name,
        "relationship": contact.relationship,
        "phone": contact.phone,
        "note": contact.note or "",
        # Empty: the person is listed for every child of the household.
        "child_ids": sorted(c.id for c in contact.children),
    }


def serialize_guardian(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email}
