"""Setting up data outside any client request, for page tests that keep each request in its own
app context (Flask-Login caches the signed-in user in `g`, which a shared app context would
carry from one person's request to the next)."""

from contextlib import contextmanager
from types import SimpleNamespace

from camp_app.extensions import db
from camp_app.roles import Role
from tests.factories import login, make_user


@contextmanager
def data(app):
    """Set up or inspect data outside any client request."""
    with app.app_context():
        yield db.session
        db.session.remove()


def person(app, roles=(Role.PARENT,), **kwargs) -> SimpleNamespace:
    """A user as plain values, usable after its session is gone."""
    with data(app):
        user = make_user(roles, **kwargs)
        return SimpleNamespace(
            id=user.id, email=user.email, name=user.name, household_id=user.household_id
        )


def sign_in(client, user) -> None:
    assert login(client, user).status_code == 302, "signing in through the login form failed"
