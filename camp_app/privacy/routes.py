"""The family's own copy (JSON, PDF) and closing an account. Thin: privacy's services do it."""

import json
from datetime import date

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from camp_app.access import public, roles_required
from camp_app.accounts.forms import show_problems
from camp_app.downloads import download
from camp_app.privacy import closure, export
from camp_app.privacy.export_pdf import family_pdf
from camp_app.privacy.forms import CloseAccountForm
from camp_app.roles import Role
from camp_app.service_errors import ServiceError

bp = Blueprint("privacy", __name__)

INVALID = 422
CLOSED_KEY = "account_closed"  # what the "closed" page says, kept in the fresh cookie


def _me():
    return current_user._get_current_object()


@bp.get("/family/export.json")
@roles_required(Role.PARENT)
def export_json():
    data = export.family_export(_me(), "json")
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return download(body, "application/json", export.export_filename("json"))


@bp.get("/family/export.pdf")
@roles_required(Role.PARENT)
def export_pdf():
    body = family_pdf(export.family_export(_me(), "pdf"))
    return download(body, "application/pdf", export.export_filename("pdf"))


def _close_page(form: CloseAccountForm, status: int = 200):
    page = render_template(
        "privacy/close_account.html", form=form, **closure.closure_preview(_me())
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/account/close")
@roles_required(Role.PARENT)
def close_account():
    return _close_page(CloseAccountForm())


@bp.post("/account/close")
@roles_required(Role.PARENT)
def close_account_post():
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _close_page(form, INVALID)
    try:
        done = closure.close_account(_me(), form.password.data)
    except ServiceError as error:
        show_problems(form, error)
        return _close_page(form, INVALID)
    logout_user()  # the session row is already ended (closure ends every one)
    session.clear()
    session[CLOSED_KEY] = {
        "household_closed": done.household_closed,
        "cancelled": done.cancelled,
        "kept_until": done.kept_until.isoformat() if done.kept_until else None,
    }
    return redirect(url_for("privacy.account_closed"))


@bp.get("/account/closed")
@public
def account_closed():
    summary = session.get(CLOSED_KEY)
    if summary is None:
        return redirect(url_for("events.catalog"))
    kept_until = summary.get("kept_until")
    return render_template(
        "privacy/account_closed.html",
        household_closed=summary.get("household_closed"),
        cancelled=summary.get("cancelled") or [],
        kept_until=date.fromisoformat(kept_until) if kept_until else None,
    )
