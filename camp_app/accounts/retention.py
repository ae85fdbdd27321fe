"""Old sign-in rows go: sessions long over, attempts past their keeping time, used or expired
sign-in links. The retention policy (privacy.retention, run by the mail worker and by
`flask privacy purge`) applies them with the rest, so no table grows forever."""

from camp_app.accounts import sessions, sign_in_attempts, sign_in_links
from camp_app.accounts.models import SignInAttempt, SignInLink, UserSession

# name -> (model, which rows are old (a condition), delete them (commits, returns how many))
SIGN_IN_RECORDS = {
    "sessions": (UserSession, sessions.old_rows, sessions.purge_old),
    "sign_in_attempts": (SignInAttempt, sign_in_attempts.old_rows, sign_in_attempts.purge_old),
    "sign_in_links": (SignInLink, sign_in_links.old_rows, sign_in_links.purge_old),
}


def purge_old_sign_in_records() -> int:
    """Delete them (each table in its own short transaction); returns how many rows went."""
    return sum(purge() for _model, _old, purge in SIGN_IN_RECORDS.values())
