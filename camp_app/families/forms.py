"""HTML forms of the household pages. They only parse what was typed into the contract's
field names (services validate) and put the services' problems next to their fields."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice

from camp_app.families.health_alerts import LABELS
from camp_app.forms import CampForm, CampSubform
from camp_app.service_errors import ServiceError

BLANK_MEDICATION_ROWS = 3
MEDICATION_ERROR = re.compile(r"^medications\[(\d+)\](?:\.(\w+))?$")


def relationship_choices() -> list[SelectChoice]:
    return [
        SelectChoice("patient", _l("Patient: treated for the condition")),
        SelectChoice("sibling", _l("Sibling: a brother or sister of a patient")),
    ]


def diagnosis_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Choose…")),
        SelectChoice("cancer", _l("Cancer")),
        SelectChoice("blood_disorder", _l("Blood disorder")),
        SelectChoice("other", _l("Other")),
    ]


def gender_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Not given")),
        SelectChoice("female", _l("Female")),
        SelectChoice("male", _l("Male")),
        SelectChoice("nonbinary", _l("Nonbinary")),
    ]


def contact_kind_choices() -> list[SelectChoice]:
    return [
        SelectChoice("emergency", _l("Emergency contact")),
        SelectChoice("pickup", _l("Authorized pickup person")),
        SelectChoice("do_not_release", _l("Must never pick up (do not release)")),
    ]


class TimesField(StringField):
    """Times typed as "08:00, 20:00"; the stored list is shown the same way."""

    def _value(self):
        if isinstance(self.data, list):
            return ", ".join(self.data)
        return super()._value()

    def as_list(self) -> list[str]:
        if isinstance(self.data, list):
            return self.data
        return [part for part in re.split(r"[,\s]+", self.data or "") if part]


class MedicationRow(CampSubform):
    """One medication; a row left blank is ignored."""

    name = StringField(_l("Medication"))
    dose = StringField(_l("Dose"))
    schedule = StringField(_l("When it is taken"))
    times = TimesField(_l("Times at an overnight camp"))

    def to_data(self) -> dict:
        return {
            "name": self.name.data,
            "dose": self.dose.data,
            "schedule": self.schedule.data,
            "times": self.times.as_list(),
        }

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.name, self.dose, self.schedule))


def mark_required(form, names) -> None:
    """Show the asterisk (and the `required` attribute) on fields the service requires;
    the rule itself stays in the service."""
    for name in names:
        form[name].flags.required = True


class ChildForm(CampForm):
    first_name = StringField(_l("First name"))
    last_name = StringField(_l("Last name"))
    date_of_birth = StringField(_l("Date of birth"))
    gender = SelectField(_l("Gender"), choices=gender_choices(), validate_choice=False)
    relationship = RadioField(
        _l("Relationship to the hospital"), choices=relationship_choices(), validate_choice=False
    )
    diagnosis_category = SelectField(
        _l("Diagnosis category"), choices=diagnosis_choices(), validate_choice=False
    )
    diagnosis = TextAreaField(_l("Diagnosis"))
    treated_at_hospital = BooleanField(_l("Treated at this hospital"))
    allergies = TextAreaField(_l("Allergies"))
    dietary_needs = TextAreaField(_l("Dietary needs"))
    medical_conditions = TextAreaField(_l("Other medical conditions"))
    health_alerts = SelectMultipleField(
        _l("Alerts for counselors"),
        coerce=str,
        validate_choice=False,  # the service refuses anything else
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    health_alert_note = StringField(_l("Short alert in your words"))
    medications = FieldList(FormField(MedicationRow), min_entries=BLANK_MEDICATION_ROWS)
    physician_name = StringField(_l("Physician's name"))
    physician_phone = TelField(_l("Physician's phone"))
    add_medication_row = SubmitField(_l("Add another medication row"))
    save = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, ("first_name", "last_name", "date_of_birth", "relationship"))
        self.health_alerts.choices = [(flag.value, label) for flag, label in LABELS.items()]

    def to_data(self) -> dict:
        """The contract's child fields; blank medication rows dropped (remembered so that
        problems in row n of the data land on the right row of the form)."""
        self._medication_rows = [e for e in self.medications.entries if not e.form.is_blank()]
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "date_of_birth": (self.date_of_birth.data or "").strip(),
            "gender": self.gender.data or "",
            "relationship": self.relationship.data,
            "diagnosis_category": self.diagnosis_category.data or None,
            "diagnosis": self.diagnosis.data,
            "treated_at_hospital": bool(self.treated_at_hospital.data),
            "allergies": self.allergies.data,
            "dietary_needs": self.dietary_needs.data,
            "medical_conditions": self.medical_conditions.data,
            "health_alerts": list(self.health_alerts.data or []),
            "health_alert_note": self.health_alert_note.data,
            "medications": [row.form.to_data() for row in self._medication_rows],
            "physician_name": self.physician_name.data,
            "physician_phone": self.physician_phone.data,
        }

    def ensure_blank_rows(self, count: int = 1) -> None:
        """Room to type more medications without JavaScript."""
        blank = sum(1 for e in self.medications.entries if e.form.is_blank())
        for _ in range(max(0, count - blank)):
            self.medications.append_entry()

    def field_for(self, name: str | None):
        match = MEDICATION_ERROR.match(name or "")
        if match:
            rows = getattr(self, "_medication_rows", self.medications.entries)
            index, part = int(match.group(1)), match.group(2) or "name"
            return rows[index].form._fields.get(part) if index < len(rows) else None
        if name == "medications":
            return None  # about the whole list: shown above the form
        return _field_named(self, name)

    def medication_errors(self) -> list[tuple[int, object]]:
        """(row number from 1, subfield) for each subfield with an error, for the summary."""
        return [
            (number, sub)
            for number, entry in enumerate(self.medications.entries, start=1)
            for sub in entry.form
            if sub.errors
        ]


class ContactForm(CampForm):
    kind = RadioField(_l("Kind of contact"), choices=contact_kind_choices(), validate_choice=False)
    name = StringField(_l("Full name"))
    relationship = StringField(_l("Relationship to the children"))
    phone = TelField(_l("Phone"))
    note = StringField(_l("Note for camp staff"))
    child_ids = SelectMultipleField(
        _l("Which children does this apply to?"),
        coerce=str,  # ids stay text here: the service checks them
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    save = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, ("kind", "name", "relationship"))

    def to_data(self) -> dict:
        return {
            "kind": self.kind.data,
            "name": self.name.data,
            "relationship": self.relationship.data,
            "phone": self.phone.data,
            "note": self.note.data,
            # Ids as the API sends them; anything else is left for the service to refuse.
            "child_ids": [int(v) if v.isdigit() else v for v in self.child_ids.data or []],
        }

    def field_for(self, name: str | None):
        return _field_named(self, name)


class InviteForm(CampForm):
    email = EmailField(_l("Email address of the other guardian"))
    send = SubmitField(_l("Send invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, ("email",))

    def field_for(self, name: str | None):
        return _field_named(self, name)


def _field_named(form, name: str | None):
    if name and name in form._fields and name != "csrf_token":
        return form._fields[name]
    return None


def show_problems(form, error: ServiceError) -> None:
    """Put each problem next to its field; the rest become form-wide errors."""
    form.form_errors = list(form.form_errors)
    for name, messages in error.by_field().items():
        field = form.field_for(name)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
