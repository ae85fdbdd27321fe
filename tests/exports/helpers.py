"""Test data for the exports: an event with cabins and registrations, and a PDF text reader."""

import re
from datetime import UTC, date, datetime

from camp_app.accounts.models import Role, User
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.registrations.models import Registration
from camp_app.roster.models import CampGroup
from tests.factories import make_child, make_contact, make_user

SIGNER_EMAIL = "export-signer@example.org"


def signer() -> User:
    """One parent signs every test registration (hashing a password per child is slow)."""
    user = db.session.scalar(db.select(User).where(User.email == SIGNER_EMAIL))
    return user or make_user((Role.PARENT,), email=SIGNER_EMAIL, name="Sam Signer")


def cabin(event, name: str, capacity: int = 10) -> CampGroup:
    group = CampGroup(event_id=event.id, name=name, capacity=capacity)
    db.session.add(group)
    db.session.commit()
    return group


def registered_child(event, status="confirmed", group=None, contact=True, **child_fields):
    """A new household with one child registered for the event (fixture data, written
    directly: the lifecycle's rules are not what these tests are about)."""
    parent = signer()
    household = Household()
    db.session.add(household)
    db.session.flush()
    if contact:
        make_contact(household, name="Ana Lopez", relationship="aunt", phone="+13055550100")
    child = make_child(household, **child_fields)
    event.registration_counter += 1
    registration = Registration(
        event_id=event.id,
        child_id=child.id,
        household_id=household.id,
        status=status,
        sequence=event.registration_counter,
        consent_medical_treatment=True,
        consent_liability_waiver=True,
        consent_photo_release=True,
        signature=parent.name,
        signed_at=datetime.now(UTC),
        signed_by_id=parent.id,
        group_id=group.id if group else None,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def many_children(event, count: int, group=None) -> None:
    for n in range(count):
        registered_child(
            event,
            group=group,
            first_name=f"Kid{n}",
            last_name=f"Family{n}",
            date_of_birth=date(2015, 1, 1),
            medications=[{"name": "Ibuprofen", "dose": "200 mg", "schedule": "as needed"}],
        )


_TOKENS = re.compile(rb"/F(\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) ?Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    return re.sub(rb"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw, flags=re.S)


def _chars(unicode) -> str:
    return chr(unicode) if isinstance(unicode, int) else "".join(map(chr, unicode))


def pdf_text(document) -> str:
    """The text a laid-out FPDF document draws, in drawing order, one string per text operator.
    Its embedded fonts number characters by glyph: read them back through each font's subset."""
    document.set_compression(False)
    body = bytes(document.output())
    fonts = {}
    for font in document.fonts.values():
        fonts[font.i] = {i: _chars(g.unicode) for g, i in font.subset.items() if g}
    lines, current = [], {}
    for match in _TOKENS.finditer(body):
        if match.group(1):
            current = fonts.get(int(match.group(1)), {})
            continue
        units = _unescape(match.group(2)).decode("utf-16-be", errors="replace")
        lines.append("".join(current.get(ord(u), "?") for u in units))
    return "\n".join(lines)
