"""Password hashing (scrypt through Werkzeug) and the password rules: long enough, not too
long, not the person's name or email, and not easy to guess (the zxcvbn strength estimator,
which ships its lists of common passwords, words and names: no network needed)."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

WEAK = "password_too_weak"
TOO_LONG = "password_too_long"


@cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, so the answer takes the same time."""
    return generate_password_hash("not-a-real-password", method=method)


def hash_password(password: str) -> str:
    # Each hash records its own parameters, so changing the method never locks anyone out.
    return generate_password_hash(password, method=_method())


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)


# --- the password rules ------------------------------------------------------------------

# zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses or more), the level its
# authors suggest as the least to accept. Below it, a password falls to the first lists and
# patterns an attacker tries.
MIN_STRENGTH_SCORE = 3
# The estimator's cost grows fast with length (its l33t pass on symbol-heavy input): the first
# 32 characters take at most about one scrypt hash, and a password whose first 32 characters
# are strong is strong. Measured in tests/accounts/test_password_strength.py.
ESTIMATED_LENGTH = 32
MAX_LENGTH = 256
# A piece of the name or email this long is refused anywhere in the password; a shorter one
# (a three-letter name) only as a word of its own, so "Ana" does not refuse "banana".
PERSONAL_PIECE_ANYWHERE = 4
PERSONAL_PIECE_MIN = 3

# The estimator's pattern names (zxcvbn's match "pattern", its dictionary names) that decide
# which reason is given, keyed to our own translated texts.
_NAME_DICTIONARIES = {"surnames", "male_names", "female_names"}


@dataclass(frozen=True)
class PasswordRefusal:
    code: str  # password_too_weak or password_too_long (the API's error codes)
    message: str


def password_problem(password: str, personal: Iterable[str | None] = ()) -> PasswordRefusal | None:
    """Why `password` may not be chosen, or None. `personal` holds the person's email address
    and name, which the password must not contain.

    The one rule for sign-up, reset, change, `flask users create` and the API."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return PasswordRefusal(WEAK, _("Use at least %(n)d characters.", n=minimum))
    if len(password) > MAX_LENGTH:
        return PasswordRefusal(TOO_LONG, _("Use at most %(n)d characters.", n=MAX_LENGTH))
    if _contains_personal(password, personal):
        return PasswordRefusal(WEAK, _("Do not use your name or email address in your password."))
    reason = _guessable_reason(password[:ESTIMATED_LENGTH])
    if reason is None:
        return None
    suggestion = _("Try a few unrelated words, like a short sentence only you would think of.")
    return PasswordRefusal(WEAK, f"{reason} {suggestion}")


def _guessable_reason(password: str) -> str | None:
    """Why the strength estimator finds `password` easy to guess, or None if it does not."""
    from zxcvbn import zxcvbn  # 60 ms and 12 MB to load: only processes that check passwords

    estimate = zxcvbn(password, max_length=ESTIMATED_LENGTH)
    if estimate["score"] >= MIN_STRENGTH_SCORE:
        return None
    patterns = [m for m in estimate["sequence"] if m["pattern"] != "bruteforce"]
    if not patterns:
        return _("This password is too easy to guess.")
    # The longest guessable piece is the one that gives the password away.
    worst = max(patterns, key=lambda match: len(match["token"]))
    return _reason_for(worst)


def _reason_for(match: dict) -> str:
    pattern = match["pattern"]
    if pattern == "dictionary" and match["dictionary_name"] == "passwords":
        return _("This password is too common.")
    if pattern == "dictionary" and match["dictionary_name"] in _NAME_DICTIONARIES:
        return _("This password is too easy to guess: it is built on a common name.")
    if pattern == "dictionary":
        return _("This password is too easy to guess: it is built on a common word.")
    if pattern in ("repeat", "sequence"):
        return _(
            "This password is too easy to guess: avoid repeated characters and sequences "
            'such as "aaaa" or "1234".'
        )
    if pattern == "spatial":
        return _('This password is too easy to guess: avoid keyboard patterns such as "qwerty".')
    if pattern in ("date", "regex"):  # zxcvbn's only regex is "recent year"
        return _("This password is too easy to guess: avoid dates and years.")
    return _("This password is too easy to guess.")


def _fold(text: str) -> str:
    """Lower case without accents, so "Martínez" and "MARTINEZ" are the same piece."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _personal_pieces(personal: Iterable[str | None]) -> set[str]:
    """The whole email, its part before the @ and that part's words; the whole name (spaces
    left out) and its words. Not the domain: "gmail" in a password is no personal detail."""
    pieces: set[str] = set()
    for value in personal:
        folded = _fold(value or "").strip()
        if not folded:
            continue
        if "@" in folded:
            local = folded.rsplit("@", 1)[0]
            pieces |= {folded, local, *_WORD_SEPARATORS.split(local)}
        else:
            pieces |= {"".join(folded.split()), *_WORD_SEPARATORS.split(folded)}
    return {piece for piece in pieces if len(piece) >= PERSONAL_PIECE_MIN}


_WORD_SEPARATORS = re.compile(r"[\W_\d]+")


def _contains_personal(password: str, personal: Iterable[str | None]) -> bool:
    folded = _fold(password)
    for piece in _personal_pieces(personal):
        if len(piece) >= PERSONAL_PIECE_ANYWHERE:
            if piece in folded:
                return True
        elif re.search(rf"(?<![^\W\d_]){re.escape(piece)}(?![^\W\d_])", folded):
            return True
    return False
