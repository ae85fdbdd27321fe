"""Attendance exports for the hospital: CSV (streamed), XLSX and a printable sign-in sheet.

Each public function checks its dates first (raising the service errors at call time) and
reads the rows of the whole range in a fixed number of statements (attendance.span).
"""

import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from io import BytesIO
from itertools import groupby

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from camp_app.attendance.day_sheet import SheetRow, event_days
from camp_app.attendance.span import span_rows
from camp_app.events.models import Event
from camp_app.spreadsheets import csv_lines, safe_cell
from camp_app.timeutil import to_camp

CSV_HEADER = (
    "date",
    "registration_id",
    "child_first_name",
    "child_last_name",
    "status",
    "check_in_at",
    "check_out_at",
    "picked_up_by",
)


def _iso(moment: datetime | None) -> str:
    return to_camp(moment).isoformat(timespec="seconds") if moment else ""


def export_values(day: date, row: SheetRow) -> tuple:
    record = row.record
    return (
        day.isoformat(),
        row.registration_id,
        row.first_name,
        row.last_name,
        row.state,
        _iso(record.check_in_at if record else None),
        _iso(record.check_out_at if record else None),
        record.picked_up_by_name if record else "",
    )


def attendance_csv(
    event: Event, date_from: date | None = None, date_to: date | None = None
) -> Iterator[str]:
    """CSV lines (header first) for the days from `date_from` to `date_to` (default: all)."""
    days = event_days(event, date_from, date_to)  # raises now, before anything is streamed
    rows = (export_values(day, row) for day, row in span_rows(event, days))
    return csv_lines(CSV_HEADER, rows)


def _local_naive(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: the camp's wall-clock time.
    return to_camp(moment).replace(tzinfo=None) if moment else None


def attendance_xlsx(
    event: Event, date_from: date | None = None, date_to: date | None = None
) -> bytes:
    days = event_days(event, date_from, date_to)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="attendance")
    sheet.append(list(CSV_HEADER))
    for day, row in span_rows(event, days):
        record = row.record
        sheet.append(
            [
                day,
                row.registration_id,
                safe_cell(row.first_name),
                safe_cell(row.last_name),
                row.state,
                _local_naive(record.check_in_at if record else None),
                _local_naive(record.check_out_at if record else None),
                safe_cell(record.picked_up_by_name if record else ""),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Printable sign-in / sign-out sheet ---------------------------------------------------


def _pdf_text(value: str) -> str:
    """The PDF's built-in font covers Latin-1: fold other letters to their plain form."""
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", value)
        kept = "".join(c for c in folded if not unicodedata.combining(c))
        return kept.encode("latin-1", "replace").decode("latin-1")


def _by_group(rows) -> list[SheetRow]:
    return sorted(rows, key=lambda r: (r.group.lower(), r.last_name.lower(), r.first_name.lower()))


def sheet_rows_by_group(event: Event, day: date) -> list[SheetRow]:
    return _by_group(row for _day, row in span_rows(event, [day], with_groups=True))


def _time(moment: datetime | None) -> str:
    return format_time(to_camp(moment), "short") if moment else ""


def sign_in_sheet_pdf(
    event: Event, date_from: date | None = None, date_to: date | None = None
) -> bytes:
    """One page per day (more if the list is long), sorted by group then name."""
    days = event_days(event, date_from, date_to)
    pdf = FPDF(orientation="landscape", format="letter")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_title(_pdf_text(_("Sign-in and sign-out sheet")))
    rows_by_day = groupby(span_rows(event, days, with_groups=True), key=lambda pair: pair[0])
    rows_of = {day: _by_group(row for _day, row in pairs) for day, pairs in rows_by_day}
    for day in days:  # a day without confirmed children still gets its (empty) page
        _sheet_page(pdf, event, day, rows_of.get(day, []))
    if not days:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 9, _pdf_text(_("No day of %(event)s falls in these dates.", event=event.name)))
    return bytes(pdf.output())


def _sheet_page(pdf: FPDF, event: Event, day: date, rows: list[SheetRow]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 9, _pdf_text(event.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    heading = _("Sign-in and sign-out sheet, %(day)s", day=format_date(day, "full"))
    pdf.cell(0, 7, _pdf_text(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    show_groups = any(row.group for row in rows)
    headings = [_("Child"), _("Age"), _("Allergy"), _("Time in"), _("Signature in")]
    headings += [_("Time out"), _("Picked up by"), _("Signature out")]
    widths = [48, 10, 16, 18, 46, 18, 38, 46]
    if show_groups:
        headings.insert(0, _("Group"))
        widths = [22, 44, 10, 14, 16, 40, 16, 34, 44]
    pdf.set_font("Helvetica", "", 10)
    with pdf.table(col_widths=widths, line_height=9, text_align="LEFT", v_align="M") as table:
        table.row([_pdf_text(h) for h in headings])
        for row in rows:
            table.row([_pdf_text(cell) for cell in _sheet_cells(row, show_groups)])
    if not rows:
        pdf.cell(0, 9, _pdf_text(_("No confirmed children for this day.")))


def _sheet_cells(row: SheetRow, show_groups: bool) -> list[str]:
    record = row.record
    cells = [
        f"{row.last_name}, {row.first_name}",
        str(row.age),
        _("Yes") if row.has_allergy else "",
        _("Absent") if row.state == "absent" else _time(record.check_in_at if record else None),
        "",
        _time(record.check_out_at if record else None),
        record.picked_up_by_name if record else "",
        "",
    ]
    return [row.group, *cells] if show_groups else cells
