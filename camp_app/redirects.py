"""Where a page may send the visitor back to after a form (the `next` parameter)."""

import re
from urllib.parse import urlsplit

# Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so "/\t/evil"
# and "/\\evil" both become "//evil": another site. Any control character or space is refused.
UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to, or None: never a redirect to another site, whatever
    the encoding."""
    if not target or UNSAFE_IN_NEXT.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
