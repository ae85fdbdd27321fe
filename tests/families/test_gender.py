"""The child's optional gender (for planning cabins): the form, the API, checks and audit."""

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.families.children import clean_child
from camp_app.families.models import Child, Household
from camp_app.service_errors import InvalidInput
from tests.api.conftest import token_for
from tests.factories import make_child, make_user

from .conftest import child_data, data, person, sign_in
from .test_pages import child_form, error_text


def test_gender_is_optional_and_checked(ctx):
    assert clean_child(child_data())["gender"] == ""
    assert clean_child(child_data(gender="nonbinary"))["gender"] == "nonbinary"
    with pytest.raises(InvalidInput) as caught:
        clean_child(child_data(gender="robot"))
    [problem] = caught.value.problems
    assert (problem.code, problem.field) == ("invalid_choice", "gender")
    assert "female, male or nonbinary" in problem.message
    with pytest.raises(InvalidInput):
        clean_child({"gender": 3}, current={"relationship": "sibling"})


@pytest.fixture
def parent(app, client):
    user = person(app, name="Rosa Lopez")
    sign_in(client, user)
    return user


def _gender_of(app, household_id) -> str:
    with data(app) as session:
        return session.scalars(
            session.query(Child.gender).filter_by(household_id=household_id).statement
        ).one()


def test_the_form_offers_not_given_by_default(client, parent):
    page = client.get("/family/children/new").get_data(as_text=True)
    # The first option is what a browser sends when nobody chooses.
    assert 'id="gender" name="gender"><option value="">Not given</option>' in page
    assert '<option value="nonbinary">Nonbinary</option>' in page


def test_the_form_saves_and_shows_the_gender(app, client, parent):
    response = client.post("/family/children/new", data=child_form(gender="female"))
    assert response.status_code == 302
    assert _gender_of(app, parent.household_id) == "female"
    with data(app) as session:
        child_id = session.scalars(
            session.query(Child.id).filter_by(household_id=parent.household_id).statement
        ).one()
    page = client.get(f"/family/children/{child_id}/edit").get_data(as_text=True)
    assert '<option selected value="female">Female</option>' in page


def test_an_unknown_gender_is_named_next_to_the_field(app, client, parent):
    with data(app) as session:
        child_id = make_child(session.get(Household, parent.household_id)).id
    response = client.post(f"/family/children/{child_id}/edit", data=child_form(gender="x"))
    assert response.status_code == 422
    assert "female, male or nonbinary" in error_text(response.get_data(as_text=True), "gender")
    assert _gender_of(app, parent.household_id) == ""


def test_api_reads_and_patches_the_gender_and_audits_the_field_name(app_ctx, client):
    from tests.api.conftest import Api

    api = Api(client)
    parent = make_user()
    token = token_for(parent)
    created = api.post("/family/children", token, json=child_data())
    assert created.status_code == 201 and created.json["gender"] == ""
    child_id = created.json["id"]
    patched = api.patch(f"/family/children/{child_id}", token, json={"gender": "male"})
    assert patched.status_code == 200 and patched.json["gender"] == "male"
    assert api.get(f"/family/children/{child_id}", token).json["gender"] == "male"
    entry = AuditEntry.query.filter_by(action="child.update", entity_id=child_id).one()
    assert entry.fields == ["gender"]  # the name, never the value

    bad = api.patch(f"/family/children/{child_id}", token, json={"gender": "M"})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "gender"
    cleared = api.patch(f"/family/children/{child_id}", token, json={"gender": ""})
    assert cleared.json["gender"] == ""


def test_api_shows_gender_not_given_for_every_child(app_ctx, client):
    from tests.api.conftest import Api

    parent = make_user()
    make_child(parent.household)
    [shown] = Api(client).get("/family", token_for(parent)).json["children"]
    assert shown["gender"] == ""
