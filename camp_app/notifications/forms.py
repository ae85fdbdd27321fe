"""The outbox page's only form: a CSRF-protected button."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from camp_app.forms import CampForm


class RetryMailForm(CampForm):
    submit = SubmitField(_l("Send again now"))
