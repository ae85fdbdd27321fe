"""The sets of roles that pages and services check, each defined once (Role itself is in
accounts.models)."""

from camp_app.accounts.models import Role

# Run events: create and edit them, review, verification, the waitlist, the roster, cabins,
# messages, exports and the outbox.
MANAGERS = (Role.COORDINATOR, Role.ADMIN)
# Work at camp: the attendance pages.
CAMP_STAFF = (Role.STAFF, *MANAGERS)
# Sign in with a second factor (an authenticator app), always: they see children's medical
# details. Parents may turn it on (accounts.second_factor).
SECOND_FACTOR_REQUIRED = (Role.COORDINATOR, Role.STAFF, Role.NURSE, Role.ADMIN)
