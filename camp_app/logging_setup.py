"""Keep secrets out of logs: one-time tokens in paths are masked before a line is written."""

import logging
import re

# Also percent-encoded, as in /account/login?next=%2Ffamily%2Finvite%2F<token>.
SECRET_PATH = re.compile(
    r"((?:/|%2F)(?:account(?:/|%2F)(?:verify|reset|sign-in)|family(?:/|%2F)invite)(?:/|%2F))"
    r"[^\s/?\"'&%]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redaction() -> None:
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "camp_app"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())
