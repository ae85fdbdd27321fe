"""The one rule for every piece of text a person or a client sends us.

PostgreSQL cannot store a NUL byte, a lone UTF-16 surrogate cannot be encoded, and other control
characters have no business in a name or a note (they hide text in logs and exports). Every form
field and every JSON string goes through text_problem(); a field that fails it gets its normal
error and nothing is stored.
"""

import re

from flask_babel import lazy_gettext as _l

# C0 controls except tab, line feed and carriage return; DEL; lone surrogates.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

FORBIDDEN_MESSAGE = _l("This contains characters that are not allowed. Please retype it.")


def has_forbidden_characters(value: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(value) is not None


def text_problem(value: str) -> str | None:
    """Why this text is refused, or None when it may be stored."""
    if has_forbidden_characters(value):
        return str(FORBIDDEN_MESSAGE)
    return None
