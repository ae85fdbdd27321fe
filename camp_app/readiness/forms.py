"""The readiness pages' forms: a family's upload, a reviewer's decision, and the coordinator's
list of required documents. Rules live in the services (documents.py, events.rules)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, SelectField, StringField, SubmitField, TextAreaField

from camp_app.events.schema import MAX_REQUIRED_DOCUMENTS
from camp_app.forms import CampForm, CampSubform

BLANK_DOCUMENT_ROWS = 2
ROW_ERROR = re.compile(r"required_documents\[(\d+)\]\.(\w+)")


class UploadForm(CampForm):
    key = SelectField(_l("Which document"), choices=[], validate_choice=False)
    file = FileField(
        _l("File"),
        description=_l("A PDF, or a photo (JPEG or PNG) of each page; at most 10 MB."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class ReviewForm(CampForm):
    note = TextAreaField(
        _l("Note for the family (required to reject)"), render_kw={"rows": 2, "maxlength": 2000}
    )
    accept = SubmitField(_l("Accept"))
    reject = SubmitField(_l("Reject and tell the family"))


class DocumentRow(CampSubform):
    key = StringField(_l("Key"), description=_l("e.g. physician_form"))
    title = StringField(_l("Title"))
    description = TextAreaField(_l("What the family should send"), render_kw={"rows": 2})
    due_days_before = StringField(
        _l("Due (days before camp)"), render_kw={"type": "number", "min": 0, "max": 365}
    )

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.key, self.title, self.description))

    def to_data(self) -> dict:
        days = (self.due_days_before.data or "").strip()
        return {
            "key": (self.key.data or "").strip(),
            "title": self.title.data,
            "description": self.description.data,
            "due_days_before": int(days) if re.fullmatch(r"\d{1,9}", days) else days or None,
        }


class RequirementsForm(CampForm):
    required_documents = FieldList(
        FormField(DocumentRow), min_entries=BLANK_DOCUMENT_ROWS, max_entries=MAX_REQUIRED_DOCUMENTS
    )
    arrival_details = TextAreaField(
        _l("Arrival: time and place"), render_kw={"rows": 3, "maxlength": 2000}
    )
    packing_list = TextAreaField(_l("What to bring"), render_kw={"rows": 5, "maxlength": 4000})
    add_row = SubmitField(_l("Add another document"))
    save = SubmitField(_l("Save"))

    def to_data(self) -> dict:
        self._rows = [e for e in self.required_documents.entries if not e.form.is_blank()]
        return {
            "required_documents": [row.form.to_data() for row in self._rows],
            "arrival_details": self.arrival_details.data,
            "packing_list": self.packing_list.data,
        }

    def show_problems(self, error) -> None:
        rows = getattr(self, "_rows", self.required_documents.entries)
        for problem in error.problems:
            match = ROW_ERROR.fullmatch(problem.field or "")
            field = None
            if match and int(match.group(1)) < len(rows):
                field = rows[int(match.group(1))].form._fields.get(match.group(2))
            elif problem.field in ("arrival_details", "packing_list"):
                field = self[problem.field]
            if field is not None:
                field.errors = [*field.errors, problem.message]
            else:
                self.form_errors.append(problem.message)

    def ensure_blank_rows(self, count: int = 1) -> None:
        blank = sum(1 for e in self.required_documents.entries if e.form.is_blank())
        for _ in range(max(0, count - blank)):
            self.required_documents.append_entry()
