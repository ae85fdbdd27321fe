"""A household's children (with medical details) and contacts."""

from typing import Annotated

from flask_babel import gettext as _
from pydantic import Field

from camp_app.families.models import (
    HEALTH_ALERT_NOTE_MAX,
    ChildRelationship,
    ContactKind,
    DiagnosisCategory,
    Gender,
    HealthAlert,
)
from camp_app.schemas.fields import (
    Boolean,
    Choice,
    Choices,
    Day,
    Email,
    Identifiers,
    Items,
    Phone,
    Text,
    TimesOfDay,
)
from camp_app.schemas.validation import Schema

MAX_MEDICATIONS = 30
MAX_DOSE_TIMES = 12


class Medication(Schema):
    """A medication the child takes; every part is needed by the camp nurse."""

    name: Text(120, required=True)
    dose: Text(80, required=True)
    schedule: Text(120, required=True)
    times: TimesOfDay(
        max_items=MAX_DOSE_TIMES,
        description='Camp time ("HH:MM") at which a dose is due at an overnight camp.',
    ) = []


class ChildInput(Schema):
    """A child of the household. Unknown fields are refused (422 `unknown_field`)."""

    first_name: Text(80, required=True)
    last_name: Text(80, required=True)
    date_of_birth: Day(
        required_message=lambda: _("Please enter the date of birth."),
        description="Not in the future; a camper is at most 25 years old "
        "(`date_in_future`, `impossible_age`).",
    )
    relationship: Choice(
        ChildRelationship,
        required=True,
        required_message=lambda: _("Please say whether the child is a patient or a sibling."),
        description="`patient`: treated for the condition; `sibling`: a brother or sister of "
        "a patient.",
    )
    diagnosis_category: Choice(
        DiagnosisCategory,
        description="Required for a patient (`diagnosis_category_required`); cleared (null) "
        "for a sibling.",
    ) = None
    diagnosis: Text(2000, multiline=True) = ""
    treated_at_hospital: Boolean() = False
    allergies: Text(2000, multiline=True) = ""
    dietary_needs: Text(2000, multiline=True) = ""
    medical_conditions: Text(2000, multiline=True) = ""
    medications: Annotated[
        Items(
            Medication,
            max_items=MAX_MEDICATIONS,
            message=lambda: _("Please send a list of medications."),
            too_many=lambda: _("Please list at most %(count)d medications.", count=MAX_MEDICATIONS),
        ),
        Field(description="When given, replaces the whole list.", max_length=MAX_MEDICATIONS),
    ] = []
    physician_name: Text(120) = ""
    physician_phone: Phone() = ""
    health_alerts: Choices(
        HealthAlert,
        lambda: _("Please choose health alerts from the list."),
        description="Short flags every counselor sees (never the diagnosis): "
        "epinephrine_auto_injector, central_line, seizure_plan, diabetes, infection_risk.",
    ) = []
    health_alert_note: Text(
        HEALTH_ALERT_NOTE_MAX,
        description='A short alert for counselors in the family\'s words, e.g. "no sun".',
    ) = ""
    gender: Choice(
        Gender,
        lambda: _(
            "Please choose female, male or nonbinary, or leave the gender empty (not given)."
        ),
        empty="",
        description='Not in the contract: optional, used to plan cabins. `""` or null: not given.',
    ) = ""


class ContactInput(Schema):
    """An emergency contact, an authorized pickup person, or a person who must never take the
    children (`do_not_release`)."""

    kind: Choice(
        ContactKind,
        required=True,
        required_message=lambda: _("Please choose the kind of contact."),
    )
    name: Text(120, required=True)
    relationship: Text(80, required=True)
    phone: Phone(
        description="Required for an emergency contact and a pickup person (422 `required`); "
        "optional for `do_not_release`."
    ) = ""
    note: Text(
        200,
        description='do_not_release: what staff should know, e.g. "court order on file".',
    ) = ""
    child_ids: Identifiers(
        description="Not in the contract: limits a pickup person to some children of the "
        "household (others: 422 `invalid_choice`). Empty or absent: every child; always empty "
        "for an emergency contact.",
    ) = []


class InvitationInput(Schema):
    """Another guardian invited to the household."""

    email: Email(required=True)
