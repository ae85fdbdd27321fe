"""The coordinator's roster as CSV (streamed) and XLSX (constant memory).

Which registrations: the shared roster filter (roster/filters.py), active ones by default.
What: the API roster's columns (registrations/queries.py ROSTER_COLUMNS) plus the cabin or
group and the patient verification state. Diagnosis, medications and conditions are not in
it: they belong to the nurse's medical summary (medical_summary.py).

Rows are read a batch at a time (yield_per) with everything a row needs loaded per batch, so a
10,000-row export runs a fixed handful of statements per 500 rows and never holds the whole
event in memory.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from camp_app.accounts.models import User
from camp_app.audit.services import record_read
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Contact, Household
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.registrations.queries import (
    ROSTER_BATCH,
    ROSTER_COLUMNS,
    roster_row,
    roster_unshown,
)
from camp_app.roster.filters import (
    ACTIVE_STATUSES,
    RosterFilter,
    count_matching,
    count_query,
    filtered_query,
    parse_filter,
)
from camp_app.roster.models import CampGroup
from camp_app.spreadsheets import csv_lines, safe_cell
from camp_app.timeutil import camp_today

# The API roster's "cabin" is this export's "group" (cabin or group, by the camp's kind).
EXPORT_COLUMNS = (
    *(name for name in ROSTER_COLUMNS if name != "cabin"),
    "group",
    "patient_verification",
)

# The spreadsheet's column titles (the CSV keeps the contract's machine names).
XLSX_TITLES = {
    "registration_id": lazy_gettext("Registration"),
    "status": lazy_gettext("Status"),
    "child_first_name": lazy_gettext("First name"),
    "child_last_name": lazy_gettext("Last name"),
    "date_of_birth": lazy_gettext("Date of birth"),
    "age_on_first_day": lazy_gettext("Age on the first day"),
    "allergies": lazy_gettext("Allergies"),
    "dietary_needs": lazy_gettext("Dietary needs"),
    "photo_release": lazy_gettext("Photo release"),
    "parent_name": lazy_gettext("Parent"),
    "parent_email": lazy_gettext("Parent email"),
    "parent_phone": lazy_gettext("Parent phone"),
    "emergency_contact_name": lazy_gettext("Emergency contact"),
    "emergency_contact_relationship": lazy_gettext("Relationship"),
    "emergency_contact_phone": lazy_gettext("Emergency phone"),
    "health_alerts": lazy_gettext("Health alerts"),
    "group": lazy_gettext("Cabin or group"),
    "patient_verification": lazy_gettext("Patient verification"),
}
XLSX_WIDTHS = {"allergies": 30, "dietary_needs": 30, "parent_email": 30, "group": 18}
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger workbooks go to a temporary file


# --- which registrations, and the audit of the access ---------------------------------------


def group_ids(event: Event) -> list[int]:
    return list(db.session.scalars(select(CampGroup.id).where(CampGroup.event_id == event.id)))


def export_filter(event: Event, args) -> RosterFilter:
    """The roster filter of the query string; without a `status` argument, active
    registrations (an explicit empty `status=` means every status). Raises InvalidInput."""
    return _with_default_status(parse_filter(args, group_ids(event)), args)


def _with_default_status(f: RosterFilter, args) -> RosterFilter:
    return f if "status" in args else replace(f, status=ACTIVE_STATUSES)


def filter_field_names(f: RosterFilter) -> list[str]:
    """The names of the filters in use (for the audit: names, never the values)."""
    return sorted(name for name in f.query_args() if name != "dir")


def matching_count(event: Event, f: RosterFilter):
    """How many registrations the filter holds, as a scalar subquery: evaluated inside the
    audit entry's INSERT, so recording an export costs no statement of its own."""
    return count_query(event, f).scalar_subquery()


def record_roster_export(actor: User, event: Event, f: RosterFilter, action: str) -> None:
    """The audit entry of a roster download: the filters used (names, never values) and how
    many rows. Commits, before a byte is sent."""
    fields = filter_field_names(f)
    record_read(actor.id, action, "events", event.id, fields, count=matching_count(event, f))
    db.session.commit()


