"""The register form. It only carries what was ticked and typed; the lifecycle decides, and
its problems are put next to the fields here."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from camp_app.forms import CampForm
from camp_app.service_errors import ServiceError

CONSENT_FIELDS = ("medical_treatment", "liability_waiver", "photo_release")


class RegisterForm(CampForm):
    children = SelectMultipleField(
        _l("Children to register"),
        coerce=int,
        validate_choice=False,  # the lifecycle says why a child cannot come
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    medical_treatment = BooleanField(
        _l("I consent to emergency medical treatment of my child by the camp's medical team.")
    )
    liability_waiver = BooleanField(_l("I have read and accept the liability waiver."))
    photo_release = RadioField(
        _l("May the camp use photos in which my child appears?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validate_choice=False,
    )
    signature = StringField(
        _l("Signature"),
        description=_l("Type your full name. It counts as your signature, with today's date."),
        render_kw={"autocomplete": "name", "maxlength": 200},
    )

    def typed_signature(self) -> str:
        return self.signature.data or ""  # a missing field is an empty signature, not "not asked"

    def consents(self) -> dict:
        answer = {"yes": True, "no": False}.get(self.photo_release.data)
        return {
            "medical_treatment": self.medical_treatment.data,
            "liability_waiver": self.liability_waiver.data,
            "photo_release": answer,
        }

    def show_problems(self, error: ServiceError) -> dict[int, list[str]]:
        """Put each problem next to its field; returns the problems of each child by id."""
        by_child: dict[int, list[str]] = {}
        for problem in error.problems:
            field = problem.field or ""
            head, _dot, tail = field.partition(".")
            if head == "children" and tail.isdigit():
                by_child.setdefault(int(tail), []).append(problem.message)
            elif head == "consents" and tail in CONSENT_FIELDS:
                self._add_error(tail, problem.message)
            elif field in ("children", "signature"):
                self._add_error(field, problem.message)
            else:
                self.form_errors.append(problem.message)
        return by_child

    def _add_error(self, name: str, message: str) -> None:
        if message not in self[name].errors:
            self[name].errors = [*self[name].errors, message]
