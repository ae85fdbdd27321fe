"""Attendance rules, one import away: re-exports the public names of the modules that hold them.

- common.py: shared guards (event day, confirmed) and a child's record of a day.
- day_sheet.py: reads: the day sheet, counts, event days, effective state, history, API view.
- actions.py: check-in, check-out with the pickup rule, absence, undo, the API's dispatcher.
- medication.py: the overnight medication log.
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
from camp_app.attendance.medication import (
    DOSE_MAX,
    NOTE_MAX,
    ChildMedicationDay,
    camp_date_of,
    day_bounds,
    doses_for_day,
    record_dose,
    require_medication_log,
)

__all__ = [
    "CAMP_KINDS",
    "DOSE_MAX",
    "NAME_MAX",
    "NOTE_MAX",
    "NO_ALLERGY_WORDS",
    "REASON_MAX",
    "ChildMedicationDay",
    "DaySheet",
    "SheetRow",
    "actor_names",
    "authorized_pickups",
    "camp_date_of",
    "camps_for_attendance",
    "check_in",
    "check_out",
    "counts_for_day",
    "day_bounds",
    "day_record",
    "day_sheet",
    "day_statement",
    "default_day",
    "doses_for_day",
    "effective_state",
    "event_days",
    "group_names",
    "has_allergy",
    "history_for",
    "mark_absent",
    "record_action",
    "record_dose",
    "record_to_dict",
    "registration_at_camp",
    "require_confirmed",
    "require_event_day",
    "require_medication_log",
    "row_from_result",
    "undo_last",
]
