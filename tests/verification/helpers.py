"""People, events and registrations for the verification and waitlist tests.

Built on tests/factories and the registration tests' helpers; every helper commits.
"""

import html
import re

from camp_app.extensions import db
from camp_app.roles import Role
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


ROLES = (Role.PARENT, Role.STAFF, Role.COORDINATOR, Role.ADMIN)


def many_registrations(event, count: int, status_for) -> None:
    """`count` single-patient households registered for `event` (rows written directly, for
    long lists): registration n (from 0) gets status_for(n) and sequence n + 1."""
    from datetime import UTC, date, datetime

    from camp_app.families.models import Child, Household
    from camp_app.registrations.models import Registration

    signer = factories.make_user()
    now = datetime.now(UTC)
    signing = factories.signing_for(event.id, signer.household_id, signer)
    for n in range(count):
        household = Household()
        child = Child(
            household=household,
            first_name=f"Kid{n}",
            last_name=f"Many{n:05d}",
            date_of_birth=date(2015, 1, 1),
            relationship="patient",
            diagnosis_category="cancer",
            diagnosis="ALL",
            treated_at_hospital=True,
        )
        db.session.add_all([household, child])
        db.session.flush()
        registration = Registration(
            event_id=event.id,
            child_id=child.id,
            household_id=household.id,
            status=status_for(n),
            sequence=n + 1,
            signature="P",
            signed_at=now,
            signed_by_id=signer.id,
            signing=signing,
        )
        db.session.add(registration)
    event.registration_counter = count
    db.session.commit()
