from flask import Blueprint, render_template

from camp_app.accounts.access import public

bp = Blueprint("events", __name__)


@bp.get("/")
@public
def catalog():
    return render_template("events/catalog.html", events=[])
