"""The admins' log page filters by kind of entry (changes, reads of medical details, sign-ins)
and shows what a read held: the filters used and how many records, in English and Spanish."""

import re

from camp_app.audit.models import AuditEntry, EntryKind

from .helpers import data, entry_ids, signed_in_admin


def _add(app, actor_id, action, kind, **more) -> int:
    with data(app) as session:
        entry = AuditEntry(
            actor_id=actor_id,
            action=action,
            entity_type=more.pop("entity_type", "events"),
            entity_id=more.pop("entity_id", 1),
            fields=more.pop("fields", []),
            kind=kind,
            **more,
        )
        session.add(entry)
        session.commit()
        return entry.id


def _cells(html: str) -> list[str]:
    cells = re.findall(r'data-label="Fields changed">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_each_kind_of_entry_can_be_shown_alone(app, client):
    admin = signed_in_admin(app, client)
    change = _add(app, admin.id, "event.update", EntryKind.CHANGE, fields=["name"])
    read = _add(app, admin.id, "event.roster_read", EntryKind.READ, fields=["status"],
                record_count=12, record_ids=[1, 2])  # fmt: skip
    sign_in = _add(app, None, "sign_in.failed", EntryKind.SIGN_IN, entity_type="users",
                   fields=["password"])  # fmt: skip
    page = client.get("/admin/audit?kind=read").get_data(as_text=True)
    assert entry_ids(page) == {read}
    assert _cells(page) == ["Filtered by status 12 records"]
    assert entry_ids(client.get("/admin/audit?kind=change").get_data(as_text=True)) == {change}
    page = client.get("/admin/audit?kind=sign_in").get_data(as_text=True)
    assert entry_ids(page) == {sign_in}
    assert _cells(page) == ["Checked password"]
    assert "Failed to sign in" in page
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert entry_ids(everything) == {change, read, sign_in}
    assert '<option value="read">Reads of medical details</option>' in everything


def test_a_read_of_one_child_names_the_fields_it_showed(app, client):
    admin = signed_in_admin(app, client)
    _add(app, admin.id, "child.medical_read", EntryKind.READ, entity_type="children",
         fields=["diagnosis", "medications"])  # fmt: skip
    page = client.get("/admin/audit").get_data(as_text=True)
    assert _cells(page) == ["Read diagnosis, medications"]
    assert "Read a child&#39;s medical details" in page


def test_an_unknown_kind_is_left_out_with_a_message(app, client):
    admin = signed_in_admin(app, client)
    change = _add(app, admin.id, "event.update", EntryKind.CHANGE)
    response = client.get("/admin/audit?kind=gossip")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "That is not a kind of entry." in page
    assert entry_ids(page) == {change}


def test_the_kinds_read_in_spanish(app, client):
    signed_in_admin(app, client)
    client.post("/language/es", data={"next": "/"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Consultas de datos médicos" in page and "Inicios de sesión" in page
