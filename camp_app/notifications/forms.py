"""The outbox page's only form: a CSRF-protected button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class RetryMailForm(FlaskForm):
    submit = SubmitField(_l("Send again now"))
