"""The sets of roles that pages and services check, each defined once (Role itself is in
accounts.models)."""

from camp_app.accounts.models import Role

# Run events: create and edit them, review, verification, the waitlist, the roster, cabins,
# messages, exports and the outbox.
MANAGERS = (Role.COORDINATOR, Role.ADMIN)
# Work at camp: the attendance pages (what staff see of a child: registrations/child_views.py).
CAMP_STAFF = (Role.STAFF, Role.NURSE, *MANAGERS)
# The camp's medical staff and those who run events: the health center, all medical details.
HEALTH_CENTER = (Role.NURSE, *MANAGERS)
