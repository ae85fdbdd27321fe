"""A per-process memory of anonymous answers about published events, kept for about a second.

When registration opens, thousands of visitors reload the same event and the catalogue; each
answer costs three round trips to the database (pool ping, event, seat counts) and the request
pipeline. For the second an answer is kept, every visitor of this process gets the same bytes.

Why that stays correct: only anonymous requests are served from it (no Authorization header,
no cookie: a coordinator's view includes unpublished events, a family's is its own), the key
names everything the answer depends on (path and the language Accept-Language chooses: the
messages and the events' texts are in it), and an answer is never older than
PUBLIC_READ_CACHE_SECONDS: a registration closed, an event unpublished or a seat taken shows
at most that late. The seats shown are advisory anyway: the event's lock decides
(events.locking). 0 turns it off (the tests do, so that a change is visible at once).
"""

import time
from collections.abc import Callable

from flask import current_app, request

MAX_ENTRIES = 512  # Accept-Language is the visitor's to choose: bound what they can make us keep


def reader_language() -> str:
    """The language the visitor reads (`Accept-Language`, `es` or `en`), English by default."""
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def _anonymous() -> bool:
    return "Authorization" not in request.headers and "Cookie" not in request.headers


def json_answer(build: Callable[[], bytes]):
    """The JSON answer `build()` makes for this request, from memory when an anonymous visitor
    asked the same within PUBLIC_READ_CACHE_SECONDS."""
    seconds = current_app.config.get("PUBLIC_READ_CACHE_SECONDS", 0)
    if not seconds or not _anonymous():
        return _as_response(build())
    # One memory per app (a test process holds many apps, each on its own database).
    answers: dict[tuple, tuple[float, bytes]] = current_app.extensions.setdefault(
        "public_answers", {}
    )
    # The language chosen, not the header: answers differ by it only (and the header's
    # endless spellings cannot fill the memory).
    key = (request.path, reader_language())
    now = time.monotonic()
    kept = answers.get(key)
    if kept is not None and kept[0] > now:
        return _as_response(kept[1])
    body = build()
    if len(answers) >= MAX_ENTRIES:
        answers.clear()
    answers[key] = (now + seconds, body)
    return _as_response(body)


def _as_response(body: bytes):
    return current_app.response_class(body, mimetype="application/json")
