"""Hostile URLs answer a plain 404 or 400 before any view or query runs; every answer carries
our own request id; an unexpected error is logged by that id, the method, the endpoint and the
exception's type, never by its message; the database engine never shows bound values."""

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from camp_app.accounts import tokens
from camp_app.extensions import db
from camp_app.families import services as family_services
from camp_app.roles import Role
from tests.factories import make_event, make_user
from tests.hostile.test_text_in_forms import client_for
from tests.support.outside_requests import data

SECRET = "Leukemia-relapse"


@pytest.fixture(params=["sqlite_app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def db_app(request):
    return request.getfixturevalue(request.param)


def test_a_nul_in_a_path_is_a_404_that_reaches_no_view(db_app, caplog):
    client = db_app.test_client()
    api = client.get("/api/v1/events/%00")
    assert api.status_code == 404
    assert api.get_json()["errors"][0]["code"] == "not_found"
    for path in ("/events/%00", "/events/camp%1B/register", "/attendance/x/%00"):
        assert client.get(path).status_code in (302, 404), path  # signed out: login first
    staff, _household = client_for(db_app, (Role.STAFF,))
    assert staff.get("/attendance/%00/2027-06-14").status_code == 404
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_nul_or_control_character_in_a_query_argument_is_a_400(db_app):
    with data(db_app):
        slug = make_event().slug
    coordinator, _household = client_for(db_app, (Role.COORDINATOR,))
    for query in ("q=%00", "status=%1B", "q%00=x"):
        page = coordinator.get(f"/manage/events/{slug}/roster?{query}")
        assert page.status_code == 400, query
        with data(db_app):
            token = tokens.issue_token(make_user((Role.COORDINATOR,)))[0]
        api = coordinator.get(
            f"/api/v1/events/{slug}/registrations?{query}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert api.status_code == 400 and api.get_json()["errors"][0]["code"] == "bad_request"


def test_numbers_too_big_for_the_database_name_no_record(db_app):
    parent, _household = client_for(db_app)
    coordinator, _ = client_for(db_app, (Role.COORDINATOR,))
    huge = "9" * 30
    assert parent.get(f"/family/children/{huge}/edit").status_code == 404
    assert parent.get(f"/registrations/{2**31}/cancel").status_code == 404
    assert coordinator.get(f"/manage/outbox?page={huge}").status_code == 200
    assert coordinator.get(f"/manage/outbox?page=-{huge}").status_code == 200


def test_every_answer_carries_a_request_id_of_our_own(app):
    client = app.test_client()
    first = client.get("/", headers={"X-Request-ID": f"{SECRET}-forged"})
    second = client.get("/api/v1/events")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    assert ids[0] != ids[1] and SECRET not in ids[0]


def _explode(*_args, **_kwargs):
    try:
        raise KeyError(f"diagnosis={SECRET}")
    except KeyError as cause:
        raise RuntimeError(f"could not store {SECRET} for Maya") from cause


def test_an_unexpected_error_logs_its_request_id_and_type_but_never_its_message(
    db_app, caplog, monkeypatch
):
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(family_services, "add_child", _explode)
    parent, _household = client_for(db_app)
    form = {"first_name": "Maya", "last_name": "Lopez", "date_of_birth": "2016-05-01",
            "relationship": "patient", "diagnosis_category": "cancer", "diagnosis": SECRET,
            "save": "1"}  # fmt: skip
    page = parent.post("/family/children/new", data=form)
    assert page.status_code == 500
    request_id = page.headers["X-Request-ID"]
    assert request_id in page.get_data(as_text=True)  # to quote on the phone
    with data(db_app):
        token = tokens.issue_token(make_user((Role.PARENT,)))[0]
    api = parent.post(
        "/api/v1/family/children",
        json={**form, "diagnosis": SECRET},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 500 and api.get_json()["errors"][0]["code"] == "server_error"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 2, lines
    expected = f"request {request_id}: POST families.add_child raised RuntimeError < KeyError"
    assert expected in lines[0]
    assert f"request {api.headers['X-Request-ID']}: POST api.add_child" in lines[1]
    assert "test_requests_and_logs.py" not in lines[0]  # where in our code, not the test's
    assert SECRET not in caplog.text
    assert not [r for r in caplog.records if r.exc_info], "no traceback: its text has values"


def test_the_database_engine_never_shows_bound_values(db_app):
    with data(db_app):
        assert db.engine.hide_parameters is True
        with pytest.raises(StatementError) as caught:
            db.session.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": SECRET})
        assert SECRET not in str(caught.value)
