"""Sealed medical fields: a copy of the database reveals no diagnosis, allergy, medication or
health note; the migration seals the rows it finds (and its downgrade opens them); names and
dates stay searchable; `flask privacy rotate-keys` moves every value to the newest key."""

import json
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import inspect, select, text

from camp_app import sealing
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household
from camp_app.health_center.models import DoseRecord
from camp_app.privacy.key_rotation import sealed_columns
from camp_app.registrations import queries
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.roster import exports
from camp_app.roster.filters import RosterFilter, filtered_query
from tests.factories import make_child, make_contact, make_event, make_registration, make_user

# What a copy of the database must not show: each is unlike anything else in the rows.
SECRETS = {
    "diagnosis": "Ewing sarcoma of the left femur",
    "allergies": "Amoxicillin hives",
    "dietary_needs": "Neutropenic diet",
    "medical_conditions": "Hydroxyurea induced neutropenia",
    "physician_name": "Dr Quillfeather",
    "physician_phone": "+13055557777",
    "health_alert_note": "Port on right chest",
}
MEDICATION = {"name": "Deferasirox", "dose": "360 mg crushed", "schedule": "before breakfast"}
DOSE = {"dose": "361 mg crushed", "note": "Vomited twenty minutes later"}
CONTACT_NOTE = "Restraining order 2026-FL-0042"
ALERT = "seizure_plan"
DECISION = {"decision_note": "Welcome back after the transplant", "override_reason": "Relapsed ALL"}
ABSENCE = "Febrile neutropenia admission"
EVERY_SECRET = [
    *SECRETS.values(),
    *MEDICATION.values(),
    *DOSE.values(),
    CONTACT_NOTE,
    ALERT,
    *DECISION.values(),
    ABSENCE,
]

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture(params=["sqlite_app", "pg_app"])
def each_app(request):
    """The test on SQLite and on PostgreSQL."""
    return request.getfixturevalue(request.param)


def _records():
    """A child with every medical detail, a medication, a dose given at camp, a contact's note;
    returns the ids."""
    parent = make_user()
    child = make_child(
        parent.household,
        first_name="Tamsin",
        last_name="Oyelaran",
        health_alerts=[ALERT],
        medications=[dict(MEDICATION, times=["08:00"])],
        **SECRETS,
    )
    contact = make_contact(parent.household, kind="do_not_release", note=CONTACT_NOTE)
    nurse = make_user((Role.NURSE,))
    event = make_event()
    registration = make_registration(event, child, parent, **DECISION)
    today = datetime.now(UTC).date()
    db.session.add(
        AttendanceRecord(
            registration_id=registration.id, date=today, status="absent", absence_reason=ABSENCE
        )
    )
    db.session.add(
        AttendanceEvent(
            registration_id=registration.id,
            date=today,
            action="absent",
            status_before="expected",
            status_after="absent",
            note=ABSENCE,
            before={"status": "expected", "absence_reason": ABSENCE},
        )
    )
    dose = DoseRecord(
        registration_id=registration.id,
        child_id=child.id,
        medication_id=child.medications[0].id,
        medication_name=MEDICATION["name"],
        due_at=datetime.now(UTC),
        status="given",
        recorded_by_id=nurse.id,
        **DOSE,
    )
    db.session.add(dose)
    db.session.commit()
    ids = {
        "child": child.id,
        "contact": contact.id,
        "dose": dose.id,
        "event": event.id,
        "registration": registration.id,
    }
    db.session.remove()
    return ids


def _dump() -> str:
    """Every row of every table as text, as a dump of the database would show it."""
    lines = []
    with db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608
                lines.append(f"{table}: " + " | ".join(str(value) for value in row))
    return "\n".join(lines)


def _revealed(dump: str) -> list[str]:
    lowered = dump.lower()
    return [secret for secret in EVERY_SECRET if secret.lower() in lowered]


