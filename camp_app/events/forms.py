"""The coordinator's event form. It only carries text and choices and hands the services the
API's JSON shape: every rule is checked there (events/schema.py, events.rules), so the form
and the API refuse the same things; the inputs' length limits come from the same declaration."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from camp_app.events.descriptions import AUDIENCE_LABELS, CATEGORY_LABELS, KIND_LABELS
from camp_app.events.models import Event
from camp_app.events.schema import ELIGIBILITY_FIELDS, TRANSLATED_FIELDS, EventInput, EventTexts
from camp_app.forms import CampForm
from camp_app.schemas.forms import limit_lengths
from camp_app.service_errors import ServiceError
from camp_app.timeutil import camp_zone


class MarkRequired:
    """Marks a field required (label star, `required` attribute); the service checks it."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _typed(input_type: str, **attributes) -> dict:
    return {"type": input_type, **attributes}


class EventForm(CampForm):
    name = StringField(_l("Name"), [MarkRequired()])
    slug = StringField(
        _l("Web address name"),
        description=_l(
            "Lowercase letters, digits and hyphens, e.g. camp-uots. "
            "Leave it empty to use one made from the name."
        ),
    )
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS), validate_choice=False)
    summary = TextAreaField(_l("Short summary"))
    description = TextAreaField(_l("Description"))
    location = StringField(_l("Location"))
    contact_email = StringField(_l("Contact email"), render_kw=_typed("email"))
    contact_phone = StringField(_l("Contact phone"), render_kw=_typed("tel"))
    starts_on = StringField(_l("First day"), [MarkRequired()], render_kw=_typed("date"))
    ends_on = StringField(_l("Last day"), [MarkRequired()], render_kw=_typed("date"))
    registration_opens_at = StringField(
        _l("Registration opens"), [MarkRequired()], render_kw=_typed("datetime-local")
    )
    registration_closes_at = StringField(
        _l("Registration closes"), [MarkRequired()], render_kw=_typed("datetime-local")
    )
    capacity = StringField(
        _l("Number of seats"),
        [MarkRequired()],
        render_kw=_typed("number", min=0, inputmode="numeric"),
    )
    waitlist_enabled = BooleanField(_l("Keep a waitlist when all seats are taken"))
    requires_review = BooleanField(_l("A coordinator reviews each registration"))
    requires_verification = BooleanField(_l("Patients need verification by the medical team"))
    published = BooleanField(_l("Publish now (families can see it and register)"))
    min_age = StringField(
        _l("Youngest age"), render_kw=_typed("number", min=0, max=25, inputmode="numeric")
    )
    max_age = StringField(
        _l("Oldest age"), render_kw=_typed("number", min=0, max=25, inputmode="numeric")
    )
    audience = SelectField(_l("Open to"), choices=_choices(AUDIENCE_LABELS), validate_choice=False)
    diagnosis_categories = SelectMultipleField(
        _l("Conditions covered"),
        choices=_choices(CATEGORY_LABELS),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    treated_at_hospital_required = BooleanField(_l("Patients must be treated at this hospital"))
    # The same texts in Spanish (EventInput.translations); empty: Spanish readers see English.
    name_es = StringField(_l("Name in Spanish"))
    summary_es = TextAreaField(_l("Short summary in Spanish"))
    description_es = TextAreaField(_l("Description in Spanish"))


class CopyEventForm(CampForm):
    """Next year's event: its first day and web address name (events.copying)."""

    starts_on = StringField(_l("First day of the copy"), [MarkRequired()], render_kw=_typed("date"))
    slug = StringField(
        _l("Web address name of the copy"),
        [MarkRequired()],
        description=_l("Lowercase letters, digits and hyphens, e.g. camp-uots."),
    )


limit_lengths(EventInput, EventForm)
limit_lengths(EventInput, CopyEventForm, names=("slug",))
limit_lengths(EventTexts, EventForm, suffix="_es")

# The service's field names (the CSRF token is no event field).
_FIELD_NAMES = {name for name, value in vars(EventForm).items() if hasattr(value, "field_class")}
# Fields only the create page shows: publishing an existing event has its own buttons.
CREATE_ONLY = ("published",)


def event_form(event: Event | None = None) -> EventForm:
    """The form for a new event, or filled with `event` (times in the camp's zone)."""
    form = EventForm(data=_initial_values(event))
    if event is not None:
        for name in CREATE_ONLY:
            del form[name]
    return form


def _initial_values(event: Event | None) -> dict:
    if event is None:
        return {"kind": "overnight_camp", "audience": "anyone", "waitlist_enabled": True}
    values = {name: getattr(event, name) for name in _FIELD_NAMES if hasattr(event, name)}
    spanish = (event.translations or {}).get("es") or {}
    values.update({f"{key}_es": spanish.get(key, "") for key in TRANSLATED_FIELDS})
    values.update(
        starts_on=event.starts_on.isoformat(),
        ends_on=event.ends_on.isoformat(),
        registration_opens_at=camp_local_input(event.registration_opens_at),
        registration_closes_at=camp_local_input(event.registration_closes_at),
        capacity=str(event.capacity),
        min_age="" if event.min_age is None else str(event.min_age),
        max_age="" if event.max_age is None else str(event.max_age),
    )
    return values


def camp_local_input(moment) -> str:
    """A stored UTC time as the camp-local text a datetime-local input shows."""
    return moment.astimezone(camp_zone()).strftime("%Y-%m-%dT%H:%M")


WHOLE_NUMBER = re.compile(r"\s*-?\d{1,9}\s*")
NUMBERS = ("capacity", "min_age", "max_age")


def form_data(form: EventForm) -> dict:
    """What the services take: the contract's fields as JSON would carry them (whole numbers
    as numbers, the eligibility rules as their own object)."""
    data = {field.name: field.data for field in form if field.name in _FIELD_NAMES}
    for name in NUMBERS:
        value = data.get(name)
        if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value):
            data[name] = int(value)
    data["eligibility"] = {key: data.pop(key) for key in ELIGIBILITY_FIELDS if key in data}
    spanish = {key: data.pop(f"{key}_es") or "" for key in TRANSLATED_FIELDS if f"{key}_es" in data}
    if spanish:
        data["translations"] = {"es": spanish}
    return data


def fill_suggested_slug(data: dict, suggest) -> dict:
    """A new event whose web address name was left empty gets one made from its name."""
    name = data.get("name")
    if not (data.get("slug") or "").strip() and isinstance(name, str) and name.strip():
        data["slug"] = suggest(name)
    return data


def show_problems(form: FlaskForm, error: ServiceError) -> None:
    """Put each service problem next to its field (eligibility.min_age -> min_age)."""
    for problem in error.problems:
        field_path = problem.field or ""
        name = field_path.rsplit(".", 1)[-1]
        if field_path.startswith("translations.es."):
            name += "_es"
        if name and name in form:
            form[name].errors = [*form[name].errors, problem.message]
        else:
            form.form_errors.append(problem.message)
