"""Attendance rules, one import away: re-exports the public names of the modules that hold them.

- common.py: shared guards (event day, confirmed) and a child's record of a day.
- day_sheet.py: reads: the day sheet, counts, event days, effective state, history, API view.
- actions.py: check-in, check-out with the pickup rule, absence, undo, the API's dispatcher.
(The medication record is the health center's: camp_app/health_center.)
"""

from camp_app.attendance.actions import (
    NAME_MAX,
    REASON_MAX,
    authorized_pickups,
    check_in,
    check_out,
    mark_absent,
    record_action,
    undo_last,
)
from camp_app.attendance.common import (
    day_record,
    registration_at_camp,
    require_confirmed,
    require_event_day,
)
from camp_app.attendance.day_sheet import (
    CAMP_KINDS,
    NO_ALLERGY_WORDS,
    DaySheet,
    SheetRow,
    actor_names,
    camps_for_attendance,
    counts_for_day,
    day_sheet,
    day_statement,
    default_day,
    effective_state,
    event_days,
    group_names,
    has_allergy,
    history_for,
    record_to_dict,
    row_from_result,
)

__all__ = [
    "CAMP_KINDS",
    "NAME_MAX",
    "NO_ALLERGY_WORDS",
    "REASON_MAX",
    "DaySheet",
    "SheetRow",
    "actor_names",
    "authorized_pickups",
    "camps_for_attendance",
    "check_in",
    "check_out",
    "counts_for_day",
    "day_record",
    "day_sheet",
    "day_statement",
    "default_day",
    "effective_state",
    "event_days",
    "group_names",
    "has_allergy",
    "history_for",
    "mark_absent",
    "record_action",
    "record_to_dict",
    "registration_at_camp",
    "require_confirmed",
    "require_event_day",
    "row_from_result",
    "undo_last",
]
