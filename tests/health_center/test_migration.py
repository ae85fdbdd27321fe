"""Migration 0010_health_center: the old medication log's doses become `given` records of the
new medication record (notes sealed), and the old table is gone; downgrading brings them back."""

from datetime import UTC, datetime

import flask_migrate
from sqlalchemy import inspect, text

from camp_app.extensions import db
from camp_app.health_center.models import DoseRecord
from tests.factories import make_child, make_event, make_registration, make_user

GIVEN_AT = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)


def test_old_doses_move_into_the_medication_record(sqlite_app):
    with sqlite_app.app_context():
        parent = make_user()
        nurse = make_user(("nurse",))
        child = make_child(
            parent.household,
            medications=[{"name": "Ondansetron", "dose": "4 mg", "schedule": "am"}],
        )
        event = make_event(kind="overnight_camp")
        registration = make_registration(event, child, parent)
        child_id, medication_id, nurse_id = child.id, child.medications[0].id, nurse.id
        registration_id = registration.id
        db.session.remove()
        flask_migrate.downgrade(revision="0007_camp_safety")
        with db.engine.begin() as connection:
            for note in ("with dinner", ""):
                connection.execute(
                    text(
                        "INSERT INTO medication_doses (registration_id, child_id, "
                        "medication_id, medication_name, dose, given_at, given_by_id, note, "
                        "created_at) VALUES (:r, :c, :m, 'Ondansetron', '4 mg', :g, :n, "
                        ":note, :g)"
                    ),
                    {
                        "r": registration_id,
                        "c": child_id,
                        "m": medication_id,
                        "g": GIVEN_AT,
                        "n": nurse_id,
                        "note": note,
                    },
                )
        flask_migrate.upgrade()
        assert "medication_doses" not in inspect(db.engine).get_table_names()
        records = db.session.scalars(db.select(DoseRecord).order_by(DoseRecord.id)).all()
        assert [(r.status, r.due_at, r.recorded_by_id, r.note) for r in records] == [
            ("given", GIVEN_AT, nurse_id, "with dinner"),
            ("given", GIVEN_AT, nurse_id, ""),
        ]
        # Two doses of one medication at one moment: the second keeps its copy, not the link.
        assert [r.medication_id for r in records] == [medication_id, None]
        raw = db.session.execute(text("SELECT note FROM dose_records")).scalars().all()
        assert "with dinner" not in raw[0]
        db.session.remove()

        flask_migrate.downgrade(revision="0007_camp_safety")
        with db.engine.connect() as connection:
            notes = connection.execute(
                text("SELECT note FROM medication_doses ORDER BY id")
            ).scalars()
            assert list(notes) == ["with dinner", ""]
        flask_migrate.upgrade()
