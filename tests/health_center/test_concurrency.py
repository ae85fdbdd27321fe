"""Two nurses recording the same dose at once, or correcting the same record at once: one is
recorded, the other gets 409 (PostgreSQL, real threads, the partial unique indexes)."""

import threading

import pytest

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.health_center import medication
from camp_app.health_center.models import DoseRecord
from camp_app.service_errors import Conflict
from tests.health_center.helpers import at, child_at_camp, nurse, overnight_camp


def _race(pg_app, event_id, nurse_ids, body) -> list[str]:
    barrier = threading.Barrier(len(nurse_ids))
    outcomes = []

    def record(nurse_id, status):
        with pg_app.test_request_context("/"):
            author = db.session.get(User, nurse_id)
            camp = db.session.get(Event, event_id)
            barrier.wait()
            try:
                medication.record_dose(author, camp, {**body, "status": status, "note": "x"})
                outcomes.append("201")
            except Conflict as error:
                outcomes.append(error.problems[0].code)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=record, args=(nurse_id, status))
        for nurse_id, status in zip(nurse_ids, ("given", "refused"), strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.parametrize("correcting", [False, True])
def test_two_nurses_at_once_record_one(pg_app, correcting):
    with pg_app.test_request_context("/"):
        event = overnight_camp()
        maya = child_at_camp(event)
        nurse_ids = [nurse().id, nurse().id]
        body = {
            "registration_id": maya.id,
            "medication_id": maya.child.medications[0].id,
            "due_at": at(8).isoformat(),
        }
        if correcting:
            first = medication.record_dose(
                db.session.get(User, nurse_ids[0]), event, {**body, "status": "given"}
            )
            body["corrects_id"] = first.id
        event_id = event.id

    outcomes = _race(pg_app, event_id, nurse_ids, body)
    expected = "already_corrected" if correcting else "dose_already_recorded"
    assert outcomes == ["201", expected]
    with pg_app.test_request_context("/"):
        count = db.session.scalar(db.select(db.func.count()).select_from(DoseRecord))
        assert count == (2 if correcting else 1)
