"""What every API view shares: bearer authentication with declared roles, reading the JSON
body, and turning errors into the contract's {"errors": [{code, message, field?}]} bodies.

Each view declares who may use it with exactly one of api_public / api_signed_in /
api_roles(...). Like camp_app.access, the decorators set `view.access`, which a test checks
for every route.
"""

import json
from functools import wraps

from flask import g, jsonify, make_response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from camp_app.access import PUBLIC, SIGNED_IN
from camp_app.accounts import tokens
from camp_app.accounts.models import User
from camp_app.errors import handle_http_error
from camp_app.extensions import db
from camp_app.schemas.validation import validate
from camp_app.service_errors import InvalidInput, Problem, ServiceError
from camp_app.text_rules import text_problem

JSON_TYPES = ("application/json",)


class ApiError(Exception):
    """An error the API answers itself (before any service is called)."""

    def __init__(self, status: int, problems: list[Problem] | Problem, headers=None):
        super().__init__(status)
        self.status = status
        self.problems = problems if isinstance(problems, list) else [problems]
        self.headers = headers or {}


def error_response(status: int, problems: list[Problem], headers=None):
    response = jsonify({"errors": [p.as_dict() for p in problems]})
    response.status_code = status
    response.headers.update(headers or {})
    return response


# --- who is asking ---------------------------------------------------------------------


def current_api_user() -> User | None:
    return g.get("api_user")


def current_api_token():
    """The ApiToken row the request was authenticated with."""
    return g.get("api_token")


def _bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header; "" for another or an empty
    scheme (a bad token); None when the header is absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()


def _unauthorized(missing: bool) -> ApiError:
    if missing:
        message = _("Please sign in: send an Authorization: Bearer <token> header.")
        challenge = 'Bearer realm="api"'
    else:
        message = _("Your sign-in token is not valid or has expired. Please sign in again.")
        challenge = 'Bearer realm="api", error="invalid_token"'
    return ApiError(401, Problem("unauthorized", message), headers={"WWW-Authenticate": challenge})


def _sign_in_from_header(required: bool) -> User | None:
    token = _bearer_token()
    if token is None:
        if required:
            raise _unauthorized(missing=True)
        return None
    row = tokens.use_token(token) if token else None
    if row is None:
        raise _unauthorized(missing=False)
    user = row.user
    g.api_user = user
    g.api_token = row
    # Flask-Login's current user for this request only (no session, no cookie), so that
    # messages are translated into the user's language (see camp_app.i18n).
    g._login_user = user
    return user


def _declare(view, access: tuple, check):
    @wraps(view)
    def wrapped(*args, **kwargs):
        check()
        return view(*args, **kwargs)

    wrapped.access = access
    return wrapped


def api_public(view):
    """Anyone. A token, when sent, must be valid (then current_api_user() is its user)."""
    return _declare(view, PUBLIC, lambda: _sign_in_from_header(required=False))


def api_signed_in(view):
    """Anyone holding a valid token, whatever their roles."""
    return _declare(view, SIGNED_IN, lambda: _sign_in_from_header(required=True))


def api_roles(*roles: str):
    """Token holders with at least one of `roles`; others get 403."""

    def check():
        user = _sign_in_from_header(required=True)
        if not user.has_role(*roles):
            message = _("Your account may not do this.")
            raise ApiError(403, Problem("forbidden", message))

    def decorate(view):
        return _declare(view, tuple(str(r) for r in roles), check)

    return decorate


# --- reading the request ---------------------------------------------------------------


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_body() -> dict:
    """The request body as a JSON object, or a 400 (malformed_json / body_not_object)."""
    if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        message = _("Send the body as JSON, with the header Content-Type: application/json.")
        raise ApiError(400, Problem("malformed_json", message))
    try:
        body = json.loads(request.get_data(cache=True), parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # also bad UTF-8 and absurdly deep nesting
        raise ApiError(400, Problem("malformed_json", _("The body is not valid JSON."))) from None
    if not isinstance(body, dict):
        message = _('The body must be a JSON object, like {"name": "value"}.')
        raise ApiError(400, Problem("body_not_object", message))
    _refuse_unstorable_text(body)
    return body


def _refuse_unstorable_text(body: dict) -> None:
    """The text rule (camp_app.text_rules) for every string in the body, keys included: NUL,
    which PostgreSQL cannot store, lone surrogates (which JSON escapes allow but UTF-8 cannot
    encode) and other control characters. A loop, not recursion: the body may be deeply nested.
    The problem names where the text is, as the services name fields: medications[0].name."""
    pending: list[tuple[str, object]] = [(key, key) for key in body]
    pending += [(key, value) for key, value in body.items()]
    while pending:
        field, value = pending.pop()
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            named = field if text_problem(field) is None else None
            raise InvalidInput(Problem("invalid_text", problem, named))
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{field}.{key}" if isinstance(key, str) else field
                pending += [(field, key), (inner, item)]
        elif isinstance(value, list):
            pending += [(f"{field}[{index}]", item) for index, item in enumerate(value)]


def read_body(model) -> dict:
    """The JSON body checked against its declared schema (camp_app.schemas): clean values, or
    400 for a malformed body and 422 naming every problem."""
    return validate(model, json_body())


# --- answers ---------------------------------------------------------------------------


def handle_service_error(error: ServiceError):
    db.session.rollback()  # nothing half-done stays in the session
    return error_response(error.status, error.problems)


def handle_api_error(error: ApiError):
    db.session.rollback()
    return error_response(error.status, error.problems, error.headers)


def handle_http_exception(error: HTTPException):
    """Keep the contract's error body and the exception's own headers (Allow, Retry-After)."""
    response = make_response(handle_http_error(error))
    source = error.response.headers.items() if error.response is not None else error.get_headers()
    for name, value in source:
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def no_store(response):
    """Answers carry medical details and tokens: never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_blueprint(bp) -> None:
    bp.register_error_handler(ServiceError, handle_service_error)
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.after_request(no_store)
