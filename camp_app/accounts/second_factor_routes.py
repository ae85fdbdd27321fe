"""The second factor's pages: the code after the password, enrolling an authenticator (at the
first sign-in of a role that requires one, or from the settings of a parent who wants one),
and an admin's reset of a lost authenticator. Rules are in accounts.second_factor."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp_app.access import public, roles_required
from camp_app.accounts import pending_sign_in, second_factor
from camp_app.accounts.forms import ResetSecondFactorForm, SecondFactorForm, show_problems
from camp_app.accounts.rate_limits import client_address, limit_failed_logins, note_failed_login
from camp_app.accounts.routes import INVALID, _home_for, _start_session
from camp_app.accounts.sign_in_attempts import SignInsCapped
from camp_app.accounts.users import find_user_by_email
from camp_app.redirects import safe_next
from camp_app.roles import Role
from camp_app.service_errors import NotAllowed

bp = Blueprint("second_factor", __name__, url_prefix="/account/second-factor")


def _expired():
    flash(_("Please log in again: the time to enter the code ran out."), "info")
    return redirect(url_for("accounts.login"))


def _finish_sign_in(user):
    destination = safe_next(pending_sign_in.next_url()) or _home_for(user)
    factors = [pending_sign_in.first_factor(), "otp"]
    pending_sign_in.clear()
    _start_session(user, factors)
    return destination


def _capped_page(template: str, form, capped: SignInsCapped):
    note_failed_login()
    form.form_errors.append(capped.problems[0].message)
    page = render_template(template, form=form)
    return page, 429, {"Retry-After": str(capped.retry_after)}


@bp.route("", methods=["GET", "POST"])
@limit_failed_logins
@public
def verify():
    """The code after the password (not a session yet: accounts.pending_sign_in)."""
    user = pending_sign_in.pending_user()
    if user is None:
        return _expired()
    if not second_factor.is_enrolled(user):
        return redirect(url_for("second_factor.enrol"))
    form = SecondFactorForm()
    if request.method == "GET":
        return render_template("accounts/second_factor.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/second_factor.html", form=form), INVALID
    try:
        second_factor.check_code(user, form.code.data, address=client_address())
    except SignInsCapped as capped:
        return _capped_page("accounts/second_factor.html", form, capped)
    except NotAllowed as error:
        note_failed_login()
        show_problems(form, error)
        return render_template("accounts/second_factor.html", form=form), INVALID
    return redirect(_finish_sign_in(user))


def _enrolling_user():
    """Who is enrolling: the account between password and code, or a signed-in person (a
    parent turning it on)."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return pending_sign_in.pending_user()


def _enrol_page(user, form, status=200):
    secret = second_factor.start_enrolment(user)
    uri = second_factor.provisioning_uri(user, secret)
    page = render_template(
        "accounts/second_factor_enrol.html",
        form=form,
        secret=secret,
        qr_code=second_factor.qr_code_data_uri(uri),
        required=second_factor.is_required(user),
    )
    return page, status


@bp.route("/enrol", methods=["GET", "POST"])
@limit_failed_logins
@public
def enrol():
    user = _enrolling_user()
    if user is None:
        return _expired()
    if second_factor.is_enrolled(user):
        if current_user.is_authenticated:
            return redirect(url_for("accounts.settings"))
        return redirect(url_for("second_factor.verify"))
    form = SecondFactorForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _enrol_page(user, form, 200 if request.method == "GET" else INVALID)
    try:
        codes = second_factor.confirm_enrolment(user, form.code.data, address=client_address())
    except SignInsCapped as capped:
        note_failed_login()
        form.form_errors.append(capped.problems[0].message)
        page, _status = _enrol_page(user, form)
        return page, 429, {"Retry-After": str(capped.retry_after)}
    except NotAllowed as error:
        note_failed_login()
        show_problems(form, error)
        return _enrol_page(user, form, INVALID)
    destination = url_for("accounts.settings")
    if not current_user.is_authenticated:
        destination = _finish_sign_in(user)
    return render_template("accounts/recovery_codes.html", codes=codes, destination=destination)


@bp.route("/reset", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_reset():
    """An admin clears someone's lost authenticator; they enrol a new one at their next
    sign-in."""
    form = ResetSecondFactorForm()
    if request.method == "GET":
        return render_template("accounts/second_factor_reset.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/second_factor_reset.html", form=form), INVALID
    user = find_user_by_email(form.email.data)
    if user is None or not second_factor.is_enrolled(user):
        form.email.errors = [_("No account with this address has an authenticator.")]
        return render_template("accounts/second_factor_reset.html", form=form), INVALID
    second_factor.reset(current_user._get_current_object(), user)
    flash(
        _(
            "The authenticator of %(email)s is reset; they set up a new one when they next log in.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("second_factor.admin_reset"))
