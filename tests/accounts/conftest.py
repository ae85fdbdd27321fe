import pytest
from flask import g


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def fresh_user_per_request(app):
    """In production every request has its own flask.g. With the app_ctx fixture the test's app
    context stays pushed and requests share its g, so Flask-Login would reuse the user cached
    by an earlier request (of any test client). Forget it, as a fresh g would."""
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
