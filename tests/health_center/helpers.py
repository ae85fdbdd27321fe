"""Test data for the health center: an overnight camp running today, children at camp."""

from datetime import datetime, time, timedelta

from camp_app.attendance import services as attendance
from camp_app.roles import Role
from camp_app.timeutil import camp_local_to_utc, camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member

MORNING_EVENING = [
    {
        "name": "Ondansetron",
        "dose": "4 mg",
        "schedule": "morning and evening",
        "times": ["08:00", "20:00"],
    },
]


def at(hour: int, minute: int = 0, day=None) -> datetime:
    """Camp time on `day` (today) as UTC."""
    return camp_local_to_utc(datetime.combine(day or camp_today(), time(hour, minute)))


def nurse():
    return staff_member(Role.NURSE)


def overnight_camp():
    return running_camp("overnight_camp", days_before=2, days_after=2)


def child_at_camp(event, arrived_days_ago=1, **fields):
    """A confirmed child who arrived `arrived_days_ago` days ago (checked in then)."""
    fields.setdefault("medications", MORNING_EVENING)
    registration, _ = confirmed_child(event, pickup=False, **fields)
    arrival = camp_today() - timedelta(days=arrived_days_ago)
    attendance.check_in(staff_member(), event, registration.id, arrival)
    return registration
