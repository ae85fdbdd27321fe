"""Error pages for people and JSON errors for the API: never a traceback."""

import traceback
from os import sep

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from camp_app.request_checks import request_id

API_PREFIX = "/api/"

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "server_error",
}


def api_error(status: int, code: str, message: str, field: str | None = None):
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return jsonify({"errors": [error]}), status


def _message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        413: _("That upload is too large."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on our side. Nothing was changed; please try again."),
    }
    return messages.get(status, _("Something went wrong."))


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if request.path.startswith(API_PREFIX):
        return api_error(status, HTTP_CODES.get(status, "error"), _message(status))
    page = render_template(
        "errors.html", status=status, message=_message(status), request_id=request_id()
    )
    return page, status


def handle_csrf_error(error: CSRFError):
    message = _("Your form expired. Please go back, reload the page and try again.")
    return render_template("errors.html", status=400, message=message), 400


def _where(error: BaseException) -> str:
    """The innermost line of our own code the error passed through: code, never data."""
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if f"{sep}camp_app{sep}" in f.filename
    ]
    if not frames:
        return "outside camp_app"
    frame = frames[-1]
    return f"{frame.filename.rpartition(f'{sep}camp_app{sep}')[2]}:{frame.lineno} in {frame.name}"


def _causes(error: BaseException) -> str:
    """The exception's type and the types it arose from, e.g. IntegrityError < UniqueViolation."""
    names, seen = [], set()
    while error is not None and id(error) not in seen and len(names) < 5:
        seen.add(id(error))
        names.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    return " < ".join(names)


def handle_unexpected(error: Exception):
    """Log that it happened and where, never what was sent: an exception's message and its
    traceback text can carry every submitted value (a database error quotes the whole row),
    so only the request id, the method, the endpoint and the exception's type are written."""
    from camp_app.extensions import db

    db.session.rollback()
    current_app.logger.error(
        "Unexpected error, request %s: %s %s raised %s at %s",
        request_id(),
        request.method,
        request.endpoint or "(no route)",
        _causes(error),
        _where(error),
    )
    try:
        return handle_http_error(InternalServerError())
    except Exception:  # the error page itself failed (the database is gone, say)
        db.session.rollback()
        body = f"Something went wrong on our side. Reference: {request_id()}"
        return body, 500, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
