"""The text rule and the date range come with the form base classes, so every form has them:
a form that does not derive from CampForm (or CampSubform, for rows) fails here."""

import importlib
import pkgutil
from datetime import date

from werkzeug.datastructures import MultiDict
from wtforms import DateField, FieldList, FormField, StringField, TextAreaField

import camp_app
from camp_app.forms import CampForm, CampSubform
from camp_app.text_rules import FORBIDDEN_MESSAGE


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_form_of_the_app_derives_from_the_base_forms():
    from wtforms.form import BaseForm

    for module in pkgutil.walk_packages(camp_app.__path__, "camp_app."):
        importlib.import_module(module.name)
    ours = [c for c in _all_subclasses(BaseForm) if c.__module__.startswith("camp_app.")]
    assert len(ours) > 20  # the walk found the forms (28 when this was written)
    strays = [
        f"{c.__module__}.{c.__qualname__}"
        for c in ours
        if not issubclass(c, CampForm | CampSubform)
    ]
    assert strays == []


class Row(CampSubform):
    name = StringField()


class Sample(CampForm):
    class Meta:
        csrf = False

    title = StringField()
    note = TextAreaField()
    day = DateField()
    tags = FieldList(StringField(), min_entries=1)
    rows = FieldList(FormField(Row), min_entries=1)


def _validated(app, **values) -> Sample:
    defaults = {"title": "Camp", "note": "line one\r\n\tline two", "day": "2027-06-14",
                "tags-0": "blue", "rows-0-name": "Owls"}  # fmt: skip
    with app.test_request_context("/"):
        form = Sample(MultiDict({**defaults, **values}))
        form.validate()
        return form


def test_tabs_and_line_breaks_pass_and_every_kind_of_field_refuses_control_characters(app):
    assert _validated(app).errors == {}
    message = str(FORBIDDEN_MESSAGE)
    assert _validated(app, title="Camp\x00").title.errors == [message]
    assert _validated(app, note="\x1b[2J").note.errors == [message]
    assert message in _validated(app, day="2027-06-14\x00").day.errors
    tagged = _validated(app, **{"tags-0": "blue\x7f"})
    assert tagged.tags.entries[0].errors == [message] and tagged.errors
    rows = _validated(app, **{"rows-0-name": "Owls\x08"})
    assert rows.rows.entries[0].form.name.errors == [message]


def test_date_fields_refuse_days_no_arithmetic_can_handle(app):
    assert _validated(app, day="9999-12-31").day.errors == ["Enter a date between 1900 and 2199."]
    assert _validated(app, day="1900-01-01").day.data == date(1900, 1, 1)
