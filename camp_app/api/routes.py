"""JSON API v1 (see the interface contract and GET /api/v1/openapi.json): a thin face over the
service modules. create_app registers `bp` and exempts it from CSRF (bearer tokens, no cookies).
"""

# Importing the route modules adds their views to the blueprint. attendance.py belongs to the
# attendance feature and adds its own operations to the OpenAPI document.
from camp_app.api import (  # noqa: F401
    accounts,
    attendance,
    audit,
    events,
    family,
    health_center,
    openapi,  # the document of every route above
    readiness,
    registrations,
)
from camp_app.api.blueprint import bp

__all__ = ["bp"]
