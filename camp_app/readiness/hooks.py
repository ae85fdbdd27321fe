"""What readiness answers for the layers below it (called once by create_app)."""

from camp_app.notifications.cli import SEND_REMINDERS
from camp_app.readiness.reminders import send_reminders_for_worker


def connect() -> None:
    SEND_REMINDERS.connect(send_reminders_for_worker)
