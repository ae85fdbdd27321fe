"""An event's texts in Spanish: coordinators enter them (API and form), readers get them in
their language (Accept-Language in the API, the page's language, the mail's), English where a
text is not translated."""

import html

import pytest

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations import mails
from camp_app.roles import Role
from tests.api.conftest import Api, token_for
from tests.events.helpers import event_data, sign_in
from tests.factories import make_child, make_event, make_user

SPANISH = {"name": "Campamento Sol", "summary": "Una semana de campamento.", "description": ""}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def api(client):
    return Api(client)


def test_a_coordinator_enters_both_languages_and_readers_get_theirs(api, app_ctx):
    token = token_for(make_user((Role.COORDINATOR,)))
    body = event_data(translations={"es": SPANISH})
    created = api.post("/events", token, json=body)
    assert created.status_code == 201, created.data
    # Stored without the empty description: a Spanish reader gets the English one.
    assert created.get_json()["translations"] == {
        "es": {"name": "Campamento Sol", "summary": "Una semana de campamento."}
    }

    spanish = api.get("/events/summer-camp", headers={"Accept-Language": "es-MX,es;q=0.9"})
    english = api.get("/events/summer-camp", headers={"Accept-Language": "en-US"})
    nobody = api.get("/events/summer-camp")
    listed = api.get("/events", headers={"Accept-Language": "es"}).get_json()

    answer = spanish.get_json()
    assert (answer["name"], answer["summary"]) == ("Campamento Sol", "Una semana de campamento.")
    assert answer["description"] == "Cabins and a lake."  # not translated: English
    assert english.get_json()["name"] == "Summer Camp"
    assert nobody.get_json()["name"] == "Summer Camp"
    assert [e["name"] for e in listed] == ["Campamento Sol"]


def test_a_patch_changes_only_the_texts_given(api, app_ctx):
    token = token_for(make_user((Role.COORDINATOR,)))
    event = make_event(translations={"es": {"name": "Campamento", "summary": "Resumen"}})

    answer = api.patch(
        f"/events/{event.slug}", token, json={"translations": {"es": {"summary": ""}}}
    )

    assert answer.status_code == 200, answer.data
    db.session.refresh(event)
    assert event.translations == {"es": {"name": "Campamento"}}


@pytest.mark.parametrize(
    ("translations", "field"),
    [
        ("Campamento", "translations"),
        ({"fr": {"name": "Camp"}}, "translations.fr"),
        ({"es": {"name": "x" * 161}}, "translations.es.name"),
        ({"es": {"title": "Campamento"}}, "translations.es.title"),
    ],
)
def test_bad_translations_are_refused_by_field_and_nothing_is_saved(
    api, app_ctx, translations, field
):
    token = token_for(make_user((Role.COORDINATOR,)))
    answer = api.post("/events", token, json=event_data(translations=translations))
    assert answer.status_code == 422
    assert field in [e.get("field") for e in answer.get_json()["errors"]]
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


@pytest.mark.parametrize("app_config", [{"PUBLIC_READ_CACHE_SECONDS": 30}])
def test_the_public_read_cache_keeps_each_language_apart(api, app_ctx, app_config):
    event = make_event(name="Sun Camp", translations={"es": {"name": "Campamento Sol"}})
    path = f"/events/{event.slug}"
    assert api.get(path, headers={"Accept-Language": "es"}).get_json()["name"] == "Campamento Sol"
    assert api.get(path, headers={"Accept-Language": "en"}).get_json()["name"] == "Sun Camp"
    # Another spelling of the same language is the same answer.
    again = api.get(path, headers={"Accept-Language": "es-ES,es;q=0.8"}).get_json()
    assert again["name"] == "Campamento Sol"
    assert len(api.client.application.extensions["public_answers"]) == 2


def test_pages_in_spanish_show_the_spanish_texts(app, client):
    # No app context around the requests: Flask-Babel keeps a context's language once chosen.
    with app.app_context():
        slug = make_event(
            name="Sun Camp",
            summary="A week of sun.",
            description="Lake and campfire.",
            translations={"es": {"name": "Campamento Sol", "summary": "Una semana de sol."}},
        ).slug
    english_catalog = text_of(client.get("/"))
    client.post("/language/es", data={"next": "/"})
    catalog = text_of(client.get("/"))
    page = text_of(client.get(f"/events/{slug}"))

    assert "Sun Camp" in english_catalog and "Campamento Sol" not in english_catalog
    assert "Campamento Sol" in catalog and "Una semana de sol." in catalog
    assert "Sun Camp" not in catalog
    assert "<title>Campamento Sol" in page
    assert "Lake and campfire." in page  # no Spanish description: the English one


def test_the_coordinators_form_carries_the_spanish_texts(app_ctx, client):
    sign_in(client, make_user((Role.COORDINATOR,)))
    form = text_of(client.get("/manage/events/new"))
    assert 'name="name_es"' in form and 'name="description_es"' in form
    fields = {
        "name": "Art Day",
        "slug": "",
        "kind": "day_camp",
        "starts_on": "2027-08-02",
        "ends_on": "2027-08-02",
        "registration_opens_at": "2027-01-04T09:00",
        "registration_closes_at": "2027-07-15T17:30",
        "capacity": "12",
        "audience": "anyone",
        "name_es": "Día de arte",
        "summary_es": "",
        "description_es": "Un día en el taller.",
    }

    response = client.post("/manage/events/new", data=fields)

    assert response.status_code == 302, text_of(response)
    event = db.session.scalar(db.select(Event))
    assert event.slug == "art-day"  # left empty: made from the name
    assert event.translations == {
        "es": {"name": "Día de arte", "description": "Un día en el taller."}
    }
    edit = text_of(client.get(f"/manage/events/{event.slug}/edit"))
    assert 'value="Día de arte"' in edit
    too_long = client.post(
        f"/manage/events/{event.slug}/edit",
        data={**fields, "slug": "art-day", "name_es": "x" * 161},
    )
    page = text_of(too_long)
    assert 'id="name_es-error"' in page and 'id="name-error"' not in page
    db.session.refresh(event)
    assert event.translations["es"]["name"] == "Día de arte"


@pytest.mark.parametrize(
    ("locale", "expected", "absent"),
    [("es", "Campamento Sol", "Sun Camp"), ("en", "Sun Camp", "Campamento Sol")],
)
def test_a_registration_mail_names_the_event_in_the_guardians_language(
    app_ctx, locale, expected, absent
):
    event = make_event(name="Sun Camp", translations={"es": {"name": "Campamento Sol"}})
    guardian = make_user()
    guardian.locale = locale
    db.session.commit()
    child = make_child(guardian.household, first_name="Sofía")

    [mail] = mails.render("confirmed", child, event, "confirmed", [guardian])

    assert expected in mail.subject and absent not in mail.subject
    assert expected in mail.body_text and absent not in mail.body_text
    assert expected in mail.body_html
