"""Account pages: a thin face over accounts/services.py."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from camp_app.access import public, signed_in
from camp_app.accounts import pending_sign_in, second_factor, services, sessions, sign_in_links
from camp_app.accounts.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SignupForm,
    profile_form,
    show_problems,
)
from camp_app.accounts.rate_limits import (
    client_address,
    limit_failed_logins,
    limit_mail_requests,
    limit_sign_ups,
    note_failed_login,
)
from camp_app.accounts.sign_in_attempts import SignInsCapped
from camp_app.forms import ButtonForm
from camp_app.redirects import safe_next
from camp_app.roles import MANAGERS, Role
from camp_app.service_errors import InvalidInput, NotAllowed

bp = Blueprint("accounts", __name__, url_prefix="/account")

INVALID = 422  # a form sent back with its errors
LOGIN_EMAIL_KEY = "login_email"  # pre-fills the login form after verification
SESSION_KEY = "_user_id"  # where Flask-Login keeps what it passes to web.load_user


def _home_for(user) -> str:
    """Where someone lands after logging in, when no page asked for them."""
    endpoint = "events.catalog"
    if user.has_role(Role.PARENT):
        endpoint = "families.household"
    elif user.has_role(*MANAGERS):
        endpoint = "events.manage"
    elif user.has_role(Role.NURSE):
        endpoint = "attendance.health_center"  # today's medication round
    elif user.has_role(Role.STAFF):
        endpoint = "attendance.index"  # today's camps at the gate
    return url_for(endpoint)


def _start_session(user, factors=None) -> None:
    """A new server-side session (accounts.sessions) in a fresh cookie; only the language
    choice carries over. A session this browser still had is ended first. `factors`: what
    was checked, for the audit of the sign-in (None: not a sign-in, e.g. a password change)."""
    sessions.end(session.get(SESSION_KEY))
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    key = sessions.start(user, factors)
    login_user(user)
    # Flask-Login keeps the id it resumes from in the cookie: ours is the session's key
    # (web.load_user), not the user's id.
    session[SESSION_KEY] = key


def _sign_in(user, next_url: str | None = None, first_factor: str = "password"):
    """Where a passed password (or sign-in or reset link) leads: a full session, or first the
    second factor (accounts.second_factor) for an account that has or needs one."""
    if not second_factor.needed_at_sign_in(user):
        _start_session(user, [first_factor])
        return redirect(safe_next(next_url) or _home_for(user))
    pending_sign_in.begin(user, safe_next(next_url), first_factor)
    step = "verify" if second_factor.is_enrolled(user) else "enrol"
    return redirect(url_for(f"second_factor.{step}"))


def _show_password_problems(form, field, user) -> None:
    """When a form is sent back anyway, also say what is wrong with the new password."""
    try:
        services.check_new_password(field.data or "", user, field.name)
    except InvalidInput as error:
        show_problems(form, error)


# --- log in / log out --------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limit_failed_logins
@public
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        form.email.data = session.pop(LOGIN_EMAIL_KEY, None)
        return render_template("accounts/login.html", form=form, unverified=False)
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form, unverified=False), INVALID
    try:
        user = services.authenticate(form.email.data, form.password.data, address=client_address())
    except SignInsCapped as capped:
        note_failed_login()
        page = render_template("accounts/login.html", form=form, unverified=False, capped=True)
        return page, 429, {"Retry-After": str(capped.retry_after)}
    except NotAllowed as error:
        unverified = error.problems[0].code == "email_not_verified"
        if not unverified:
            note_failed_login()
        show_problems(form, error)
        return render_template("accounts/login.html", form=form, unverified=unverified), INVALID
    return _sign_in(user, form.next.data)


@bp.post("/logout")
@signed_in
def logout():
    sessions.end(session.get(SESSION_KEY))  # a copy of the cookie now opens nothing
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("events.catalog"))


# --- signing in with a link by mail ------------------------------------------------------


@bp.route("/sign-in-link", methods=["GET", "POST"])
@limit_mail_requests
@public
def sign_in_link():
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        status = INVALID if request.method == "POST" else 200
        return render_template("accounts/sign_in_link.html", form=form), status
    try:
        sign_in_links.request_link(form.email.data)
    except InvalidInput as error:
        show_problems(form, error)
        return render_template("accounts/sign_in_link.html", form=form), INVALID
    # The same page whether or not the address has an account.
    return redirect(url_for("accounts.sign_in_link_sent"))


@bp.get("/sign-in-link/sent")
@public
def sign_in_link_sent():
    return render_template("accounts/sign_in_link_sent.html")


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@public
def sign_in_with_link(token: str):
    form = ButtonForm()
    if request.method == "GET":
        # Showing the button uses nothing up: link scanners in mail programs only GET.
        invalid = not sign_in_links.link_is_live(token)
        page = render_template("accounts/sign_in_confirm.html", form=form, invalid=invalid)
        return page, 404 if invalid else 200
    if not form.validate_on_submit():
        return render_template("accounts/sign_in_confirm.html", form=form, invalid=False), INVALID
    try:
        user = sign_in_links.sign_in_with_link(token)
    except InvalidInput:
        return render_template("accounts/sign_in_confirm.html", form=form, invalid=True), 404
    if second_factor.needed_at_sign_in(user):
        return _sign_in(user, first_factor="sign_in_link")
    _start_session(user, ["sign_in_link"])
    flash(_("You are logged in."), "success")
    return redirect(_home_for(user))


# --- sign up and verify ------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@limit_sign_ups
@public
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.settings"))
    form = SignupForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        # Mails in the language the person reads the site in, unless they choose another.
        form.locale.data = str(get_locale() or "en")
        return render_template("accounts/signup.html", form=form)
    form_ok = form.validate_on_submit()
    values = {
        "email": form.email.data or "",
        "password": form.password.data or "",
        "name": form.name.data or "",
        "phone": form.phone.data or None,
        "locale": form.locale.data,
    }
    try:
        if form_ok:
            services.sign_up(**values, next_path=safe_next(form.next.data))
        else:  # still show every rule the values break, all at once
            services.check_sign_up(**values)
            return render_template("accounts/signup.html", form=form), INVALID
    except InvalidInput as error:
        show_problems(form, error)
        return render_template("accounts/signup.html", form=form), INVALID
    # The same page whether or not the address already had an account.
    return redirect(url_for("accounts.check_email"))


@bp.get("/check-email")
@public
def check_email():
    return render_template("accounts/check_email.html")


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token: str):
    form = ButtonForm()
    if request.method == "GET":
        # Showing the button changes nothing: link scanners in mail programs only GET.
        return render_template("accounts/verify.html", form=form, invalid=False)
    if not form.validate_on_submit():
        return render_template("accounts/verify.html", form=form, invalid=False), INVALID
    try:
        user = services.verify_email(token)
    except InvalidInput:
        return render_template("accounts/verify.html", form=form, invalid=True), INVALID
    flash(_("Thank you, your email address is confirmed."), "success")
    next_path = safe_next(services.verification_next(token))  # the camp they signed up from
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(next_path or url_for("accounts.settings"))
    session[LOGIN_EMAIL_KEY] = user.email
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("accounts.login", next=next_path))


@bp.route("/resend-verification", methods=["GET", "POST"])
@limit_mail_requests
@public
def resend_verification():
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        status = INVALID if request.method == "POST" else 200
        return render_template("accounts/resend.html", form=form), status
    try:
        services.resend_verification(form.email.data)
    except InvalidInput as error:
        show_problems(form, error)
        return render_template("accounts/resend.html", form=form), INVALID
    return redirect(url_for("accounts.check_email"))


# --- forgotten password ------------------------------------------------------------------


@bp.route("/forgot", methods=["GET", "POST"])
@limit_mail_requests
@public
def forgot():
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        status = INVALID if request.method == "POST" else 200
        return render_template("accounts/forgot.html", form=form), status
    try:
        services.request_password_reset(form.email.data)
    except InvalidInput as error:
        show_problems(form, error)
        return render_template("accounts/forgot.html", form=form), INVALID
    return redirect(url_for("accounts.reset_sent"))


@bp.get("/forgot/sent")
@public
def reset_sent():
    return render_template("accounts/reset_sent.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    form = ResetPasswordForm()
    try:
        link_user = services.password_reset_user(token)
    except InvalidInput:
        return render_template("accounts/reset_invalid.html"), 404
    if request.method == "GET":
        return render_template("accounts/reset.html", form=form)
    if not form.validate_on_submit():
        _show_password_problems(form, form.password, link_user)
        return render_template("accounts/reset.html", form=form), INVALID
    try:
        user = services.reset_password(token, form.password.data)
    except InvalidInput as error:
        if any(p.code == "invalid_token" for p in error.problems):
            return render_template("accounts/reset_invalid.html"), 404
        show_problems(form, error)
        return render_template("accounts/reset.html", form=form), INVALID
    if second_factor.needed_at_sign_in(user):
        flash(_("Your new password is set."), "success")
        return _sign_in(user, first_factor="reset_link")
    _start_session(user, ["reset_link"])
    flash(_("Your new password is set, and you are logged in."), "success")
    return redirect(_home_for(user))


# --- settings ----------------------------------------------------------------------------


@bp.get("/settings")
@signed_in
def settings():
    return render_template("accounts/settings.html", form=ChangePasswordForm(), **_factor_state())


def _factor_state(profile: ProfileForm | None = None) -> dict:
    user = current_user._get_current_object()
    return {
        "factor_enrolled": second_factor.is_enrolled(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "profile_form": profile or profile_form(user),
    }


@bp.post("/profile")
@signed_in
def update_profile():
    form = ProfileForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        values = {"name": form.name.data or "", "phone": form.phone.data or ""}
        values["locale"] = form.locale.data or ""
        try:
            services.update_profile(user, values)
        except InvalidInput as error:
            show_problems(form, error)
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for("accounts.settings"))
    page = render_template(
        "accounts/settings.html", form=ChangePasswordForm(), **_factor_state(form)
    )
    return page, INVALID


@bp.post("/password")
@signed_in
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        _show_password_problems(form, form.new_password, current_user)
        return render_template("accounts/settings.html", form=form, **_factor_state()), INVALID
    user = current_user._get_current_object()
    try:
        services.change_password(user, form.current_password.data, form.new_password.data)
    except InvalidInput as error:
        show_problems(form, error)
        return render_template("accounts/settings.html", form=form, **_factor_state()), INVALID
    # The new auth_version ended every session, this one too: sign this one in again.
    _start_session(user)
    flash(_("Your password is changed. You were logged out on your other devices."), "success")
    return redirect(url_for("accounts.settings"))
