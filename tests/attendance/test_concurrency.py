"""Two staff members tapping the same child at once (PostgreSQL, real threads)."""

import threading

from camp_app.accounts.models import User
from camp_app.attendance import services
from camp_app.attendance.models import AttendanceEvent
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.service_errors import Conflict
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member


def test_simultaneous_check_ins_record_one(pg_app):
    with pg_app.test_request_context("/"):
        event = running_camp()
        registration, _ = confirmed_child(event)
        staff_ids = [staff_member().id, staff_member().id]
        event_id, registration_id, today = event.id, registration.id, camp_today()

    barrier = threading.Barrier(2)
    outcomes = []

    def tap(staff_id):
        with pg_app.test_request_context("/"):
            staff = db.session.get(User, staff_id)
            camp = db.session.get(Event, event_id)
            barrier.wait()
            try:
                services.check_in(staff, camp, registration_id, today)
                outcomes.append("ok")
            except Conflict as error:
                outcomes.append(error.problems[0].code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tap, args=(i,)) for i in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already_checked_in", "ok"]
    with pg_app.test_request_context("/"):
        actions = db.session.scalars(db.select(AttendanceEvent.action)).all()
        assert actions == ["check_in"]
