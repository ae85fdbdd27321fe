"""Household rules: children and their medical details, contacts, guardians and invitations.

Called by the HTML pages (routes.py) and the JSON API alike. Each public function is one unit
of work and commits at its end; bad input raises camp_app.service_errors (nothing changed).
A parent reaches only their own household: anything else is NotFound, never "forbidden".

The rules live in household.py (lookups, GET /family), children.py, contacts.py and
invites.py; this module gathers them so callers keep one import.
"""

from camp_app.families.children import CHILD_SCALARS, add_child, remove_child, update_child
from camp_app.families.contacts import CONTACT_SCALARS, add_contact, remove_contact, update_contact
from camp_app.families.household import (
    child_of,
    contact_of,
    family_summary,
    household_of,
    load_family,
)
from camp_app.families.invites import (
    INVITE_TTL,
    MAX_INVITES_PER_DAY,
    accept_invite,
    find_invite,
    hash_token,
    invite_for,
    invite_guardian,
    pending_invites,
    revoke_invite,
)
from camp_app.families.models import ContactKind

__all__ = [
    "CHILD_SCALARS",
    "CONTACT_SCALARS",
    "INVITE_TTL",
    "MAX_INVITES_PER_DAY",
    "ContactKind",
    "accept_invite",
    "add_child",
    "add_contact",
    "child_of",
    "contact_of",
    "family_summary",
    "find_invite",
    "hash_token",
    "household_of",
    "invite_for",
    "invite_guardian",
    "load_family",
    "pending_invites",
    "remove_child",
    "remove_contact",
    "revoke_invite",
    "update_child",
    "update_contact",
]
