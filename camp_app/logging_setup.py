"""Keep secrets out of logs: one-time tokens in paths are masked before a line is written."""

import logging
import re
from collections.abc import Mapping

# Also percent-encoded, as in /account/login?next=%2Ffamily%2Finvite%2F<token>.
SECRET_PATH = re.compile(
    r"((?:/|%2F)(?:account(?:/|%2F)(?:verify|reset|sign-in)|family(?:/|%2F)invite)(?:/|%2F))"
    r"[^\s/?\"'&%]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


class RedactedMapping(Mapping):
    """A log record's mapping args, each text value masked as it is read.

    gunicorn's access log passes its atoms as one mapping (`%(h)s %(r)s ...`) whose lookups
    answer "-" for an atom it does not have and ignore the case of header names: reading
    through it, rather than copying it into a plain dict, keeps that behaviour."""

    def __init__(self, values: Mapping):
        self._values = values

    def __getitem__(self, key):
        value = self._values[key]
        return redact(value) if isinstance(value, str) else value

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = RedactedMapping(record.args)
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redaction() -> None:
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "camp_app"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())
