"""The API's one blueprint; the route modules add their views to it (see routes.py)."""

from flask import Blueprint

from camp_app.api.core import init_blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
init_blueprint(bp)
