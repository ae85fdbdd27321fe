"""A medication may carry `times` ("HH:MM", camp time) at which a dose is due at camp
(contract v1.1): given through the API and the family's child form, refused when malformed."""

from camp_app.accounts import tokens
from camp_app.extensions import db
from camp_app.families.models import Medication
from camp_app.roles import Role
from tests.factories import login, make_user

CHILD = {
    "first_name": "Leo",
    "last_name": "Diaz",
    "date_of_birth": "2016-05-01",
    "relationship": "sibling",
}


def _headers(user) -> dict:
    plain, _row = tokens.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_times_are_kept_sorted_and_malformed_ones_change_nothing(client, app_ctx):
    headers = _headers(make_user((Role.PARENT,)))
    medication = {"name": "Hydroxyurea", "dose": "500 mg", "schedule": "twice a day"}
    for wrong in (["8am"], ["24:00"], "08:00", [800]):
        answer = client.post(
            "/api/v1/family/children",
            json={**CHILD, "medications": [{**medication, "times": wrong}]},
            headers=headers,
        )
        assert answer.status_code == 422, wrong
        assert answer.get_json()["errors"][0]["field"] == "medications[0].times"
    assert db.session.scalar(db.select(db.func.count(Medication.id))) == 0
    answer = client.post(
        "/api/v1/family/children",
        json={**CHILD, "medications": [{**medication, "times": ["20:00", "08:00", "20:00"]}]},
        headers=headers,
    )
    assert answer.status_code == 201
    assert answer.get_json()["medications"][0]["times"] == ["08:00", "20:00"]


def test_the_child_form_takes_and_shows_times(client, app_ctx):
    parent = make_user((Role.PARENT,))
    login(client, parent)
    data = {
        "first_name": "Leo",
        "last_name": "Diaz",
        "date_of_birth": "2016-05-01",
        "relationship": "sibling",
        "medications-0-name": "Hydroxyurea",
        "medications-0-dose": "500 mg",
        "medications-0-schedule": "twice a day",
        "medications-0-times": "20:00, 08:00",
        "save": "1",
    }
    answer = client.post("/family/children/new", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    medication = db.session.scalar(db.select(Medication))
    assert medication.times == ["08:00", "20:00"]
    edit = client.get(f"/family/children/{medication.child_id}/edit").get_data(as_text=True)
    assert 'value="08:00, 20:00"' in edit