def _read_back_through_models(ids) -> None:
    db.session.remove()
    child = db.session.get(Child, ids["child"])
    for field, value in SECRETS.items():
        assert getattr(child, field) == value, field
    assert child.health_alerts == [ALERT]
    [medication] = child.medications
    assert {k: getattr(medication, k) for k in MEDICATION} == MEDICATION
    assert medication.times == ["08:00"]
    dose = db.session.get(DoseRecord, ids["dose"])
    assert (dose.medication_name, dose.dose, dose.note) == (
        MEDICATION["name"],
        DOSE["dose"],
        DOSE["note"],
    )
    assert db.session.get(Contact, ids["contact"]).note == CONTACT_NOTE
    registration = db.session.get(Registration, ids["registration"])
    assert (registration.decision_note, registration.override_reason) == tuple(DECISION.values())
    record = db.session.scalars(select(AttendanceRecord)).one()
    history = db.session.scalars(select(AttendanceEvent)).one()
    assert (record.absence_reason, history.note) == (ABSENCE, ABSENCE)
    assert history.before == {"status": "expected", "absence_reason": ABSENCE}


def test_every_medical_column_is_sealed_and_rotation_knows_it(app_ctx):
    labels = {column.label for column in sealed_columns()}
    expected = {f"children.{field}" for field in SECRETS} | {
        "children.health_alerts",
        "medications.name",
        "medications.dose",
        "medications.schedule",
        "dose_records.medication_name",
        "dose_records.dose",
        "dose_records.note",
        "health_visits.complaint",
        "health_visits.assessment",
        "health_visits.treatment",
        "health_visit_addenda.text",
        "contacts.note",
        "users.otp_secret",
        "registrations.decision_note",
        "registrations.override_reason",
        "attendance_records.absence_reason",
        "attendance_events.note",
        "attendance_events.before",
    }
    assert expected <= labels, expected - labels


def test_a_database_dump_reveals_no_medical_detail(each_app):
    with each_app.app_context():
        ids = _records()
        dump = _dump()
        assert "Tamsin" in dump and "Oyelaran" in dump  # the dump does show the rows
        assert _revealed(dump) == []
        _read_back_through_models(ids)


def test_the_sqlite_file_holds_no_medical_detail(sqlite_app):
    """A copy of the file, not only the rows SQL returns."""
    with sqlite_app.app_context():
        _records()
        db.engine.dispose()
        path = Path(db.engine.url.database)
    content = path.read_bytes().decode("latin-1").lower()
    assert "oyelaran" in content
    assert [s for s in EVERY_SECRET if s.lower() in content] == []


def test_names_and_dates_stay_searchable_and_empty_values_are_sealed_too(app_ctx):
    ids = _records()
    event = db.session.get(Event, ids["event"])
    found = db.session.scalars(filtered_query(event, RosterFilter(q="oyelar", sort="child")))
    assert [r.child.last_name for r in found] == ["Oyelaran"]
    found = db.session.scalars(filtered_query(event, RosterFilter(min_age=1, max_age=20)))
    assert [r.child_id for r in found] == [ids["child"]]

    household = Household()
    db.session.add(household)
    plain = make_child(household, diagnosis="", allergies="", first_name="Nell")
    raw = db.session.execute(
        text("SELECT diagnosis, allergies, dietary_needs FROM children WHERE id = :id"),
        {"id": plain.id},
    ).one()
    # Not even "has no allergies" shows: an empty value is a token like any other.
    assert all(value.startswith("gAAAAA") for value in raw), raw
    db.session.remove()
    assert db.session.get(Child, plain.id).allergies == ""


