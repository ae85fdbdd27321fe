"""The audit log as CSV: the filtered entries, streamed, and the download itself audited."""

import csv
import io

from sqlalchemy import select

from camp_app.audit.models import AuditEntry, EntryKind
from tests.support.spreadsheet_cells import TRIMMED_FORMULA_CELLS

from .helpers import add_entry, data, person, signed_in_admin, utc


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_download_holds_the_filtered_entries_newest_first(app, client):
    admin = signed_in_admin(app, client, name="Ada Admin")
    rosa = person(app, name="Rosa Lopez")
    old = add_entry(
        app, actor_id=rosa.id, action="child.update", entity_type="children", entity_id=7,
        fields=["allergies", "diagnosis"], at=utc(2027, 3, 2, 3, 30),
    )  # fmt: skip
    new = add_entry(app, actor_id=rosa.id, action="child.create", at=utc(2027, 3, 3))
    add_entry(app, actor_id=admin.id, action="event.update", at=utc(2027, 3, 4))
    response = client.get("/admin/audit.csv?actor=rosa")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = _rows(response)
    assert [int(r["id"]) for r in rows] == [new, old]
    assert rows[1]["at"] == "2027-03-01T22:30:00-05:00"  # the camp's zone
    assert rows[1]["actor_email"] == rosa.email
    assert rows[1]["description"] == "Changed a child's details"
    assert (rows[1]["record_type"], rows[1]["record_id"]) == ("children", "7")
    assert rows[1]["fields"] == "allergies;diagnosis"


def test_the_download_is_itself_in_the_log_with_the_filter_names_only(app, client):
    admin = signed_in_admin(app, client)
    add_entry(app, actor_id=admin.id, action="event.update")
    client.get("/admin/audit.csv?actor=rosa&from=2027-01-01&entity_id=abc").get_data()
    with data(app) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "audit.exported")
        ).one()
        assert entry.actor_id == admin.id
        assert entry.entity_type == "audit_entries" and entry.entity_id is not None
        assert entry.fields == ["actor", "from"]  # never "rosa": a search may name a person


def test_a_long_log_streams_in_batches_without_loss(app, client, monkeypatch):
    from camp_app.audit_log import export

    monkeypatch.setattr(export, "BATCH", 7)
    admin = signed_in_admin(app, client)
    ids = [add_entry(app, actor_id=admin.id, action="event.update") for _ in range(30)]
    rows = _rows(client.get("/admin/audit.csv?action=event.update"))
    assert [int(r["id"]) for r in rows] == list(reversed(ids))


def test_names_are_written_by_the_one_formula_rule(app, client):
    signed_in_admin(app, client)
    expected = {}
    for typed, written in TRIMMED_FORMULA_CELLS:
        actor = person(app, name=typed)
        add_entry(app, actor_id=actor.id, action="child.create")
        expected[actor.email] = written
    rows = _rows(client.get("/admin/audit.csv?action=child.create"))
    assert {row["actor_email"]: row["actor_name"] for row in rows} == expected


def test_each_line_has_the_kind_and_the_record_count_named_as_the_api_names_them(app, client):
    admin = signed_in_admin(app, client)
    with data(app) as session:
        read = AuditEntry(actor_id=admin.id, action="event.roster_read", entity_type="events",
                          entity_id=3, fields=["status"], kind=EntryKind.READ, record_count=12,
                          record_ids=[1, 2])  # fmt: skip
        session.add(read)
        session.commit()
        read_id = read.id
    change = add_entry(app, actor_id=admin.id, action="event.update", fields=["name"])
    body = client.get("/admin/audit.csv").get_data(as_text=True)
    header = body.splitlines()[0].split(",")
    assert header == ["id", "at", "actor_email", "actor_name", "kind", "action", "description",
                      "record_type", "record_id", "record_count", "fields"]  # fmt: skip
    rows = {int(row["id"]): row for row in _rows(client.get("/admin/audit.csv"))}
    assert (rows[read_id]["kind"], rows[read_id]["record_count"]) == ("read", "12")
    assert (rows[change]["kind"], rows[change]["record_count"]) == ("change", "")
    api_names = {"id", "at", "kind", "action", "record_type", "record_id", "record_count"}
    assert api_names <= set(header)
