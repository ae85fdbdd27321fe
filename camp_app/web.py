"""What every HTML page shares: the signed-in user, security headers, date filters."""

from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp_app.accounts.access import public
from camp_app.accounts.models import Role
from camp_app.accounts.roles import CAMP_STAFF, MANAGERS
from camp_app.extensions import db, login_manager

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Verification and reset links carry tokens: never pass a URL on to another site.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}


# The signed-in menu: (endpoint, label, roles that see it). Features add their pages here.
NAV = [
    ("families.household", _l("My family"), (Role.PARENT,)),
    ("registrations.mine", _l("My registrations"), (Role.PARENT,)),
    ("events.manage", _l("Manage events"), MANAGERS),
    ("notifications.outbox", _l("Outbox"), MANAGERS),
    ("attendance.index", _l("Attendance"), CAMP_STAFF),
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


def load_user(session_id: str):
    from camp_app.accounts.models import User

    user_id, _sep, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.auth_version != int(version) or not user.active:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """A local path to return to, or None: never an open redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        # Pages may show medical details; keep them out of shared caches and the back button.
        response.headers["Cache-Control"] = "no-store"
    return response


@public
def set_language(code: str):

    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
    return redirect(safe_next(request.form.get("next")) or url_for("events.catalog"))


def sentence_end(name) -> str:
    """A name that a sentence's full stop follows: "Camp U.O.T.S." ends the sentence itself,
    so the text's own "." would double it."""
    return str(name).removesuffix(".")


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.after_request(add_security_headers)
    app.context_processor(nav_items)
    app.add_url_rule("/language/<code>", "set_language", set_language, methods=["POST"])
    app.jinja_env.filters["camp_date"] = lambda d, fmt="medium": format_date(d, fmt)
    app.jinja_env.filters["camp_datetime"] = lambda d, fmt="medium": format_datetime(d, fmt)
    app.jinja_env.filters["sentence_end"] = sentence_end
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["_"] = _
    app.jinja_env.globals["get_locale"] = get_locale
