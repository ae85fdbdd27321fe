"""The family's own copy as a readable PDF: the same sections as the JSON (export.SECTIONS),
each a heading and a block per record of labelled lines. DejaVu Sans (roster.fast_pdf), so
"Ñúñez" and “quotes” print as typed."""

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from camp_app import timeutil
from camp_app.privacy.export import SECTIONS
from camp_app.roster.fast_pdf import UnicodePDF

LINE = 5.0
LABEL_WIDTH = 50

# Field names in words; a field not listed shows as its name.
FIELD_LABELS = {
    "id": _l("Number"),
    "name": _l("Name"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "locale": _l("Language"),
    "created_at": _l("Created"),
    "updated_at": _l("Last changed"),
    "email_verified_at": _l("Email address confirmed"),
    "second_factor": _l("Two-step sign-in"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "date_of_birth": _l("Date of birth"),
    "relationship": _l("Relationship"),
    "diagnosis_category": _l("Diagnosis category"),
    "diagnosis": _l("Diagnosis"),
    "treated_at_hospital": _l("Treated at this hospital"),
    "allergies": _l("Allergies"),
    "dietary_needs": _l("Dietary needs"),
    "medical_conditions": _l("Medical conditions"),
    "medications": _l("Medications"),
    "physician_name": _l("Physician"),
    "physician_phone": _l("Physician's phone"),
    "gender": _l("Gender"),
    "health_alerts": _l("Health alerts"),
    "health_alert_note": _l("Health alert note"),
    "patient_verification": _l("Patient verification"),
    "kind": _l("Kind"),
    "note": _l("Note"),
    "child_ids": _l("For children (numbers; none: all)"),
    "expires_at": _l("Expires"),
    "accepted_at": _l("Accepted"),
    "event": _l("Event"),
    "event_name": _l("Event name"),
    "starts_on": _l("First day"),
    "ends_on": _l("Last day"),
    "child_id": _l("Child (number)"),
    "status": _l("Status"),
    "cancelled_at": _l("Cancelled"),
    "decision_note": _l("Coordinator's note"),
    "consents": _l("Consents"),
    "signature": _l("Signature"),
    "signed_at": _l("Signed"),
    "signed_by": _l("Signed by"),
    "registration_id": _l("Registration (number)"),
    "date": _l("Date"),
    "check_in_at": _l("Checked in"),
    "check_out_at": _l("Checked out"),
    "picked_up_by": _l("Picked up by"),
    "absence_reason": _l("Reason for absence"),
    "medication": _l("Medication"),
    "dose": _l("Dose"),
    "schedule": _l("Schedule"),
    "times": _l("Times"),
    "given_at": _l("Given"),
    "given_by": _l("Given by"),
    "text": _l("Text"),
    "accepted": _l("Accepted"),
    "key": _l("Document"),
}


class _FamilyPDF(UnicodePDF):
    def __init__(self, generated: str):
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.generated = self.printable(_("Generated %(when)s", when=generated))
        self.page_label = self.printable(_("Page %(page)s"))
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self):
        self.set_y(-12)
        self.use(False, 8)
        self.cell(0, 5, f"{self.generated} · {self.page_label % {'page': self.page_no()}}")


def _label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def _value(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list) and all(not isinstance(v, dict) for v in value):
        return ", ".join(str(v) for v in value)
    return str(value)


def _lines(record: dict, indent: int = 0) -> list[tuple[int, str, str]]:
    """(indent, label, value) for each line of a record; lists of records nest below."""
    lines = []
    for key, value in record.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append((indent, _label(key), ""))
            for item in value:
                lines += _lines(item, indent + 1)
                lines.append((indent + 1, "", ""))
        else:
            lines.append((indent, _label(key), _value(value)))
    return lines


def _write_record(pdf: _FamilyPDF, record: dict) -> None:
    for indent, label, value in _lines(record):
        if not label and not value:
            pdf.ln(1.5)
            continue
        x = pdf.l_margin + indent * 6
        pdf.set_x(x)
        pdf.use(True, 9.5)
        pdf.cell(LABEL_WIDTH - indent * 6, LINE, pdf.printable(label))
        pdf.use(False, 9.5)
        pdf.multi_cell(0, LINE, pdf.printable(value), new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1.5
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2.5)


def family_pdf(data: dict) -> bytes:
    return bytes(family_document(data).output())


def family_document(data: dict) -> UnicodePDF:
    """`data` (export.household_data) laid out for reading and printing."""
    now = timeutil.utcnow()
    generated = f"{format_datetime(now, 'medium')} {timeutil.to_camp(now).tzname()}"
    pdf = _FamilyPDF(generated)
    title = pdf.printable(_("Everything we hold about your family"))
    pdf.set_title(title)
    pdf.add_page()
    pdf.use(True, 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.use(False, 10)
    intro = _(
        "Your household's records as kept by the camp program on the date below: the same "
        "contents as the JSON download. Keep this copy private: it holds medical details."
    )
    pdf.multi_cell(0, 5, pdf.printable(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, pdf.generated, new_x="LMARGIN", new_y="NEXT")
    for name, (section_title, _function) in SECTIONS.items():
        pdf.ln(4)
        pdf.use(True, 13)
        heading = pdf.printable(str(section_title))
        pdf.start_section(heading)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        records = data.get(name) or []
        if not records:
            pdf.use(False, 9.5)
            pdf.multi_cell(0, LINE, pdf.printable(_("None.")), new_x="LMARGIN", new_y="NEXT")
            continue
        for record in records if isinstance(records, list) else [records]:
            _write_record(pdf, record)
    return pdf
