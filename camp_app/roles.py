"""Who someone is to the camp (Role), and the sets of roles that pages and services check,
each defined once. Core: every feature and the page shell use them, so they import no feature."""

from enum import StrEnum


class Role(StrEnum):
    PARENT = "parent"
    COORDINATOR = "coordinator"
    STAFF = "staff"  # counselors and check-in staff at camp
    NURSE = "nurse"  # the camp's medical staff: the health center
    ADMIN = "admin"


# Run events: create and edit them, review, verification, the waitlist, the roster, cabins,
# messages, exports and the outbox.
MANAGERS = (Role.COORDINATOR, Role.ADMIN)
# Work at camp: the attendance pages (what staff see of a child: registrations/child_views.py).
CAMP_STAFF = (Role.STAFF, Role.NURSE, *MANAGERS)
# Sign in with a second factor (an authenticator app), always: they see children's medical
# details. Parents may turn it on (accounts.second_factor).
SECOND_FACTOR_REQUIRED = (Role.COORDINATOR, Role.STAFF, Role.NURSE, Role.ADMIN)
# The camp's medical staff and those who run events: the health center, all medical details.
HEALTH_CENTER = (Role.NURSE, *MANAGERS)
