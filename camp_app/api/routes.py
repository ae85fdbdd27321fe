"""JSON API v1 (see the interface contract and GET /api/v1/openapi.json): a thin face over the
service modules. create_app registers `bp` and exempts it from CSRF (bearer tokens, no cookies).
"""

# Importing the route modules adds their views to the blueprint.
from camp_app.api import accounts, events, family, openapi, registrations  # noqa: F401
from camp_app.api.blueprint import bp

__all__ = ["bp"]