def start_roster_export(actor: User, event: Event, args, action: str) -> RosterFilter:
    """Check the filter and record the access (its own transaction, committed before a byte
    is sent). `action`: "event.export_roster_csv" or "event.export_roster_xlsx"."""
    f = export_filter(event, args)
    record_roster_export(actor, event, f, action)
    return f


# --- rows -------------------------------------------------------------------------------------


def export_query(event: Event, f: RosterFilter):
    """filtered_query with everything a row reads, loaded per batch of ROSTER_BATCH rows."""
    return (
        filtered_query(event, f)
        .options(
            # filtered_query already joins these two; sealed details not shown stay sealed
            contains_eager(Registration.child).options(*roster_unshown()),
            contains_eager(Registration.group),
            joinedload(Registration.signed_by).lazyload(User.role_rows),
            selectinload(Registration.household)
            .selectinload(Household.contacts)
            .defer(Contact.note),
        )
        .execution_options(yield_per=ROSTER_BATCH)
    )


def export_rows(event: Event, f: RosterFilter) -> Iterator[dict]:
    """A dict of EXPORT_COLUMNS per matching registration, in the filter's order."""
    for registration in db.session.scalars(export_query(event, f)):
        row = roster_row(registration, event)
        row["group"] = registration.group.name if registration.group else ""
        row["patient_verification"] = registration.child.patient_verification
        yield row


def export_filename(event: Event, extension: str) -> str:
    return f"roster-{event.slug}-{camp_today().isoformat()}.{extension}"


# --- CSV --------------------------------------------------------------------------------------


def roster_csv_lines(event: Event, f: RosterFilter) -> Iterator[str]:
    """CSV lines, header first; a generator for a streamed response."""
    rows = export_rows(event, f)
    return csv_lines(EXPORT_COLUMNS, ([row[name] for name in EXPORT_COLUMNS] for row in rows))


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_value(name: str, value):
    if name == "date_of_birth":
        return date.fromisoformat(value)  # a real date the spreadsheet can sort
    if name in ("registration_id", "age_on_first_day"):
        return value
    return safe_cell(value) or None  # an empty cell is not written at all


def roster_xlsx(event: Event, f: RosterFilter) -> tuple[IO[bytes], int]:
    """The workbook in a spooled temporary file (rewound) and its size in bytes.
    openpyxl's write-only mode keeps memory flat however many rows there are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Roster")[:31])
    for index, name in enumerate(EXPORT_COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = XLSX_WIDTHS.get(name, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(XLSX_TITLES[name]))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export_rows(event, f):
        sheet.append([_xlsx_value(name, row[name]) for name in EXPORT_COLUMNS])
    # Handed to the response, which closes it (file_chunks).
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        workbook.save(spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    return spool, size


def file_chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Read `file` in chunks for a response body, closing it at the end."""
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.close()


# --- the exports page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOverview:
    filter: RosterFilter
    matching: int  # registrations the roster downloads will hold
    link_args: dict[str, str]  # the filter as query arguments, status always explicit
    groups: list[tuple[int, str]]  # the event's cabins and groups (id, name), by name
    group_name: str  # the filtered cabin or group, "" when none is chosen
    confirmed: int  # children the medical summary lists
    pending: int  # and those it adds with "include pending review"


def export_overview(event: Event, args) -> ExportOverview:
    """What the exports page shows for this filter. Raises InvalidInput for a bad filter."""
    query = select(CampGroup.id, CampGroup.name).where(CampGroup.event_id == event.id)
    groups = [(g.id, g.name) for g in db.session.execute(query)]
    groups.sort(key=lambda g: g[1].casefold())
    f = _with_default_status(parse_filter(args, [g[0] for g in groups]), args)
    by_status = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    names = dict(groups)
    return ExportOverview(
        filter=f,
        matching=count_matching(event, f),
        link_args={**f.query_args(), "status": f.status},
        groups=groups,
        group_name=names.get(int(f.group), "") if f.group.isdigit() else "",
        confirmed=by_status.get(RegistrationStatus.CONFIRMED, 0),
        pending=by_status.get(RegistrationStatus.PENDING_REVIEW, 0),
    )
