"""What every HTML page shares: the signed-in user, security headers, date filters."""

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp_app.access import public
from camp_app.accounts import sessions
from camp_app.branding import LOGO_TYPES, brand
from camp_app.extensions import csrf, login_manager
from camp_app.redirects import safe_next
from camp_app.roles import CAMP_STAFF, MANAGERS, Role

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Verification and reset links carry tokens: never pass a URL on to another site.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}
# Sent only when the site is served over https (BASE_URL): browsers then refuse plain http
# to it for a year, so a network attacker cannot strip TLS from a returning visitor. On http
# the header would be ignored, and it must not pin a development host to https.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


# The signed-in menu: (endpoint, label, roles that see it). Features add their pages here.
NAV = [
    ("families.household", _l("My family"), (Role.PARENT,)),
    ("registrations.mine", _l("My registrations"), (Role.PARENT,)),
    ("events.manage", _l("Manage events"), MANAGERS),
    ("notifications.outbox", _l("Outbox"), MANAGERS),
    ("attendance.index", _l("Attendance"), CAMP_STAFF),
    ("attendance.health_center", _l("Health center"), (Role.NURSE,)),
    ("audit.log", _l("Audit log"), (Role.ADMIN,)),
]


def nav_items() -> dict:
    if not current_user or not current_user.is_authenticated:
        return {"nav_items": []}
    items = []
    for endpoint, label, roles in NAV:
        if current_user.has_role(*roles):
            url = url_for(endpoint)
            items.append({"url": url, "label": label, "current": request.path == url})
    return {"nav_items": items}


def load_user(session_key: str):
    """The user of the live server-side session whose key the cookie carries (see
    accounts.sessions); a session that just timed out says so on the next page."""
    resumed = sessions.resume(session_key)
    if resumed.timed_out:
        # First forget the key: translating the message asks who is signed in.
        session.pop("_user_id", None)
        flash(_("Your session timed out, so you were logged out. Please log in again."), "info")
    return resumed.user


# Answered without the visitor's session: the API signs in by bearer token only, and /healthz
# and /metrics must never set a cookie (resuming may rewrite an old session's cookie).
SESSIONLESS_BLUEPRINTS = frozenset({"api", "ops"})


def resume_session() -> None:
    """Resume the signed-in session before the view runs: resuming may write (noting
    activity, ending a timed-out session) and commit, which must never commit a view's
    half-done work."""
    if request.blueprint in SESSIONLESS_BLUEPRINTS:
        g._login_user = login_manager.anonymous_user()
    elif request.endpoint != "static":
        current_user._get_current_object()


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["BASE_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        # Pages may show medical details; keep them out of shared caches and the back button.
        response.headers["Cache-Control"] = "no-store"
    return response


@public
def set_language(code: str):
    """Exempt from CSRFProtect's check (init_app): an anonymous visitor's pages carry no token,
    so that they set no cookie and can be kept for everyone (camp_app/public_cache.py). All
    another site could make an anonymous visitor do here is switch the language; a signed-in
    user's pages carry the token, and it is checked."""
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
    return redirect(safe_next(request.form.get("next")) or url_for("events.catalog"))


BRAND_CSS = ":root {{ --brand: {color}; }}\n"


@public
def brand_css():
    """The hospital's colour (branding), as a stylesheet: the pages' policy allows no inline
    style."""
    body = BRAND_CSS.format(color=current_app.config["BRAND_PRIMARY_COLOR"])
    response = current_app.response_class(body, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@public
def brand_logo():
    path = current_app.config.get("BRAND_LOGO")
    if not path:
        abort(404)
    suffix = path.rsplit(".", 1)[-1].lower()
    response = send_file(path, mimetype=LOGO_TYPES[f".{suffix}"], max_age=3600)
    # An SVG opened on its own must not run scripts.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def sentence_end(name) -> str:
    """A name that a sentence's full stop follows: "Camp U.O.T.S." ends the sentence itself,
    so the text's own "." would double it."""
    return str(name).removesuffix(".")


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.before_request(resume_session)
    app.after_request(add_security_headers)
    app.context_processor(nav_items)
    app.add_url_rule("/language/<code>", "set_language", set_language, methods=["POST"])
    csrf.exempt(set_language)  # it checks the token itself, for signed-in users
    app.add_url_rule("/brand.css", "brand_css", brand_css)
    app.add_url_rule("/brand-logo", "brand_logo", brand_logo)
    app.jinja_env.globals["brand"] = brand
    app.jinja_env.filters["camp_date"] = lambda d, fmt="medium": format_date(d, fmt)
    app.jinja_env.filters["camp_datetime"] = lambda d, fmt="medium": format_datetime(d, fmt)
    app.jinja_env.filters["sentence_end"] = sentence_end
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["_"] = _
    app.jinja_env.globals["get_locale"] = get_locale
