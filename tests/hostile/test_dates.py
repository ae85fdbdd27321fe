"""Dates far outside any camp's years (9999-12-31 used to raise OverflowError when a day was
added or the camp's time zone applied) get the field's normal error, in forms and the API."""

from datetime import timedelta

import pytest

from camp_app.accounts import tokens
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.factories import make_child, make_event, make_registration, make_user
from tests.hostile.test_fuzz_api import EVENT as EVENT_JSON
from tests.hostile.test_text_in_forms import EVENT as EVENT_FORM
from tests.hostile.test_text_in_forms import client_for, count_of
from tests.support.outside_requests import data

FAR = ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"]


@pytest.mark.parametrize("day", FAR)
def test_the_event_form_refuses_a_last_day_outside_the_years_a_camp_can_have(app, day):
    client, _household = client_for(app, (Role.COORDINATOR,))
    for field in ("starts_on", "ends_on"):
        response = client.post("/manage/events/new", data={**EVENT_FORM, field: day})
        assert response.status_code == 200
        assert "Enter a date between 1900 and 2199." in response.get_data(as_text=True)
    for field in ("registration_opens_at", "registration_closes_at"):
        response = client.post("/manage/events/new", data={**EVENT_FORM, field: f"{day}T23:59"})
        assert "Enter a date between 1900 and 2199." in response.get_data(as_text=True)
    assert count_of(app, Event) == 0


@pytest.mark.parametrize("day", FAR)
def test_the_api_refuses_event_dates_outside_the_years_a_camp_can_have(app, day):
    with data(app):
        token = tokens.issue_token(make_user((Role.COORDINATOR,)))[0]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for field, value in [("ends_on", day), ("registration_closes_at", f"{day}T23:59:59+14:00")]:
        body = {**EVENT_JSON, field: value}
        response = client.post("/api/v1/events", json=body, headers=headers)
        assert response.status_code == 422, response.get_json()
        error = response.get_json()["errors"][0]
        assert (error["code"], error["field"]) == ("date_out_of_range", field)
    assert count_of(app, Event) == 0


def _overnight_camp_with_a_dose_to_give(app):
    with data(app):
        today = camp_today()
        camp = make_event(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
        parent = make_user((Role.PARENT,))
        medication = {"name": "Ondansetron", "dose": "4 mg", "schedule": "morning"}
        child = make_child(parent.household, medications=[medication])
        registration = make_registration(camp, child, parent)
        db.session.refresh(child)
        return camp.slug, today.isoformat(), registration.id, child.medications[0].id


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_visit_at_an_impossible_time_is_refused_on_the_form(app, moment):
    slug, day, registration_id, _medication_id = _overnight_camp_with_a_dose_to_give(app)
    client, _household = client_for(app, (Role.NURSE,))  # the health log is the nurse's
    form = {
        "registration_id": str(registration_id),
        "seen_at": moment,
        "complaint": "Headache",
        "disposition": "observed",
        "guardian_notified_at": moment,
    }
    response = client.post(f"/attendance/health-center/{slug}/{day}/visits/new", data=form)
    assert response.status_code in (200, 422)
    assert "Enter a date between 1900 and 2199." in response.get_data(as_text=True)


def test_filters_with_far_dates_say_so_instead_of_failing(app):
    client, _household = client_for(app, (Role.ADMIN, Role.STAFF))
    audit = client.get("/admin/audit?to=9999-12-31")
    assert audit.status_code in (200, 400)
    assert "for example 2027-03-01" in audit.get_data(as_text=True)
    slug, _day, _registration, _medication = _overnight_camp_with_a_dose_to_give(app)
    export = client.get(f"/attendance/{slug}/export.csv?date_to=9999-12-31")
    assert export.status_code == 400
    assert client.get(f"/attendance/{slug}/9999-12-31").status_code == 404
