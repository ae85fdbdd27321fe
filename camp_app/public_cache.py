"""A per-process memory of anonymous answers about published events, kept for about a second:
the API's JSON (json_answer) and the catalogue and event pages (kept_for_anonymous_visitors).

When registration opens, thousands of visitors reload the same event and the catalogue; each
answer costs three round trips to the database (pool ping, event, seat counts), the request
pipeline and, for a page, rendering its template. For the second an answer is kept, every
visitor of this process gets the same bytes.

Why that stays correct: only anonymous GET requests are served from it (no Authorization
header, no cookie: a coordinator's view includes unpublished events, a family's is its own),
the key names everything the answer depends on (path, and for a page its query string, which
the language switch sends back; and the language Accept-Language chooses: the messages and the
events' texts are in it), and an answer is never older than PUBLIC_READ_CACHE_SECONDS: a
registration closed, an event unpublished or a seat taken shows at most that late. The seats
shown are advisory anyway: the event's lock decides (events.locking). 0 turns it off (the
tests do, so that a change is visible at once).

Only a 200 answer is kept, and only when it is the same for every anonymous visitor: never one
that wrote to the session or set a cookie (a page that flashed a message or drew a CSRF token
is this visitor's own). Only the view's body and headers are kept: the after_request hooks
(security headers, Cache-Control, request id) run again on every answer served from memory.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from time import monotonic

from flask import Response, current_app, request, session

from camp_app.i18n import header_language

MAX_ENTRIES = 512  # Accept-Language and query strings are the visitor's: bound what we keep


@dataclass(frozen=True)
class _Kept:
    until: float  # monotonic()
    body: bytes
    headers: tuple[tuple[str, str], ...]  # the view's own (Content-Type), without the length


def _may_be_kept() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "Authorization" not in request.headers
        and "Cookie" not in request.headers
    )


def _same_for_everyone(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
    )


def _answer(path: str, respond: Callable[[], Response]) -> Response:
    """`respond()`'s answer to this request, from memory when an anonymous visitor asked for
    `path` in the same language within PUBLIC_READ_CACHE_SECONDS."""
    seconds = current_app.config.get("PUBLIC_READ_CACHE_SECONDS", 0)
    if not seconds or not _may_be_kept():
        return respond()
    # One memory per app (a test process holds many apps, each on its own database).
    answers: dict[tuple[str, str], _Kept] = current_app.extensions.setdefault("public_answers", {})
    # The language chosen, not the header: answers differ by it only (and the header's
    # endless spellings cannot fill the memory).
    # Without a cookie the pages' language is the header's too (i18n.select_locale).
    key = (path, header_language())
    now = monotonic()
    kept = answers.get(key)
    if kept is not None and kept.until > now:
        # A new response each time: the after_request hooks add their headers to it.
        return current_app.response_class(kept.body, headers=list(kept.headers))
    response = respond()
    if _same_for_everyone(response):
        if len(answers) >= MAX_ENTRIES:
            answers.clear()
        headers = tuple(
            (name, value) for name, value in response.headers if name.lower() != "content-length"
        )
        answers[key] = _Kept(now + seconds, response.get_data(), headers)
    return response


def json_answer(build: Callable[[], bytes]) -> Response:
    """The JSON answer `build()` makes for this request, from memory when an anonymous visitor
    asked the same within PUBLIC_READ_CACHE_SECONDS. The query string is not read: ignored."""
    return _answer(
        request.path,
        lambda: current_app.response_class(build(), mimetype="application/json"),
    )


def kept_for_anonymous_visitors(view):
    """A page view whose answer to anonymous visitors is kept PUBLIC_READ_CACHE_SECONDS (per
    path with its query string, and language). Its template must then draw no CSRF token
    for them: that writes the session, and such a page is never kept."""

    @wraps(view)
    def page(*args, **kwargs):
        return _answer(request.full_path, lambda: current_app.make_response(view(*args, **kwargs)))

    return page
