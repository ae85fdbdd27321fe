"""Time helpers: the database holds UTC; people see the camp's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

# The days any date typed or sent may fall on. Far enough apart for every birth date and camp,
# close enough that a day added or a time zone applied never leaves Python's years 1-9999.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# The one refusal of a real date outside those years, for the forms and the schemas alike.
DATE_RANGE_MESSAGE = _l(
    "Enter a date between %(first)s and %(last)s.",
    first=EARLIEST_DAY.year,
    last=LATEST_DAY.year,
)


def camp_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CAMP_TIMEZONE"])


def utcnow() -> datetime:
    return datetime.now(UTC)


def camp_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(camp_zone()).date()


def camp_local_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in the camp's zone, as aware UTC."""
    return local.replace(tzinfo=camp_zone()).astimezone(UTC)


def to_camp(moment: datetime) -> datetime:
    return moment.astimezone(camp_zone())


def age_on(born: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - (1 if before_birthday else 0)


def is_sane_day(day: date) -> bool:
    """Whether `day` (or a datetime's day) lies between EARLIEST_DAY and LATEST_DAY."""
    if isinstance(day, datetime):
        day = day.date()
    return EARLIEST_DAY <= day <= LATEST_DAY
