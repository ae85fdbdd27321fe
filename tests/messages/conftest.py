"""Messages tests: a real aiosmtpd server is there for the tests that deliver."""

from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401  (fixtures)
