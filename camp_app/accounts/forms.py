"""The account forms. They check only what a form can (filled in, typed twice alike);
the rules are in accounts/services.py, whose Problems show_problems puts next to the fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired

from camp_app.forms import CampForm
from camp_app.service_errors import ServiceError

# Each language named in itself, so that a reader of either finds theirs.
LOCALE_CHOICES = [SelectChoice("en", "English"), SelectChoice("es", "Español")]


class LoginForm(CampForm):
    email = EmailField(
        _l("Email address"), validators=[InputRequired(_l("Enter your email address."))]
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    next = HiddenField()


class SignupForm(CampForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name."))])
    email = EmailField(
        _l("Email address"), validators=[InputRequired(_l("Enter your email address."))]
    )
    phone = TelField(_l("Phone number (optional)"))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Choose a password."))])
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[
            InputRequired(_l("Type your password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
    locale = SelectField(_l("Language for emails"), choices=LOCALE_CHOICES, default="en")
    next = HiddenField()  # the page to come back to after confirming and signing in


class ProfileForm(CampForm):
    """One's own name, phone and the language of one's mails (accounts.services.update_profile)."""

    name = StringField(_l("Your name"))
    phone = TelField(_l("Phone number (optional)"))
    locale = SelectField(_l("Language for emails"), choices=LOCALE_CHOICES, validate_choice=False)


def profile_form(user) -> ProfileForm:
    return ProfileForm(data={"name": user.name, "phone": user.phone or "", "locale": user.locale})


class EmailOnlyForm(CampForm):
    """Resend the verification mail, or ask for a password reset link."""

    email = EmailField(
        _l("Email address"), validators=[InputRequired(_l("Enter your email address."))]
    )


class ResetPasswordForm(CampForm):
    password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Choose a password."))]
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Type your new password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(CampForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Choose a new password."))]
    )
    new_password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Type your new password a second time.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class SecondFactorForm(CampForm):
    # inputmode/autocomplete (in the template) bring up the number pad and offer the code a
    # phone received: staff sign in on phones.
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[InputRequired(_l("Enter the 6-digit code from your authenticator app."))],
    )


class ResetSecondFactorForm(CampForm):
    email = EmailField(
        _l("Email address of the account"),
        validators=[InputRequired(_l("Enter your email address."))],
    )


def show_problems(form: FlaskForm, error: ServiceError) -> None:
    """Put each service Problem next to its field, or above the form if it has none.
    A field the form itself already refused keeps just that message (no double scolding)."""
    refused_by_form = {name for name, field in form._fields.items() if field.errors}
    for problem in error.problems:
        field = form._fields.get(problem.field) if problem.field else None
        if field is None:
            form.form_errors.append(problem.message)
        elif field.name not in refused_by_form:
            field.errors = [*field.errors, problem.message]
