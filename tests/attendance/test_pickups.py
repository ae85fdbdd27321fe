"""Who may take a child home: guardians always, pickup people, never a do_not_release person
(the refusal is loud, recorded and gives the coordinator's phone) — services, pages and API."""

import pytest

from camp_app.accounts import tokens
from camp_app.attendance import services
from camp_app.attendance.models import AttendanceEvent
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.service_errors import NotAllowed
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, history_actions, running_camp, staff_member
from tests.factories import login, make_contact, make_user


def guardian_of(child, name="Rosa Lopez"):
    parent = make_user((Role.PARENT,), name=name, household=False)
    parent.household = child.household
    parent.phone = "+13055550111"
    db.session.commit()
    return parent


@pytest.fixture
def camp(app_ctx):
    event = running_camp("day_camp", name="Bear Hug", contact_phone="+13055550199")
    maya, pickup = confirmed_child(event, first_name="Maya")
    mother = guardian_of(maya.child)
    barred = make_contact(
        maya.child.household,
        kind="do_not_release",
        name="Victor Vance",
        relationship="father",
        phone="",
        note="court order on file",
    )
    staff = staff_member()
    services.check_in(staff, event, maya.id, camp_today())
    return event, maya, pickup, mother, barred, staff


def test_a_guardian_of_the_household_may_always_pick_up(camp):
    event, maya, _pickup, mother, _barred, staff = camp
    record = services.check_out(staff, event, maya.id, camp_today(), pickup_guardian_id=mother.id)
    assert record.status == "checked_out"
    assert record.picked_up_by_guardian_id == mother.id
    assert record.picked_up_by_name == "Rosa Lopez"
    assert services.record_to_dict(record)["picked_up_by_guardian_id"] == mother.id


def test_a_parent_of_another_household_is_not_a_guardian_here(camp):
    event, maya, _pickup, _mother, _barred, staff = camp
    stranger = make_user((Role.PARENT,), name="Other Parent")
    with pytest.raises(NotAllowed) as refused:
        services.check_out(staff, event, maya.id, camp_today(), pickup_guardian_id=stranger.id)
    assert refused.value.problems[0].code == "pickup_not_authorized"
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).status == "checked_in"


def test_a_do_not_release_person_is_refused_recorded_and_the_coordinator_named(camp):
    event, maya, _pickup, _mother, barred, staff = camp
    with pytest.raises(NotAllowed) as refused:
        services.check_out(staff, event, maya.id, camp_today(), barred.id)
    problem = refused.value.problems[0]
    assert problem.code == "pickup_restricted"
    assert "Victor Vance" in problem.message and "(305) 555-0199" in problem.message
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).status == "checked_in"
    attempt = db.session.scalar(
        db.select(AttendanceEvent).where(AttendanceEvent.action == "pickup_refused")
    )
    assert (attempt.pickup_contact_id, attempt.pickup_name) == (barred.id, "Victor Vance")
    assert attempt.note == "do_not_release"
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "attendance.pickup_restricted" in actions


def test_typing_the_restricted_persons_name_as_unlisted_is_refused_as_restricted(camp):
    event, maya, _pickup, _mother, _barred, staff = camp
    with pytest.raises(NotAllowed) as refused:
        services.check_out(staff, event, maya.id, camp_today(), None, "  victor   VANCE ")
    assert refused.value.problems[0].code == "pickup_restricted"
    assert history_actions(maya)[-1] == "pickup_refused"


def test_a_do_not_release_person_is_refused_at_an_overnight_camp_too(app_ctx):
    event = running_camp("overnight_camp")
    maya, _pickup = confirmed_child(event)
    barred = make_contact(maya.child.household, kind="do_not_release", name="V", phone="")
    staff = staff_member()
    services.check_in(staff, event, maya.id, camp_today())
    with pytest.raises(NotAllowed) as refused:
        services.check_out(staff, event, maya.id, camp_today(), barred.id)
    assert refused.value.problems[0].code == "pickup_restricted"


def test_a_restriction_for_one_sibling_does_not_touch_the_other(app_ctx):
    from tests.factories import make_child, make_registration

    event = running_camp("day_camp")
    maya, _pickup = confirmed_child(event)
    brother = make_child(maya.child.household, first_name="Leo")
    leo = make_registration(event, brother, maya.signed_by)
    barred = make_contact(maya.child.household, kind="do_not_release", name="V", phone="")
    barred.children = [maya.child]
    db.session.commit()
    sheet = services.day_sheet(event, camp_today())
    assert [c.name for c in sheet.restricted[maya.child.id]] == ["V"]
    assert brother.id not in sheet.restricted
    assert leo.id


# --- pages --------------------------------------------------------------------------------


def _check_out_url(event, registration):
    return f"/attendance/{event.slug}/{camp_today().isoformat()}/{registration.id}/check-out"


