"""Error pages for people and JSON errors for the API: never a traceback."""

import contextlib
import traceback
from os import sep

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError
from werkzeug.exceptions import NotFound as PageNotFound

from camp_app import service_errors
from camp_app.extensions import db, login_manager
from camp_app.logging_setup import redact
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
        body, status = api_error(status, HTTP_CODES.get(status, "error"), _message(status))
        # Keep the exception's own headers (Allow on a 405, also when routing raised it
        # before the API blueprint's handler could, e.g. for TRACE).
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                body.headers[name] = value
        return body, status
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


# --- the database is down: 503 with Retry-After, not 500 ----------------------------------

RETRY_AFTER_SECONDS = 5
# SQLite reports a missing table or a syntax error as OperationalError too: only these result
# codes (Python 3.11's sqlite_errorname) mean the file cannot be used right now.
SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")
CONNECTION_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


def database_unavailable(error: Exception) -> bool:
    """Whether `error` says the database cannot be reached or used now (the server is down or
    restarting, a connection was cut, SQLite's file is locked), rather than that the code
    asked for something wrong, which stays a 500."""
    if isinstance(error, sa_exc.DisconnectionError):
        return True
    if not isinstance(error, sa_exc.DBAPIError) or not isinstance(error, CONNECTION_ERRORS):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if type(original).__module__.startswith("sqlite3"):
        name = getattr(original, "sqlite_errorname", "")
        return isinstance(error, sa_exc.OperationalError) and name.startswith(SQLITE_UNAVAILABLE)
    # PostgreSQL (psycopg): a wrong query is ProgrammingError, DataError or IntegrityError;
    # OperationalError and InterfaceError are the server or the connection.
    return True


def handle_database_unavailable(error: Exception):

    if not database_unavailable(error):
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return handle_unexpected(error)
    with contextlib.suppress(sa_exc.SQLAlchemyError):
        db.session.rollback()  # may fail too: the connection is gone; the pool replaces it
    # The type only: a driver's message can carry the server's address or the statement.
    original = getattr(error, "orig", None)
    current_app.logger.warning(
        "Database unavailable (%s%s) on %s %s",
        type(error).__name__,
        f": {type(original).__name__}" if original is not None else "",
        request.method,
        redact(request.path),
    )
    # The page must not ask the database again: the visitor is anonymous for this answer
    # (Flask-Login keeps the request's user in g._login_user).
    g._login_user = login_manager.anonymous_user()
    message = _("The site is briefly unavailable. Please try again in a few seconds.")
    if request.path.startswith(API_PREFIX):
        response, status = api_error(503, "service_unavailable", message)
    else:
        response = make_response(render_template("errors.html", status=503, message=message))
        status = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status


def handle_service_not_found(error: service_errors.NotFound):
    """A service's NotFound that no page caught: the plain 404 page, also for another family's
    record (never saying which). The API blueprint answers its own with the JSON body."""
    return _service_refusal_page(PageNotFound())


def handle_service_not_allowed(error: service_errors.NotAllowed):
    """A service's NotAllowed that no page caught: the plain 403 page."""
    return _service_refusal_page(Forbidden())


def _service_refusal_page(page_error: HTTPException):

    db.session.rollback()  # nothing the refused request began stays in the session
    return handle_http_error(page_error)


def register_error_handlers(app) -> None:
    for error_class in CONNECTION_ERRORS:
        app.register_error_handler(error_class, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(service_errors.NotFound, handle_service_not_found)
    app.register_error_handler(service_errors.NotAllowed, handle_service_not_allowed)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
