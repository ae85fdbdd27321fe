"""Exports: the contract's CSV (streamed), XLSX and the printable sign-in sheet."""

import csv
import io
import re
import types
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from camp_app.attendance import exports, services, span
from camp_app.service_errors import InvalidInput
from camp_app.timeutil import camp_today, to_camp
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.support.spreadsheet_cells import FORMULA_CELLS

HEADER = (
    "date,registration_id,child_first_name,child_last_name,status,check_in_at,check_out_at,"
    "picked_up_by"
)


@pytest.fixture
def camp_days(app_ctx):
    """A day camp from yesterday to tomorrow: Maya picked up yesterday, Ben absent today."""
    event = running_camp("day_camp", days_before=1, days_after=1)
    today = camp_today()
    yesterday = today - timedelta(days=1)
    staff = staff_member()
    maya, pickup = confirmed_child(event)
    ben, _ = confirmed_child(event, first_name="Ben", last_name="Adams")
    services.check_in(staff, event, maya.id, yesterday)
    record = services.check_out(staff, event, maya.id, yesterday, pickup.id)
    services.mark_absent(staff, event, ben.id, today, "sick")
    return types.SimpleNamespace(
        event=event, maya=maya, ben=ben, record=record, today=today, yesterday=yesterday
    )


def test_csv_is_a_generator_with_the_exact_header_and_a_row_per_child_and_day(camp_days):
    lines = exports.attendance_csv(camp_days.event, camp_days.yesterday, camp_days.today)
    assert isinstance(lines, types.GeneratorType)
    text = "".join(lines)
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    by_key = {(r["date"], r["child_first_name"]): r for r in rows}
    assert len(rows) == 4

    maya = by_key[(camp_days.yesterday.isoformat(), "Maya")]
    assert maya["registration_id"] == str(camp_days.maya.id)
    assert maya["child_last_name"] == "Lopez"
    assert maya["status"] == "checked_out"
    assert maya["check_in_at"] == to_camp(camp_days.record.check_in_at).isoformat("T", "seconds")
    assert maya["check_out_at"].startswith(camp_days.yesterday.isoformat()[:4])
    assert maya["picked_up_by"] == "Ana Lopez"
    assert by_key[(camp_days.today.isoformat(), "Ben")]["status"] == "absent"
    assert by_key[(camp_days.today.isoformat(), "Maya")]["status"] == "expected"
    assert by_key[(camp_days.today.isoformat(), "Maya")]["check_in_at"] == ""
    # Days in order, names in order within a day.
    days = [camp_days.yesterday.isoformat()] * 2 + [camp_days.today.isoformat()] * 2
    assert [(r["date"], r["child_last_name"]) for r in rows] == list(
        zip(days, ["Adams", "Lopez", "Adams", "Lopez"], strict=True)
    )


def test_csv_defaults_to_the_whole_event(camp_days):
    rows = list(csv.reader(exports.attendance_csv(camp_days.event)))
    assert len(rows) == 1 + 2 * 3


def test_csv_and_xlsx_write_names_by_the_one_formula_rule(app_ctx):
    event = running_camp()
    ids = {
        confirmed_child(event, last_name=typed)[0].id: written for typed, written in FORMULA_CELLS
    }
    text = "".join(exports.attendance_csv(event, camp_today(), camp_today()))
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert {int(row[1]): row[3] for row in rows} == ids
    data = exports.attendance_xlsx(event, camp_today(), camp_today())
    sheet_rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1:]
    xml_read = {id_: written.replace("\r", "\n") for id_, written in ids.items()}  # CR reads as LF
    assert {row[1]: row[3] for row in sheet_rows} == xml_read


def test_dates_are_checked_before_anything_streams(camp_days):
    # (A range reaching outside the event is cut to its days: test_export_ranges.py.)
    with pytest.raises(InvalidInput) as error:
        exports.attendance_csv(camp_days.event, camp_days.today, camp_days.yesterday)
    assert error.value.problems[0].code == "invalid_range"


def test_xlsx_opens_with_openpyxl_and_has_the_rows(camp_days):
    data = exports.attendance_xlsx(camp_days.event, camp_days.yesterday, camp_days.today)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ",".join(rows[0]) == HEADER
    assert len(rows) == 5
    maya = next(r for r in rows[1:] if r[2] == "Maya" and r[4] == "checked_out")
    assert maya[0].date() == camp_days.yesterday
    assert maya[1] == camp_days.maya.id
    assert maya[7] == "Ana Lopez"
    expected_in = to_camp(camp_days.record.check_in_at).replace(tzinfo=None, microsecond=0)
    assert maya[5].replace(microsecond=0) == expected_in


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_pdf_sign_in_sheet_has_a_page_per_day(camp_days):
    pdf = exports.sign_in_sheet_pdf(camp_days.event, camp_days.yesterday, camp_days.today)
    assert pdf.startswith(b"%PDF")
    assert _page_count(pdf) == 2
    one_day = exports.sign_in_sheet_pdf(camp_days.event, camp_days.today, camp_days.today)
    assert _page_count(one_day) == 1


def test_pdf_copes_with_names_outside_latin_1(app_ctx):
    event = running_camp()
    confirmed_child(event, first_name="Nguyễn", last_name="Łukasz")
    pdf = exports.sign_in_sheet_pdf(event, camp_today(), camp_today())
    assert pdf.startswith(b"%PDF") and _page_count(pdf) == 1


def test_sign_in_sheet_rows_sort_by_group_then_name(camp_days, monkeypatch):
    groups = {camp_days.maya.id: "Bears", camp_days.ben.id: "Otters"}
    monkeypatch.setattr(span, "group_names", lambda ids: {i: groups[i] for i in ids})
    rows = exports.sheet_rows_by_group(camp_days.event, camp_days.today)
    assert [(r.group, r.first_name) for r in rows] == [("Bears", "Maya"), ("Otters", "Ben")]
    cells = exports._sheet_cells(rows[1], show_groups=True)
    assert cells[0] == "Otters" and cells[4] == "Absent"
