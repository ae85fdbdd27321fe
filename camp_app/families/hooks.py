"""What families answers for the layers below it (called once by create_app)."""

from camp_app.accounts.services import PARENT_ACCOUNT_ADDED
from camp_app.families.models import Household


def _give_household(user) -> None:
    """A new parent's household, added with the account (the caller commits)."""
    user.household = Household()


def connect() -> None:
    PARENT_ACCOUNT_ADDED.connect(_give_household)
