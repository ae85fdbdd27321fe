"""Every look at a child's medical details by anyone but the family is one audit entry (issue
12): pages, files and API answers. One INSERT per request, whatever the number of children;
the entry names the event or the child, the filters used and the children shown or counted,
never a medical value. The family reading its own child makes none."""

import csv
import io
import json
from datetime import timedelta

import pytest

from camp_app.accounts import tokens
from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, register, running_camp
from tests.factories import login, make_child, make_user
from tests.support.queries import counted_statements

SECRETS = ("Acute lymphoblastic leukemia", "Neutropenia", "Ondansetron", "Peanuts", "4 mg")


@pytest.fixture
def camp(app_ctx):
    """An overnight camp running today: Maya (allergies, diagnosis, a medication) and Ben
    confirmed, Pat waiting for review."""
    event = running_camp("overnight_camp", name="Safe Camp")
    maya, _pickup = confirmed_child(
        event,
        first_name="Maya",
        diagnosis="Acute lymphoblastic leukemia",
        medical_conditions="Neutropenia",
        allergies="Peanuts",
        medications=[{"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals"}],
    )
    ben, _pickup = confirmed_child(event, first_name="Ben", allergies="")
    pat_child = make_child(maya.household, first_name="Pat", relationship="sibling")
    pat = register(event, pat_child, maya.signed_by, status="pending_review")
    db.session.commit()
    return event, maya, ben, pat


def _reads() -> list[AuditEntry]:
    db.session.expire_all()
    query = db.select(AuditEntry).where(AuditEntry.kind == EntryKind.READ)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def _forget_entries() -> None:
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()


def _signed_in(client, role):
    user = make_user((role,), name=f"{role.value.title()} Reader")
    assert login(client, user).status_code == 302
    return user


def _one_read(client, url: str, headers=None):
    """GET `url` (200), and the single entry it wrote, checked to be one INSERT."""
    _forget_entries()
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
        body = response.get_data()
    assert response.status_code == 200, (url, response.status_code)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES")]
    assert len(inserts) == 1, inserts
    [entry] = _reads()
    dumped = json.dumps(
        [entry.action, entry.entity_type, entry.fields, entry.record_ids, entry.record_count]
    )
    assert not any(secret in dumped for secret in SECRETS)
    return entry, body


def _day() -> str:
    return camp_today().isoformat()


def test_the_roster_page_names_the_children_it_showed(client, camp):
    event, maya, ben, _pat = camp
    coordinator = _signed_in(client, Role.COORDINATOR)
    entry, _body = _one_read(client, f"/manage/events/{event.slug}/roster?status=confirmed")
    assert (entry.action, entry.actor_id) == ("event.roster_read", coordinator.id)
    assert (entry.entity_type, entry.entity_id) == ("events", event.id)
    assert entry.fields == ["status"]  # the filter's name, never its value
    assert entry.record_ids == sorted([maya.child_id, ben.child_id])
    assert entry.record_count == 2


def test_the_review_queue_names_the_children_on_its_cards(client, camp):
    event, _maya, _ben, pat = camp
    coordinator = _signed_in(client, Role.COORDINATOR)
    entry, body = _one_read(client, f"/manage/events/{event.slug}/review")
    assert b"Pat" in body
    assert (entry.action, entry.actor_id) == ("event.review_read", coordinator.id)
    assert entry.record_ids == [pat.child_id] and entry.record_count == 1


def test_the_verification_list_is_a_read(client, camp):
    event, *_rest = camp
    coordinator = _signed_in(client, Role.COORDINATOR)
    entry, _body = _one_read(client, f"/manage/events/{event.slug}/verification?q=Maya")
    assert (entry.action, entry.actor_id) == ("event.verification_read", coordinator.id)
    assert entry.fields == ["q", "state"]
    assert entry.record_count == len(entry.record_ids)


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("roster.csv", "event.export_roster_csv"),
        ("roster.xlsx", "event.export_roster_xlsx"),
        ("roster.csv?status=confirmed&q=a", "event.export_roster_csv"),
    ],
)
def test_each_roster_download_counts_its_rows(client, camp, path, action):
    event, *_rest = camp
    coordinator = _signed_in(client, Role.COORDINATOR)
    entry, body = _one_read(client, f"/manage/events/{event.slug}/{path}")
    assert (entry.action, entry.actor_id) == (action, coordinator.id)
    assert (entry.entity_type, entry.entity_id) == ("events", event.id)
    if path.startswith("roster.csv"):
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert entry.record_count == len(rows)
    else:
        assert entry.record_count == 3  # active: Maya, Ben, Pat
    assert entry.record_ids is None  # a download counts; only a page names its children


