"""The base of every form: the one text rule (camp_app.text_rules) on every field, and a sane
range on every date field, added when the field is bound, so that no form can forget them.

Every form derives from CampForm (a page's form) or CampSubform (rows inside one, as in a
FieldList of FormFields); tests/hostile/test_form_rules.py fails for a form that does not.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, Form
from wtforms.validators import ValidationError

from camp_app.service_errors import Problem
from camp_app.text_rules import FORBIDDEN_MESSAGE, has_forbidden_characters
from camp_app.timeutil import DATE_RANGE_MESSAGE, is_sane_day

EXPIRED_MESSAGE = _l("Your form expired. Please submit it again.")


def _forbidden(values) -> bool:
    return any(isinstance(v, str) and has_forbidden_characters(v) for v in values or ())


def refuse_forbidden_text(form, field) -> None:
    """Whatever the field's type, what was sent for it must pass the text rule. (Containers
    have no raw data: the entries of a FieldList are bound, and so checked, like any field, and
    the rows of a FormField are CampSubforms.)"""
    if _forbidden(getattr(field, "raw_data", None)):
        raise ValidationError(FORBIDDEN_MESSAGE)


def refuse_insane_date(form, field) -> None:
    """Dates far outside the years a camp can concern: arithmetic on them overflows."""
    if isinstance(field.data, date) and not is_sane_day(field.data):  # datetimes are dates too
        raise ValidationError(DATE_RANGE_MESSAGE)


class _RulesOnEveryField:
    """Mixed into the forms' Meta: runs for each field as the form binds it."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        extra = [refuse_forbidden_text]
        if isinstance(field, DateTimeField):  # DateField and DateTimeLocalField too
            extra.append(refuse_insane_date)
        field.validators = [*field.validators, *extra]
        return field


class CampForm(FlaskForm):
    class Meta(_RulesOnEveryField):
        pass


class CampSubform(Form):
    class Meta(_RulesOnEveryField):
        pass


def _messages(errors) -> list[str]:
    """Flatten WTForms errors (lists, and dicts and lists of them for nested forms)."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def form_problems(form: FlaskForm) -> list[Problem]:
    """Why a submitted form was refused: its token expired, or a field broke a rule; for the
    routes that show refusals their own way (on a review card, as a flashed message)."""
    problems = []
    for name, errors in form.errors.items():
        if name == "csrf_token":
            problems.append(Problem("csrf", str(EXPIRED_MESSAGE)))
        else:
            problems += [
                Problem("invalid_input", m, name) for m in dict.fromkeys(_messages(errors))
            ]
    return problems or [Problem("csrf", str(EXPIRED_MESSAGE))]


def refusal_messages(form: FlaskForm) -> list[str]:
    return [problem.message for problem in form_problems(form)]


class ButtonForm(CampForm):
    """A POST button (confirm, remove, check in, publish…): only its CSRF token."""
