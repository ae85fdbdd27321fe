from flask import Blueprint

from camp_app.accounts.access import public

bp = Blueprint("notifications", __name__)


@bp.get("/dev/mailbox")
@public
def mailbox():
    return "mailbox"
