"""The API's one blueprint; the route modules add their views to it (see routes.py)."""

from flask import Blueprint
from werkzeug.routing import BaseConverter

from camp_app.api.core import init_blueprint
from camp_app.schemas.fields import MAX_ID


class IdConverter(BaseConverter):
    """A record id in a path, `<id:name>`: any digits. An id that cannot exist (0, or beyond
    32 bits) comes back as 0, which the loaders answer 404 like any unknown id. (Werkzeug's
    int(min, max) leaves such paths unmatched, which answers 405 for some methods.)"""

    regex = r"\d{1,30}"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 0 < number <= MAX_ID else 0

    def to_url(self, value) -> str:
        return str(int(value))


bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))
init_blueprint(bp)