def test_the_medical_summary_counts_the_children_in_it(client, camp):
    event, *_rest = camp
    nurse_free = _signed_in(client, Role.COORDINATOR)
    entry, body = _one_read(client, f"/manage/events/{event.slug}/medical-summary.pdf")
    assert body.startswith(b"%PDF-")
    assert (entry.action, entry.actor_id) == ("event.export_medical_summary", nurse_free.id)
    assert entry.record_count == 2 and entry.fields == []
    entry, _body = _one_read(
        client, f"/manage/events/{event.slug}/medical-summary.pdf?include_pending=1"
    )
    assert entry.record_count == 3 and entry.fields == ["include_pending"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.NURSE])
def test_the_day_sheet_names_the_children_it_flagged(client, camp, role):
    event, maya, ben, _pat = camp
    reader = _signed_in(client, role)
    entry, body = _one_read(client, f"/attendance/{event.slug}/{_day()}")
    assert b"Allergy" in body
    assert (entry.action, entry.actor_id) == ("attendance.day_sheet_read", reader.id)
    assert entry.fields == ["day"]
    assert entry.record_ids == sorted([maya.child_id, ben.child_id])


def test_the_nurses_medication_record_is_a_read(client, camp):
    event, maya, _ben, _pat = camp
    nurse = _signed_in(client, Role.NURSE)
    entry, body = _one_read(client, f"/attendance/health-center/{event.slug}/{_day()}")
    assert b"Maya" in body and b"Peanuts" in body  # allergies first
    assert (entry.action, entry.actor_id) == ("medication_record.read", nurse.id)
    assert maya.child_id in entry.record_ids


def test_the_sign_in_sheet_is_a_read_of_the_allergy_flags(client, camp):
    event, *_rest = camp
    staff = _signed_in(client, Role.STAFF)
    day = _day()
    entry, body = _one_read(client, f"/attendance/{event.slug}/sign-in-sheet.pdf?date_from={day}")
    assert body.startswith(b"%PDF-")
    assert (entry.action, entry.actor_id) == ("attendance.export_sign_in_sheet", staff.id)
    assert entry.fields == ["date_from"]


def _bearer(user) -> dict:
    plain, _row = tokens.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize(
    ("role", "action", "shown"),
    [
        (Role.STAFF, "child.read", "allergies"),
        (Role.NURSE, "child.medical_read", "diagnosis"),
        (Role.COORDINATOR, "child.medical_read", "medications"),
    ],
)
def test_an_api_read_of_a_registration_names_the_child_and_the_fields(
    client, camp, role, action, shown
):
    _event, maya, _ben, _pat = camp
    reader = make_user((role,))
    headers = _bearer(reader)
    entry, _body = _one_read(client, f"/api/v1/registrations/{maya.id}", headers)
    assert (entry.action, entry.actor_id) == (action, reader.id)
    assert (entry.entity_type, entry.entity_id) == ("children", maya.child_id)
    assert shown in entry.fields
    if role == Role.STAFF:
        assert "diagnosis" not in entry.fields


def test_the_api_roster_counts_its_rows(client, camp):
    event, *_rest = camp
    staff = make_user((Role.STAFF,))
    entry, body = _one_read(client, f"/api/v1/events/{event.slug}/roster.csv", _bearer(staff))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert (entry.action, entry.actor_id, entry.entity_id) == (
        "event.export_roster_csv",
        staff.id,
        event.id,
    )
    assert entry.record_count == len(rows) == 3


def test_a_read_costs_one_insert_whatever_the_number_of_children(client, camp):
    event, maya, *_rest = camp
    _signed_in(client, Role.COORDINATOR)
    url = f"/manage/events/{event.slug}/roster.csv"
    _forget_entries()
    with counted_statements() as few:
        client.get(url).get_data()
    for n in range(12):
        child = make_child(maya.household, first_name=f"Kid{n}")
        register(event, child, maya.signed_by)
    db.session.commit()
    with counted_statements() as many:
        client.get(url).get_data()
    assert len(many) == len(few)
    assert [e.record_count for e in _reads()] == [3, 15]


def test_the_family_reading_its_own_child_makes_no_entry(client, camp):
    event, *_rest = camp
    parent = make_user((Role.PARENT,))
    child = make_child(parent.household, first_name="Lia", diagnosis="Neutropenia")
    registration = register(event, child, parent)
    db.session.commit()
    headers = _bearer(parent)
    _forget_entries()
    assert (
        client.get(f"/api/v1/registrations/{registration.id}", headers=headers).status_code == 200
    )
    for url in (f"/api/v1/family/children/{child.id}", "/api/v1/family"):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200 and b"Neutropenia" in answer.get_data(), url
    assert _reads() == []


def test_a_refused_read_writes_nothing(client, camp):
    """Staff may not open the medication record (403): nothing was shown, nothing recorded."""
    event, *_rest = camp
    _signed_in(client, Role.STAFF)
    _forget_entries()
    day_url = f"/attendance/health-center/{event.slug}/{_day()}"
    assert client.get(day_url).status_code == 403
    yesterday_of_nothing = (camp_today() + timedelta(days=400)).isoformat()
    assert client.get(f"/attendance/{event.slug}/{yesterday_of_nothing}").status_code == 404
    assert _reads() == []
