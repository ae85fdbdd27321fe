"""The roster downloads: columns, filter, formula safety, privacy, streaming, audit, queries."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roster.exports import EXPORT_COLUMNS
from camp_app.timeutil import camp_today
from tests.exports.helpers import many_children, registered_child
from tests.support.queries import counted_statements
from tests.support.spreadsheet_cells import FORMULA_CELLS


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_csv_streams_active_registrations_with_cabin_and_verification(as_coordinator, camp):
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/roster.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    filename = f"roster-{camp.event.slug}-{camp_today().isoformat()}.csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    rows = {row["child_first_name"]: row for row in _csv(response)}
    # Active by default: confirmed, pending review and waitlisted; not the cancelled one.
    assert set(rows) == {"Maya", "Ben", "Zoë", "Pat", "Wes"}
    maya = rows["Maya"]
    assert maya["group"] == "Pine"
    assert maya["patient_verification"] == "unverified"
    assert maya["allergies"] == "peanuts"
    assert maya["dietary_needs"] == "vegetarian"
    assert maya["emergency_contact_name"] == "Ana Lopez"
    assert maya["parent_name"] == "Sam Signer"
    assert maya["age_on_first_day"] == "11"
    assert rows["Zoë"]["group"] == ""
    # The nurse's details stay in the medical summary.
    assert "Secret diagnosis" not in text
    assert "Ondansetron" not in text
    assert "Dr. House" not in text


def test_the_csv_honours_the_roster_filter(as_coordinator, camp):
    base = f"/manage/events/{camp.event.slug}/roster.csv"
    pine = _csv(as_coordinator.get(f"{base}?group={camp.pine.id}&sort=child"))
    assert [r["child_first_name"] for r in pine] == ["Pat", "Maya"]  # Brown, Lopez
    unassigned = _csv(as_coordinator.get(f"{base}?group=none"))
    assert {r["child_first_name"] for r in unassigned} == {"Zoë", "Wes"}
    everyone = _csv(as_coordinator.get(f"{base}?status="))  # explicitly any status
    assert "Cal" in {r["child_first_name"] for r in everyone}
    confirmed = _csv(as_coordinator.get(f"{base}?status=confirmed&q=lopez"))
    assert [r["child_first_name"] for r in confirmed] == ["Maya"]


def test_a_bad_filter_is_a_400_page_with_the_message_and_nothing_recorded(as_coordinator, camp):
    for path in ("roster.csv", "roster.xlsx", "exports"):
        response = as_coordinator.get(f"/manage/events/{camp.event.slug}/{path}?min_age=200")
        assert response.status_code == 400
        assert "Enter an age between 0 and 30." in response.get_data(as_text=True)
    other_event_cabin = as_coordinator.get(
        f"/manage/events/{camp.event.slug}/roster.csv?group=999999"
    )
    assert other_event_cabin.status_code == 400
    assert _audit("event.export_roster_csv") == []


def test_cells_are_written_by_the_one_formula_rule(as_coordinator, camp):
    expected = {}
    for number, (typed, written) in enumerate(FORMULA_CELLS):
        registered_child(camp.event, first_name=f"Case{number}", allergies=typed)
        expected[f"Case{number}"] = written
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/roster.csv?q=case")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert {row["child_first_name"]: row["allergies"] for row in rows} == expected
    assert {row["emergency_contact_phone"] for row in rows} == {"+13055550100"}


def test_the_xlsx_opens_and_holds_the_rows(as_coordinator, camp):
    registered_child(camp.event, first_name="@SUM(A1)", last_name="Zed")
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/roster.xlsx?sort=child")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    filename = f"roster-{camp.event.slug}-{camp_today().isoformat()}.xlsx"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = response.get_data()
    assert response.content_length == len(body)
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Registration" and rows[0][-2] == "Cabin or group"
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"Ben", "Pat", "Maya", "Zoë", "Wes", "'@SUM(A1)"}
    maya = by_name["Maya"]
    assert maya[EXPORT_COLUMNS.index("date_of_birth")].date() == date(2016, 5, 1)
    assert maya[EXPORT_COLUMNS.index("group")] == "Pine"
    assert "Secret diagnosis" not in str(rows)


def test_each_download_is_audited_with_filter_names_only(as_coordinator, camp, coordinator):
    slug = camp.event.slug
    as_coordinator.get(f"/manage/events/{slug}/roster.csv?q=lopez&group={camp.pine.id}").get_data()
    as_coordinator.get(f"/manage/events/{slug}/roster.xlsx").get_data()
    as_coordinator.get(f"/manage/events/{slug}/medical-summary.pdf?include_pending=1").get_data()
    [csv_entry] = _audit("event.export_roster_csv")
    assert csv_entry.actor_id == coordinator.id
    assert (csv_entry.entity_type, csv_entry.entity_id) == ("events", camp.event.id)
    assert csv_entry.fields == ["group", "q", "status"]
    assert "lopez" not in str(csv_entry.fields)
    [xlsx_entry] = _audit("event.export_roster_xlsx")
    assert xlsx_entry.fields == ["status"]
    [pdf_entry] = _audit("event.export_medical_summary")
    assert pdf_entry.fields == ["include_pending"]


DOWNLOADS = ("roster.csv", "roster.xlsx", "medical-summary.pdf")


def _statements(client, slug) -> dict[str, int]:
    counts = {}
    for path in DOWNLOADS:
        db.session.expire_all()
        with counted_statements() as statements:
            response = client.get(f"/manage/events/{slug}/{path}")
            response.get_data()
        assert response.status_code == 200
        counts[path] = len(statements)
    return counts


def _csv_rows(client, slug) -> int:
    return len(client.get(f"/manage/events/{slug}/roster.csv").get_data(as_text=True).splitlines())


def test_downloads_cost_the_same_statements_for_10_and_100_rows(as_coordinator, camp):
    slug = camp.event.slug
    as_coordinator.get(f"/manage/events/{slug}/exports")  # sign-in settled
    many_children(camp.event, 5, group=camp.pine)
    few = _statements(as_coordinator, slug)
    assert _csv_rows(as_coordinator, slug) == 11  # the header and 10 registrations
    many_children(camp.event, 90, group=camp.birch)
    assert _csv_rows(as_coordinator, slug) == 101
    assert _statements(as_coordinator, slug) == few
