"""The review queue: pending registrations and the coordinator's decisions."""

from camp_app.registrations.workspace import bp  # noqa: F401
