"""A record's history holds the list reads that showed it: filtering the log by a child finds
the entries on that child and the reads of a list (a roster page, a day's sheet) whose
`record_ids` name it, element by element (child 1 is not child 12), in one SELECT, on SQLite
and PostgreSQL alike; on the page, in the CSV and through the API."""

import csv
import io

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.audit_log.queries import AuditFilter, audit_page

from .helpers import counted_statements, data, entry_ids, signed_in_admin


def _add(app, actor_id, action, *, kind=EntryKind.READ, entity=("events", 3), **more) -> int:
    with data(app) as session:
        entry = AuditEntry(
            actor_id=actor_id,
            action=action,
            entity_type=entity[0],
            entity_id=entity[1],
            fields=[],
            kind=kind,
            **more,
        )
        session.add(entry)
        session.commit()
        return entry.id


def _log(app, actor_id) -> dict[str, int]:
    """Entries on child 1, and others that must not be taken for it."""
    add = _add
    return {
        "one_child": add(app, actor_id, "child.medical_read", entity=("children", 1)),
        "change": add(app, actor_id, "child.update", kind=EntryKind.CHANGE, entity=("children", 1)),
        "first": add(app, actor_id, "event.roster_read", record_ids=[1, 12], record_count=2),
        "middle": add(app, actor_id, "event.roster_read", record_ids=[11, 1, 21], record_count=3),
        "last": add(app, actor_id, "attendance.day_read", record_ids=[5, 1], record_count=2),
        "alone": add(app, actor_id, "event.review_read", record_ids=[1], record_count=1),
        # Not child 1:
        "lookalikes": add(app, actor_id, "event.roster_read", record_ids=[10, 12, 21, 111, 201]),
        "empty": add(app, actor_id, "event.roster_read", record_ids=[], record_count=0),
        "export": add(app, actor_id, "event.export_roster_csv", record_count=40),
        "event_1": add(app, actor_id, "event.update", kind=EntryKind.CHANGE, entity=("events", 1)),
        "other_child": add(app, actor_id, "child.medical_read", entity=("children", 12)),
    }


ON_CHILD_1 = {"one_child", "change", "first", "middle", "last", "alone"}


def _expected(ids: dict[str, int], names) -> set[int]:
    return {ids[name] for name in names}


def test_a_childs_history_holds_the_list_reads_that_showed_it(app, client):
    admin = signed_in_admin(app, client)
    ids = _log(app, admin.id)
    page = client.get("/admin/audit?entity_type=children&entity_id=1").get_data(as_text=True)
    assert entry_ids(page) == _expected(ids, ON_CHILD_1)
    twelve = client.get("/admin/audit?entity_type=children&entity_id=12").get_data(as_text=True)
    assert entry_ids(twelve) == _expected(ids, {"first", "lookalikes", "other_child"})
    # Any kind of record: number 1 of every kind, and the lists that showed child 1.
    anything = client.get("/admin/audit?entity_id=1").get_data(as_text=True)
    assert entry_ids(anything) == _expected(ids, ON_CHILD_1 | {"event_1"})
    # The numbers a list holds are children's: another kind of record is only itself.
    event = client.get("/admin/audit?entity_type=events&entity_id=1").get_data(as_text=True)
    assert entry_ids(event) == _expected(ids, {"event_1"})
    reads = client.get("/admin/audit?entity_type=children&entity_id=1&kind=read")
    assert entry_ids(reads.get_data(as_text=True)) == _expected(ids, ON_CHILD_1 - {"change"})


def test_the_download_filters_by_record_alike(app, client):
    admin = signed_in_admin(app, client)
    ids = _log(app, admin.id)
    body = client.get("/admin/audit.csv?entity_type=children&entity_id=1").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {int(row["id"]) for row in rows} == _expected(ids, ON_CHILD_1)


def test_the_record_filter_is_one_select(app):
    with data(app):
        with counted_statements() as statements:
            audit_page(AuditFilter(entity_type="children", entity_id=1))
        assert len(statements) == 1


def test_a_bad_record_number_is_named_and_left_out(app, client):
    admin = signed_in_admin(app, client)
    ids = _log(app, admin.id)
    for bad in ("1%25", "1,2", "%5B1%5D", "99999999999999999999", "-1", "1.0", "%2C1%2C"):
        response = client.get(f"/admin/audit?entity_type=children&entity_id={bad}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "A record number is a whole number." in page
        # The number is left out: every child's own entries show, no list read matched on it.
        assert entry_ids(page) == _expected(ids, {"one_child", "change", "other_child"})
