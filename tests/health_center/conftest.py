import pytest
from flask import g


@pytest.fixture
def app_ctx(app):
    """An app context inside a request: service messages are translated for the request's
    locale (camp_app.i18n.select_locale reads the session)."""
    with app.test_request_context("/"):
        yield app


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def fresh_user_per_request(app):
    """Requests share the test's pushed app context and so its g: forget the user cached by
    an earlier request, as a fresh g would."""
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
