"""The waitlist of an event: its order, promotion and removal by hand."""

from camp_app.registrations.workspace import bp  # noqa: F401
