"""Error pages for people and JSON errors for the API: never a traceback."""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    return render_template("errors.html", status=status, message=_message(status)), status


def handle_csrf_error(error: CSRFError):
    message = _("Your form expired. Please go back, reload the page and try again.")
    return render_template("errors.html", status=400, message=message), 400


def handle_unexpected(error: Exception):
    from camp_app.extensions import db
    from camp_app.logging_setup import redact

    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, redact(request.path))
    return handle_http_error(InternalServerError())


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
