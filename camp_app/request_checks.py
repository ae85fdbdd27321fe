"""What every request goes through before a view sees it, and the id it is known by.

- A path part or query argument that breaks the text rule (camp_app.text_rules) never reaches a
  view or the database: a path answers 404 (no record can have such a name), a query 400.
- A whole number in a path (`<int:...>`) has at most the range of the database's 32-bit
  integers: a larger one names no record, so routing answers 404.
- Each request gets an id of our own (a client's X-Request-ID is not trusted: it could be
  anything, including what we keep out of the log). The answer carries it in X-Request-ID and
  the error page shows it, so a family can quote it; the log of an unexpected error names it.
"""

import secrets

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from camp_app.text_rules import has_forbidden_characters

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = "camp_app.request_id"  # in the WSGI environ: strictly one per request
MAX_DB_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` bounded by the database's integer columns unless a route says otherwise."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):
        max = MAX_DB_INT if max is None else max
        min = -MAX_DB_INT - 1 if signed and min is None else min
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


MAX_PAGE = 10**6 - 1


def page_arg(name: str = "page") -> int:
    """The page a link asks for: 1 for anything that is not a whole number from 1 to MAX_PAGE
    (a larger one would overflow the database's OFFSET)."""
    text = request.args.get(name, "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PAGE else 1


def request_id() -> str:
    """This request's id, made on first use (also for errors raised before any view ran)."""
    return request.environ.setdefault(_REQUEST_ID_KEY, secrets.token_hex(8))


def refuse_forbidden_url_text() -> None:
    view_args = request.view_args or {}
    if any(isinstance(v, str) and has_forbidden_characters(v) for v in view_args.values()):
        abort(404)
    for key, value in request.args.items(multi=True):
        if has_forbidden_characters(key) or has_forbidden_characters(value):
            abort(400)


def add_request_id_header(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    """Call before any route is added: converters are looked up when a rule is added."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(refuse_forbidden_url_text)
    app.after_request(add_request_id_header)
