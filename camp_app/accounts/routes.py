from flask import Blueprint

from camp_app.accounts.access import public, signed_in

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.get("/login")
@public
def login():
    return "login"


@bp.get("/signup")
@public
def signup():
    return "signup"


@bp.get("/settings")
@signed_in
def settings():
    return "settings"


@bp.post("/logout")
@signed_in
def logout():
    return "logout"