def test_the_migration_seals_existing_rows_and_its_downgrade_opens_them(each_app):
    with each_app.app_context():
        ids = _records()
        db.session.remove()

        flask_migrate.downgrade(revision="0007_camp_safety")
        plain = _dump()
        assert _revealed(plain) == EVERY_SECRET  # the downgrade wrote every value in the clear
        with db.engine.connect() as connection:
            raw = connection.execute(
                text("SELECT health_alerts, health_alert_note FROM children WHERE id = :id"),
                {"id": ids["child"]},
            ).one()
        alerts = json.loads(raw[0]) if isinstance(raw[0], str) else raw[0]  # JSON on PostgreSQL
        assert (alerts, raw[1]) == ([ALERT], SECRETS["health_alert_note"])

        flask_migrate.upgrade()
        assert _revealed(_dump()) == []
        _read_back_through_models(ids)


@pytest.fixture
def app_config():
    return {"ENCRYPTION_KEYS": OLD_KEY}


def _raw_tokens() -> list[str]:
    tokens = []
    with db.engine.connect() as connection:
        for column in sealed_columns():
            query = f"SELECT {column.name} FROM {column.table} WHERE {column.name} IS NOT NULL"  # noqa: S608
            tokens += [value for (value,) in connection.execute(text(query)) if value]
    return tokens


def test_rotate_keys_reseals_every_value_under_the_newest_key(app, runner):
    with app.app_context():
        ids = _records()
        tokens = _raw_tokens()
        assert len(tokens) >= len(EVERY_SECRET)
        Fernet(OLD_KEY).decrypt(tokens[0].encode())

    app.config["ENCRYPTION_KEYS"] = [NEW_KEY, OLD_KEY]  # a new key first, as after a restart
    result = runner.invoke(args=["privacy", "rotate-keys", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "children.diagnosis: 1 re-sealed, 0 already under the newest key" in result.output
    assert "medications.name: 1 re-sealed" in result.output
    assert f"Done: {len(tokens)} values re-sealed" in result.output

    with app.app_context():
        for token in _raw_tokens():
            Fernet(NEW_KEY).decrypt(token.encode())  # InvalidToken if one was left behind
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY).decrypt(_raw_tokens()[0].encode())

    again = runner.invoke(args=["privacy", "rotate-keys"])
    assert again.exit_code == 0, again.output
    assert "Done: 0 values re-sealed" in again.output  # resumable: nothing done twice
    assert "children.diagnosis: 0 re-sealed, 1 already under the newest key" in again.output

    app.config["ENCRYPTION_KEYS"] = [NEW_KEY]  # the old key dropped
    with app.app_context():
        _read_back_through_models(ids)
        assert _revealed(_dump()) == []


def test_rotate_keys_stops_clearly_when_no_key_opens_a_value(app, runner):
    with app.app_context():
        _records()
    app.config["ENCRYPTION_KEYS"] = [NEW_KEY]  # the old key dropped before rotating
    result = runner.invoke(args=["privacy", "rotate-keys"])
    assert result.exit_code == 1
    # the first sealed column in name order
    assert "no configured key opens attendance_events.before of row 1" in result.output
    assert ABSENCE not in result.output


def test_the_roster_exports_never_open_what_they_do_not_show(app_ctx, monkeypatch):
    """Each opened value costs a decryption: the roster (CSV, XLSX, API) leaves the diagnosis,
    conditions, physician and a contact's note sealed."""
    ids = _records()
    event = db.session.get(Event, ids["event"])
    opened = []
    unseal = sealing.unseal
    monkeypatch.setattr(sealing, "unseal", lambda token: opened.append(unseal(token)) or opened[-1])

    export = "".join(exports.roster_csv_lines(event, exports.export_filter(event, {})))
    api_roster = "".join(queries.roster_csv(event))
    for csv in (export, api_roster):
        assert SECRETS["allergies"] in csv and SECRETS["diagnosis"] not in csv
    assert SECRETS["allergies"] in opened  # what the roster shows is opened
    never = [SECRETS[k] for k in ("diagnosis", "medical_conditions", "physician_name")]
    assert [value for value in opened if value in [*never, CONTACT_NOTE]] == []