def test_the_day_sheet_and_check_out_page_show_the_alert(client, camp):
    event, maya, _pickup, _mother, _barred, _staff = camp
    login(client, staff_member())
    sheet = client.get(f"/attendance/{event.slug}/{camp_today().isoformat()}")
    assert "Do not release to: Victor Vance" in sheet.get_data(as_text=True)
    page = client.get(_check_out_url(event, maya)).get_data(as_text=True)
    assert "Never release to:" in page and "court order on file" in page
    assert "Rosa Lopez (guardian)" in page  # the mother is a choice, not refused


def test_check_out_to_the_mother_through_the_page(client, camp):
    event, maya, _pickup, mother, _barred, _staff = camp
    login(client, staff_member())
    answer = client.post(_check_out_url(event, maya), data={"pickup": f"guardian-{mother.id}"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).picked_up_by_guardian_id == mother.id


def test_check_out_to_the_restricted_person_is_a_loud_page_with_the_phone(client, camp):
    event, maya, _pickup, _mother, barred, _staff = camp
    login(client, staff_member())
    answer = client.post(_check_out_url(event, maya), data={"pickup": str(barred.id)})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'role="alert"' in html and "Do not release the child" in html
    assert 'href="tel:+13055550199"' in html and "(305) 555-0199" in html
    db.session.expire_all()
    assert services.day_record(maya, camp_today()).status == "checked_in"


# --- API ----------------------------------------------------------------------------------


def _bearer(role=Role.STAFF) -> dict:
    plain, _row = tokens.issue_token(make_user((role,)))
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_pickups_endpoint_lists_guardians_pickup_people_and_restricted(client, camp):
    _event, maya, pickup, mother, barred, _staff = camp
    answer = client.get(f"/api/v1/registrations/{maya.id}/pickups", headers=_bearer())
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["allowed"] == [
        {
            "kind": "guardian",
            "id": mother.id,
            "name": "Rosa Lopez",
            "relationship": "guardian",
            "phone": "+13055550111",
            "phone_display": "(305) 555-0111",
        },
        {
            "kind": "pickup",
            "id": pickup.id,
            "name": "Ana Lopez",
            "relationship": "aunt",
            "phone": "+13055550100",
            "phone_display": "(305) 555-0100",
        },
    ]
    assert body["restricted"] == [
        {
            "id": barred.id,
            "name": "Victor Vance",
            "relationship": "father",
            "note": "court order on file",
        }
    ]


def test_pickups_endpoint_is_for_camp_roles_and_confirmed_registrations(client, camp):
    event, _maya, _pickup, _mother, _barred, _staff = camp
    waiting, _ = confirmed_child(event)
    waiting.status = "pending"
    db.session.commit()
    url = f"/api/v1/registrations/{waiting.id}/pickups"
    assert client.get(url, headers=_bearer(Role.PARENT)).status_code == 403
    answer = client.get(url, headers=_bearer(Role.NURSE))
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["code"] == "not_confirmed"
    assert client.get("/api/v1/registrations/999999/pickups", headers=_bearer()).status_code == 404


def test_api_check_out_restricted_is_422_and_guardian_is_allowed(client, camp):
    event, maya, _pickup, mother, barred, _staff = camp
    url = f"/api/v1/events/{event.slug}/attendance"
    body = {"registration_id": maya.id, "date": camp_today().isoformat(), "action": "check_out"}
    headers = _bearer()
    refused = client.post(url, json={**body, "pickup_contact_id": barred.id}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "pickup_restricted"
    allowed = client.post(url, json={**body, "pickup_guardian_id": mother.id}, headers=headers)
    assert allowed.status_code == 200
    assert allowed.get_json()["picked_up_by_guardian_id"] == mother.id


# --- the family's side --------------------------------------------------------------------


def test_families_name_a_do_not_release_person_without_a_phone(client, app_ctx):
    parent = make_user((Role.PARENT,))
    plain, _row = tokens.issue_token(parent)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    body = {"kind": "do_not_release", "name": "Victor Vance", "relationship": "father"}
    answer = client.post(
        "/api/v1/family/contacts", json={**body, "note": "court order on file"}, headers=headers
    )
    assert answer.status_code == 201
    assert answer.get_json()["note"] == "court order on file"
    no_phone = client.post(
        "/api/v1/family/contacts", json={**body, "kind": "pickup"}, headers=headers
    )
    assert no_phone.status_code == 422
    assert [e["field"] for e in no_phone.get_json()["errors"]] == ["phone"]


def test_the_family_page_adds_and_lists_a_do_not_release_person(client, app_ctx):
    parent = make_user((Role.PARENT,))
    login(client, parent)
    form = client.get("/family/contacts/new?kind=do_not_release").get_data(as_text=True)
    assert "Must never pick up" in form
    answer = client.post(
        "/family/contacts/new",
        data={
            "kind": "do_not_release",
            "name": "Victor Vance",
            "relationship": "father",
            "note": "court order on file",
            "save": "1",
        },
    )
    assert answer.status_code == 302
    page = client.get("/family").get_data(as_text=True)
    assert "People who must never pick up" in page and "court order on file" in page
