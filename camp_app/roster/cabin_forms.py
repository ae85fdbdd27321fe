"""Forms of the cabins page. They only carry what was typed (with CSRF); the services in
roster/cabins.py and roster/assignments.py check it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from camp_app.forms import CampForm
from camp_app.service_errors import ServiceError

UNASSIGN = "none"  # the target "no cabin or group" in the assign forms


def group_gender_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Anyone")),
        SelectChoice("female", _l("Girls")),
        SelectChoice("male", _l("Boys")),
        SelectChoice("nonbinary", _l("Nonbinary campers")),
    ]


class GroupForm(CampForm):
    name = StringField(_l("Name"))
    capacity = StringField(_l("Places"))  # "Beds" for cabins, see __init__
    min_age = StringField(_l("Youngest age"))
    max_age = StringField(_l("Oldest age"))
    gender = SelectField(_l("For"), choices=group_gender_choices(), validate_choice=False)
    save = SubmitField(_l("Save"))

    def __init__(self, *args, cabins: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "capacity"):
            self[name].flags.required = True
        self.capacity.label.text = _l("Beds") if cabins else _l("Places")

    def to_data(self) -> dict:
        return {name: self[name].data for name in ("name", "capacity", "min_age", "max_age")} | {
            "gender": self.gender.data or ""
        }


def group_form_for(group, cabins: bool) -> GroupForm:
    """The edit form filled from the group (a GET)."""
    return GroupForm(
        cabins=cabins,
        data={
            "name": group.name,
            "capacity": str(group.capacity),
            "min_age": "" if group.min_age is None else str(group.min_age),
            "max_age": "" if group.max_age is None else str(group.max_age),
            "gender": group.gender or "",
        },
    )


class AssignForm(CampForm):
    """One or many children (ticked boxes or one hidden id) and where they go."""

    registration_ids = SelectMultipleField(coerce=str, validate_choice=False)
    group_id = StringField()  # a group id, UNASSIGN, or "" (nothing chosen)
    confirm = HiddenField()  # "1": the coordinator has seen the warnings

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"


def show_problems(form: FlaskForm, error: ServiceError) -> None:
    """Each problem next to its field; the rest above the form."""
    form.form_errors = list(form.form_errors)
    for problem in error.problems:
        if problem.field and problem.field in form and problem.field != "csrf_token":
            form[problem.field].errors = [*form[problem.field].errors, problem.message]
        else:
            form.form_errors.append(problem.message)
