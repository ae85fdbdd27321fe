import pytest

from camp_app import create_app
from tests.support import databases
from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def bare_app():
    """An app on an in-memory database without tables: for pure code (any query would fail)."""
    return create_app(databases.test_config("sqlite://"))
