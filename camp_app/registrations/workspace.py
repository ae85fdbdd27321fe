"""The blueprint of the review queue, patient verification and the waitlist pages.

Their routes live in review_routes.py, verification_routes.py and waitlist_routes.py; this
module only holds the blueprint they share, so that each adds its routes to it without
importing the others for it.
"""

from flask import Blueprint

bp = Blueprint("review", __name__)
