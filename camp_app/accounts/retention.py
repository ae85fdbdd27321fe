"""Old sign-in rows go: sessions long over, attempts past their keeping time, used or expired
sign-in links. The mail worker runs this (notifications.cli), so no table grows forever."""

from camp_app.accounts import sessions, sign_in_attempts, sign_in_links


def purge_old_sign_in_records() -> int:
    """Delete them (each table in its own short transaction); returns how many rows went."""
    return sessions.purge_old() + sign_in_attempts.purge_old() + sign_in_links.purge_old()
