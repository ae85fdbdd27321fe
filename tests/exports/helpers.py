"""Test data for the exports: an event with cabins and registrations, and a PDF text reader."""

import re
from datetime import date

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.roster.models import CampGroup
from tests.factories import make_child, make_contact, make_group, make_registration, shared_parent

SIGNER_EMAIL = "export-signer@example.org"


def signer() -> User:
    """One parent signs every test registration (hashing a password per child is slow)."""
    return shared_parent(SIGNER_EMAIL)


def cabin(event, name: str, capacity: int = 10) -> CampGroup:
    return make_group(event, name, capacity)


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
    return make_registration(
        event,
        child,
        parent,
        status,
        consent_photo_release=True,
        group_id=group.id if group else None,
    )


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
