"""The account-closing form: the password confirms it."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import InputRequired

from camp_app.forms import CampForm


class CloseAccountForm(CampForm):
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password to confirm."))]
    )
