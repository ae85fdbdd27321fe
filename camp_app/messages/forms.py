"""The compose form (who and what) and the send form (the previewed message, carried hidden).

The forms only carry text: the audience filter is checked by roster.filters.parse_filter and
the subject and body by messages.services.clean_message, so the rules live in one place.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from camp_app.events.forms import MarkRequired
from camp_app.families.verification import STATE_LABELS
from camp_app.forms import CampForm
from camp_app.messages.services import BODY_MAX, SUBJECT_MAX
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import RegistrationStatus
from camp_app.service_errors import ServiceError

FILTER_FIELDS = ("status", "group", "min_age", "max_age", "verification", "q")


def _status_choices() -> list[tuple[str, str]]:
    return [
        ("active", _l("Active (pending, confirmed, waitlist)")),
        *((str(s), status_label(s)) for s in RegistrationStatus),
        ("any", _l("Any status (cancelled and declined too)")),
    ]


def _verification_choices() -> list[tuple[str, str]]:
    return [("", _l("Any")), *STATE_LABELS.items()]


def _age_field(label):
    return StringField(
        label, render_kw={"type": "number", "min": 0, "max": 30, "inputmode": "numeric"}
    )


class AudienceFields:
    """The roster filter's fields, as the roster names them (so a roster link can prefill them)."""

    status = SelectField(_l("Registration status"), validate_choice=False)
    group = SelectField(_l("Cabin or group"), validate_choice=False)
    min_age = _age_field(_l("Youngest age"))
    max_age = _age_field(_l("Oldest age"))
    verification = SelectField(_l("Patient verification"), validate_choice=False)
    q = StringField(_l("Child or parent name contains"))

    def set_choices(self, groups) -> None:
        self.status.choices = _status_choices()
        self.verification.choices = _verification_choices()
        self.group.choices = [
            ("", _l("Any")),
            ("none", _l("Not assigned to a cabin or group")),
            *((str(g.id), g.name) for g in groups),
        ]


class ComposeForm(CampForm, AudienceFields):
    subject = StringField(
        _l("Subject"), [MarkRequired()], render_kw={"maxlength": SUBJECT_MAX, "autocomplete": "off"}
    )
    body = TextAreaField(
        _l("Message"),
        [MarkRequired()],
        render_kw={"rows": 12, "maxlength": BODY_MAX},
        description=_l("Plain text. Each family sees it after a greeting with their name."),
    )


class SendForm(CampForm):
    """Everything the preview showed, so that the send writes exactly that."""

    status = HiddenField()
    group = HiddenField()
    min_age = HiddenField()
    max_age = HiddenField()
    verification = HiddenField()
    q = HiddenField()
    subject = HiddenField()
    body = HiddenField()
    token = HiddenField()
    previewed = HiddenField()

    def message_values(self) -> dict[str, str]:
        """The selection, subject and body as the compose form names them."""
        names = (*FILTER_FIELDS, "subject", "body")
        return {name: self[name].data or "" for name in names}


def show_problems(form: FlaskForm, error: ServiceError) -> list[str]:
    """Put each problem next to its field; return the messages that belong to no field."""
    general = []
    for problem in error.problems:
        field = form._fields.get(problem.field or "")
        if field is not None and not isinstance(field, HiddenField):
            field.errors = [*field.errors, problem.message]
        else:
            general.append(problem.message)
    return general
