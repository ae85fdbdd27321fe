"""Patient verification by the medical team, recorded by a coordinator."""

from camp_app.registrations.workspace import bp  # noqa: F401
