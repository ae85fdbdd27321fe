"""Test data for cabins and groups: a camp, children with registrations, groups."""

from datetime import UTC, date, datetime
from itertools import count

from sqlalchemy import event as sa_event

from camp_app.accounts.models import Role, User
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.registrations.models import Registration
from camp_app.roster.models import CampGroup
from tests.factories import make_child, make_event, make_user

FIRST_DAY = date(2027, 6, 14)  # make_event's default start: ages are counted on this day
SIGNER_EMAIL = "cabin-signer@example.org"
_serial = count(1)


def camp(kind="overnight_camp", **fields):
    return make_event(kind=kind, starts_on=FIRST_DAY, ends_on=date(2027, 6, 19), **fields)


def born_for_age(age: int) -> date:
    """A birthday that makes the child `age` on the camp's first day."""
    return date(FIRST_DAY.year - age, 1, 15)


def _signer() -> User:
    user = db.session.scalar(db.select(User).where(User.email == SIGNER_EMAIL))
    return user or make_user((Role.PARENT,), email=SIGNER_EMAIL, name="Sam Signer")


def registered(event, first="Maya", last="Lopez", age=9, gender="", status="confirmed"):
    """A child of a new household with a registration for `event` (committed)."""
    household = Household()
    db.session.add(household)
    child = make_child(
        household, first_name=first, last_name=last, date_of_birth=born_for_age(age), gender=gender
    )
    signer = _signer()
    event.registration_counter += 1
    registration = Registration(
        event_id=event.id,
        child_id=child.id,
        household_id=household.id,
        status=status,
        sequence=event.registration_counter,
        consent_medical_treatment=True,
        consent_liability_waiver=True,
        signature=signer.name,
        signed_at=datetime.now(UTC),
        signed_by_id=signer.id,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def many_registered(event, number: int, **fields) -> list[Registration]:
    return [registered(event, first=f"Kid{next(_serial)}", **fields) for _ in range(number)]


def group(event, name="Bears", capacity=8, min_age=None, max_age=None, gender="", members=()):
    made = CampGroup(
        event_id=event.id,
        name=name,
        capacity=capacity,
        min_age=min_age,
        max_age=max_age,
        gender=gender,
    )
    db.session.add(made)
    db.session.flush()
    for registration in members:
        registration.group_id = made.id
    db.session.commit()
    return made


def coordinator(role=Role.COORDINATOR) -> User:
    return make_user((role,), name=f"{role.value.title()} {next(_serial)}")


def group_id_of(registration_id: int) -> int | None:
    return db.session.scalar(
        db.select(Registration.group_id).where(Registration.id == registration_id)
    )


def audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


class CountedQueries:
    """Counts the SQL statements run inside the `with` block."""

    def __enter__(self):
        self.statements: list[str] = []
        sa_event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def _count(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    def __exit__(self, *exc):
        sa_event.remove(db.engine, "before_cursor_execute", self._count)

    def __len__(self) -> int:
        return len(self.statements)
