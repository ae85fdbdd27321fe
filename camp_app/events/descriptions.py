"""Events in words for people: who an event is for, its ages, dates and labels (translated)."""
# ruff: noqa: RUF001, RUF002  (the en dashes in age and date ranges are intended typography)

from babel.dates import format_interval, get_timezone_name
from babel.lists import format_list
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from camp_app.events.models import Audience, Event, EventKind
from camp_app.families.models import DiagnosisCategory
from camp_app.timeutil import camp_zone

KIND_LABELS = {
    EventKind.OVERNIGHT_CAMP.value: _l("Overnight camp"),
    EventKind.DAY_CAMP.value: _l("Day camp"),
    EventKind.EVENT.value: _l("Event"),
}
AUDIENCE_LABELS = {
    Audience.PATIENTS.value: _l("Patients"),
    Audience.SIBLINGS.value: _l("Siblings of patients"),
    Audience.PATIENTS_AND_SIBLINGS.value: _l("Patients and their siblings"),
    Audience.ANYONE.value: _l("Anyone"),
}
CATEGORY_LABELS = {
    DiagnosisCategory.CANCER.value: _l("Cancer"),
    DiagnosisCategory.BLOOD_DISORDER.value: _l("Blood disorders"),
    DiagnosisCategory.OTHER.value: _l("Other conditions"),
}
# The same conditions inside a sentence ("children with cancer or blood disorders").
_CATEGORY_IN_SENTENCE = {
    DiagnosisCategory.CANCER.value: _l("cancer"),
    DiagnosisCategory.BLOOD_DISORDER.value: _l("blood disorders"),
    DiagnosisCategory.OTHER.value: _l("other conditions"),
}


def kind_label(event: Event) -> str:
    return str(KIND_LABELS.get(event.kind, event.kind))


def _ages_phrase(event: Event) -> str:
    low, high = event.min_age, event.max_age
    if low is not None and high is not None:
        return _("ages %(low)d–%(high)d", low=low, high=high)
    if low is not None:
        return _("ages %(low)d and up", low=low)
    if high is not None:
        return _("ages up to %(high)d", high=high)
    return _("of any age")


def age_range(event: Event) -> str:
    """The age limits on their own, e.g. "7–16" (age on the event's first day)."""
    low, high = event.min_age, event.max_age
    if low is not None and high is not None:
        return _("%(low)d–%(high)d", low=low, high=high)
    if low is not None:
        return _("%(low)d and older", low=low)
    if high is not None:
        return _("up to %(high)d", high=high)
    return _("Any age")


def _conditions(event: Event) -> str:
    names = [str(_CATEGORY_IN_SENTENCE[c]) for c in event.diagnosis_categories or ()]
    return format_list(names, style="or", locale=str(get_locale())) if names else ""


def _patients_sentence(event: Event, ages: str, conditions: str) -> str:
    treated = event.treated_at_hospital_required
    if conditions and treated:
        return _(
            "For children %(ages)s with %(conditions)s who are treated at the hospital",
            ages=ages,
            conditions=conditions,
        )
    if conditions:
        return _("For children %(ages)s with %(conditions)s", ages=ages, conditions=conditions)
    if treated:
        return _("For children %(ages)s who are treated at the hospital", ages=ages)
    return _("For children %(ages)s who are patients", ages=ages)


def audience_description(event: Event) -> str:
    """Who the event is for, as one sentence, e.g. "For children ages 7–16 with cancer or
    blood disorders who are treated at the hospital"."""
    ages, conditions = _ages_phrase(event), _conditions(event)
    if event.audience == Audience.PATIENTS:
        return _patients_sentence(event, ages, conditions)
    if event.audience == Audience.SIBLINGS:
        if conditions:
            return _(
                "For siblings %(ages)s of children with %(conditions)s",
                ages=ages,
                conditions=conditions,
            )
        return _("For siblings %(ages)s of patients", ages=ages)
    if event.audience == Audience.PATIENTS_AND_SIBLINGS:
        return _(
            "%(patients)s, and their siblings",
            patients=_patients_sentence(event, ages, conditions),
        )
    return _("For all children %(ages)s", ages=ages)


def event_dates(event: Event, weekdays: bool = False) -> str:
    """The event's days as one range, e.g. "Jul 11 – 17, 2027" or, with weekdays,
    "Sun, Jul 11 – Sat, Jul 17, 2027"."""
    skeleton = "yMMMEd" if weekdays else "yMMMd"
    return format_interval(event.starts_on, event.ends_on, skeleton, locale=str(get_locale()))


def camp_zone_name() -> str:
    """The camp's time zone for people, e.g. "Eastern Time"."""
    return get_timezone_name(camp_zone(), locale=str(get_locale()))


def camp_moment(moment) -> str:
    """A stored UTC time as the camp's wall clock, e.g. "March 1, 2027 at 9:00 AM"."""
    return _(
        "%(date)s at %(time)s",
        date=format_date(moment, "long"),  # Flask-Babel moves it into the camp's zone
        time=format_time(moment, "short"),
    )
