"""What accounts answers for the layers below it (called once by create_app)."""

from camp_app.accounts.retention import purge_old_sign_in_records
from camp_app.notifications.cli import PURGE_OLD_ROWS


def connect() -> None:
    PURGE_OLD_ROWS.connect(purge_old_sign_in_records)
