"""What privacy answers for the layers below it (called once by create_app)."""

from camp_app.notifications.cli import PURGE_OLD_ROWS
from camp_app.privacy.retention import purge_for_worker


def connect() -> None:
    # The mail worker applies the whole retention policy each hour (sign-in rows included).
    PURGE_OLD_ROWS.connect(purge_for_worker)
