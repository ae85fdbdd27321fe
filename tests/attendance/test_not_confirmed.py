"""Only confirmed children are at camp: a registration pending review, waitlisted, declined or
cancelled has no check-out, absence, history or medication record page, and no attendance action
(one rule: attendance.common.registration_at_camp)."""

import pytest

from camp_app.attendance import services
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord
from camp_app.extensions import db
from camp_app.health_center.models import DoseRecord
from camp_app.roles import Role
from camp_app.service_errors import NotAllowed
from camp_app.timeutil import camp_today
from tests.api.conftest import token_for
from tests.attendance.helpers import family, register, running_camp, staff_member
from tests.factories import login, make_contact

NOT_CONFIRMED = ["pending_review", "waitlisted", "declined", "cancelled"]
MEDS = [{"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals", "times": ["08:00"]}]


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture(params=NOT_CONFIRMED)
def waiting(request, app_ctx):
    """An overnight camp and a registration in a status that is not confirmed, whose family
    has a pickup person and whose child takes a medication."""
    event = running_camp("overnight_camp")
    parent, child = family(first_name="Nina", last_name="Waits", medications=MEDS)
    make_contact(child.household, kind="pickup", name="Pia Pickup", phone="+13055550199")
    registration = register(event, child, parent, status=request.param)
    return event, registration, camp_today().isoformat()


@pytest.fixture
def staff_client(client, waiting):
    # The nurse: every attendance page and the medication log (counselors do not see it).
    login(client, staff_member(Role.NURSE))
    return client


def test_the_child_pages_refuse_with_a_page_that_says_why(staff_client, waiting):
    event, registration, day = waiting
    base = f"/attendance/{event.slug}/{day}"
    pages = [
        f"{base}/{registration.id}/check-out",
        f"{base}/{registration.id}/absent",
        f"{base}/{registration.id}/history",
        f"/attendance/health-center/{event.slug}/{day}/dose/{registration.id}",
    ]
    for url in pages:
        response = staff_client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, url
        assert "registration is not confirmed, so attendance cannot be recorded" in html, url
        assert f'href="{base}"' in html  # back to the day sheet
        # Nothing of the family's or the child's records leaks onto the page.
        assert "Pia Pickup" not in html and "5550199" not in html and "Ondansetron" not in html


def test_the_actions_through_the_pages_change_nothing(staff_client, waiting):
    event, registration, day = waiting
    base = f"/attendance/{event.slug}/{day}/{registration.id}"
    medication = registration.child.medications[0]
    posts = {
        f"{base}/check-out": {"pickup": "none"},
        f"{base}/absent": {"reason": "sick"},
        f"/attendance/health-center/{event.slug}/{day}/dose/{registration.id}": {
            "medication_id": str(medication.id),
            "due_at": f"{day}T08:00:00-05:00",
            "status": "given",
        },
    }
    for url, data in posts.items():
        assert staff_client.post(url, data=data).status_code == 404, url
    for action in ("check-in", "undo"):
        answer = staff_client.post(f"{base}/{action}", follow_redirects=True)
        assert "registration is not confirmed" in answer.get_data(as_text=True), action
    assert _count(AttendanceRecord) == _count(AttendanceEvent) == _count(DoseRecord) == 0


def test_every_service_action_refuses_not_confirmed(waiting):
    event, registration, _day = waiting
    staff, day = staff_member(), camp_today()
    actions = [
        lambda: services.check_in(staff, event, registration.id, day),
        lambda: services.check_out(staff, event, registration.id, day),
        lambda: services.mark_absent(staff, event, registration.id, day, "sick"),
        lambda: services.undo_last(staff, event, registration.id, day),
        lambda: services.registration_at_camp(event, registration.id),
    ]
    for action in actions:
        with pytest.raises(NotAllowed) as refused:
            action()
        assert [p.code for p in refused.value.problems] == ["not_confirmed"]


def test_a_registration_cancelled_after_check_in_cannot_be_undone_or_changed(app_ctx):
    event = running_camp("overnight_camp")
    parent, child = family()
    registration = register(event, child, parent)
    staff, day = staff_member(), camp_today()
    services.check_in(staff, event, registration.id, day)
    registration.status = "cancelled"
    db.session.commit()
    for action in (services.undo_last, services.check_out):
        with pytest.raises(NotAllowed):
            action(staff, event, registration.id, day)
    record = db.session.scalars(db.select(AttendanceRecord)).one()
    assert record.status == "checked_in"


@pytest.mark.parametrize("action", ["check_in", "check_out", "absent"])
def test_the_api_answers_422_not_confirmed(client, waiting, action):
    event, registration, day = waiting
    token = token_for(staff_member())
    answer = client.post(
        f"/api/v1/events/{event.slug}/attendance",
        json={"registration_id": registration.id, "date": day, "action": action},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    assert [e["code"] for e in answer.get_json()["errors"]] == ["not_confirmed"]
    assert _count(AttendanceRecord) == 0
