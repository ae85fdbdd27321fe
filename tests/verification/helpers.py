"""People, events and registrations for the verification and waitlist tests.

Built on tests/factories and the registration tests' helpers; every helper commits.
"""

import html
import re
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from camp_app.accounts.models import Role
from camp_app.extensions import db
from tests import factories
from tests.registrations.helpers import (  # noqa: F401  (shared with this folder's tests)
    fill,
    mails_to,
    make_family,
    register,
)


def make_person(role: str):
    """A user holding only `role` (a parent gets a household)."""
    return factories.make_user((role,), name=f"A {role}", household=role == Role.PARENT)


def sign_in(client, user) -> None:
    response = factories.login(client, user)
    assert response.status_code == 302, "signing in failed"


def text_of(response) -> str:
    """The page as words: tags dropped, entities decoded, spaces collapsed."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return html.unescape(re.sub(r" ([:.,)])", r"\1", words))


def flashes(response) -> str:
    """The flash messages a redirected page shows."""
    found = re.findall(r'<p class="flash flash-(\w+)">(.*?)</p>', response.get_data(as_text=True))
    return " ".join(f"[{kind}] {html.unescape(text)}" for kind, text in found)


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def queries_for(client, path: str) -> int:
    db.session.expire_all()
    with counted_queries() as statements:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200
    return len(statements)


ROLES = (Role.PARENT, Role.STAFF, Role.COORDINATOR, Role.ADMIN)
