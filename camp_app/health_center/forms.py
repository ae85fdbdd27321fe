"""Forms of the health center's pages. Shape only: the rules are in the services, which take
the API's JSON shape (`to_data`)."""

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from camp_app.forms import CampForm
from camp_app.health_center.models import Disposition, DoseStatus

LOCAL = "%Y-%m-%dT%H:%M"

# Called at render time: "Given" of a dose is not the "Given" of a consent (msgctxt "dose").
STATUS_LABELS = {
    DoseStatus.GIVEN: lambda: pgettext("dose", "Given"),
    DoseStatus.REFUSED: lambda: pgettext("dose", "Refused"),
    DoseStatus.HELD: lambda: pgettext("dose", "Held"),
    DoseStatus.MISSED: lambda: pgettext("dose", "Missed"),
}


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return label() if label else pgettext("dose", "Due")


DISPOSITION_LABELS = {
    Disposition.RETURNED_TO_ACTIVITY: _l("Back to activity"),
    Disposition.OBSERVED: _l("Observed in the health center"),
    Disposition.SENT_HOME: _l("Sent home"),
    Disposition.SENT_TO_HOSPITAL: _l("Sent to hospital"),
}


def _local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") if moment else ""


class DoseForm(CampForm):
    """One dose's outcome; which dose (medication, due time, record corrected) rides along."""

    medication_id = HiddenField()
    due_at = HiddenField()  # ISO 8601 with its offset, as the day page gives it
    corrects_id = HiddenField()
    status = RadioField(
        _l("What happened"),
        validators=[Optional()],  # the service names every missing field at once
        validate_choice=False,  # the service says which
    )
    note = TextAreaField(
        _l("Reason or note"),
        validators=[Optional()],
        description=_l("Required when the dose was refused, held or missed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(value, label()) for value, label in STATUS_LABELS.items()]

    def to_data(self, registration_id: int) -> dict:
        def number(value):
            return int(value) if (value or "").isdigit() and len(value) < 11 else value or None

        return {
            "registration_id": registration_id,
            "medication_id": number(self.medication_id.data),
            "due_at": self.due_at.data or None,
            "status": self.status.data,
            "note": self.note.data or "",
            "corrects_id": number(self.corrects_id.data),
        }


class VisitForm(CampForm):
    registration_id = SelectField(
        _l("Child"),
        validators=[InputRequired(message=_l("Choose the child."))],
        validate_choice=False,  # the service refuses a child who is not at this camp
    )
    seen_at = DateTimeLocalField(_l("Seen at"), format=LOCAL, validators=[Optional()])
    complaint = TextAreaField(_l("Complaint"))
    assessment = TextAreaField(_l("Assessment"))
    treatment = TextAreaField(_l("Treatment"))
    disposition = RadioField(
        _l("Then"),
        choices=list(DISPOSITION_LABELS.items()),
        validators=[Optional()],  # the service names every missing field at once
        validate_choice=False,
    )
    guardian_notified = BooleanField(_l("Guardian told"))
    guardian_notified_at = DateTimeLocalField(_l("Told at"), format=LOCAL, validators=[Optional()])

    def to_data(self) -> dict:
        chosen = self.registration_id.data or ""
        return {
            "registration_id": int(chosen) if chosen.isdigit() and len(chosen) < 11 else 0,
            "seen_at": _local(self.seen_at.data) or None,
            "complaint": self.complaint.data or "",
            "assessment": self.assessment.data or "",
            "treatment": self.treatment.data or "",
            "disposition": self.disposition.data or None,
            "guardian_notified": bool(self.guardian_notified.data),
            "guardian_notified_at": _local(self.guardian_notified_at.data) or None,
        }


class AddendumForm(CampForm):
    text = TextAreaField(_l("Addendum"))

    def to_data(self) -> dict:
        return {"text": self.text.data or ""}
