"""Next year's camp: a coordinator copies an event (API and page); the copy is unpublished,
every date moves by the same amount, the settings, texts and cabins are the same."""

import html
from datetime import UTC, date, datetime

import pytest

from camp_app.audit.models import AuditEntry
from camp_app.events.consents import apply_documents, document_dict
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.roster.models import CampGroup
from tests.api.conftest import Api, token_for
from tests.events.helpers import add_registrations, sign_in
from tests.factories import make_event, make_group, make_user


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def sunrise(app_ctx):
    event = make_event(
        slug="camp-sunrise-2027",
        name="Camp Sunrise 2027",
        starts_on=date(2027, 6, 14),
        ends_on=date(2027, 6, 19),
        # 9:00 and 17:00 in New York, in winter (EST) and in spring (EDT).
        registration_opens_at=datetime(2027, 1, 4, 14, 0, tzinfo=UTC),
        registration_closes_at=datetime(2027, 4, 30, 21, 0, tzinfo=UTC),
        capacity=24,
        requires_review=True,
        requires_verification=True,
        translations={"es": {"name": "Campamento Amanecer 2027", "summary": "Una semana."}},
    )
    make_group(event, name="Bears", capacity=8, min_age=7, max_age=10, gender="girls")
    make_group(event, name="Wolves", capacity=6, members=add_registrations(event, "confirmed"))
    return event


def _copy_of(slug: str) -> Event:
    return db.session.scalar(db.select(Event).where(Event.slug == slug))


def _copy_to_2028(api, event):
    """A coordinator copies `event` through the API as camp-sunrise-2028."""
    token = token_for(make_user((Role.COORDINATOR,)))
    body = {"slug": "camp-sunrise-2028", "starts_on": "2028-06-12"}
    return api.post(f"/events/{event.slug}/copy", token, json=body)


def test_a_coordinator_copies_an_event_through_the_api(api, sunrise):
    answer = _copy_to_2028(api, sunrise)

    assert answer.status_code == 201, answer.data
    assert answer.headers["Location"].endswith("/api/v1/events/camp-sunrise-2028")
    body = answer.get_json()
    assert body["published"] is False and body["seats_taken"] == 0
    assert (body["starts_on"], body["ends_on"]) == ("2028-06-12", "2028-06-17")
    copy = _copy_of("camp-sunrise-2028")
    # 364 days later; 9:00 camp time stays 9:00 (EST in January, EDT at the end of April).
    assert copy.registration_opens_at == datetime(2028, 1, 3, 14, 0, tzinfo=UTC)
    assert copy.registration_closes_at == datetime(2028, 4, 28, 21, 0, tzinfo=UTC)
    assert copy.name == "Camp Sunrise 2028"
    assert copy.translations == {
        "es": {"name": "Campamento Amanecer 2028", "summary": "Una semana."}
    }
    assert (copy.capacity, copy.requires_review, copy.requires_verification) == (24, True, True)
    assert (copy.min_age, copy.max_age, copy.audience) == (7, 16, "patients")
    assert copy.diagnosis_categories == ["cancer", "blood_disorder"]
    assert copy.registration_counter == 0
    cabins = db.session.scalars(
        db.select(CampGroup).where(CampGroup.event_id == copy.id).order_by(CampGroup.name)
    ).all()
    assert [(c.name, c.capacity, c.min_age, c.max_age, c.gender) for c in cabins] == [
        ("Bears", 8, 7, 10, "girls"),
        ("Wolves", 6, None, None, ""),
    ]
    # The original is untouched.
    db.session.refresh(sunrise)
    assert sunrise.translations["es"]["name"] == "Campamento Amanecer 2027"
    assert sunrise.starts_on == date(2027, 6, 14)
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.entity_id) == ("event.copy", copy.id)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"slug": "camp-sunrise-2027", "starts_on": "2028-06-12"}, [("slug_taken", "slug")]),
        (
            {"slug": "Camp Sunrise", "starts_on": "next june"},
            [("invalid_slug", "slug"), ("invalid_date", "starts_on")],
        ),
        ({}, [("required", "slug"), ("required", "starts_on")]),
        ({"slug": "x", "starts_on": "2028-06-12", "capacity": 3}, [("unknown_field", "capacity")]),
    ],
)
def test_a_bad_copy_is_refused_and_nothing_is_made(api, sunrise, body, expected):
    token = token_for(make_user((Role.COORDINATOR,)))
    answer = api.post(f"/events/{sunrise.slug}/copy", token, json=body)
    assert answer.status_code == 422
    found = {(e["code"], e.get("field")) for e in answer.get_json()["errors"]}
    assert set(expected) <= found
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 1


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF, Role.NURSE])
def test_only_coordinators_and_admins_copy(api, sunrise, role):
    token = token_for(make_user((role,)))
    body = {"slug": "camp-sunrise-2028", "starts_on": "2028-06-12"}
    assert api.post(f"/events/{sunrise.slug}/copy", token, json=body).status_code == 403
    assert api.post("/events/no-such-camp/copy", token, json=body).status_code in (403, 404)


def test_the_copy_page_suggests_next_year_and_makes_the_copy(app_ctx, client, sunrise):
    sign_in(client, make_user((Role.COORDINATOR,)))
    manage = text_of(client.get("/manage/events"))
    assert f'href="/manage/events/{sunrise.slug}/copy"' in manage

    form = text_of(client.get(f"/manage/events/{sunrise.slug}/copy"))
    assert 'value="camp-sunrise-2028"' in form  # the year moved
    assert 'value="2028-06-12"' in form  # 52 weeks later: the same weekday

    refused = client.post(
        f"/manage/events/{sunrise.slug}/copy", data={"slug": sunrise.slug, "starts_on": ""}
    )
    page = text_of(refused)
    assert refused.status_code == 422
    assert "Another event already uses this web address name." in page
    assert 'id="starts_on-error"' in page

    made = client.post(
        f"/manage/events/{sunrise.slug}/copy",
        data={"slug": "camp-sunrise-2028", "starts_on": "2028-06-12"},
    )
    assert made.status_code == 302
    assert made.headers["Location"].endswith("/manage/events/camp-sunrise-2028/edit")
    copy = _copy_of("camp-sunrise-2028")
    assert copy.published is False and copy.ends_on == date(2028, 6, 17)


def test_a_copy_of_a_copy_gets_a_free_suggested_address(app_ctx, client, sunrise):
    make_event(slug="camp-sunrise-2028")
    sign_in(client, make_user((Role.COORDINATOR,)))
    form = text_of(client.get(f"/manage/events/{sunrise.slug}/copy"))
    assert 'value="camp-sunrise-2028-2"' in form


def test_a_copy_keeps_the_documents_parents_sign_and_upload(api, sunrise):
    """Consent documents as they read now (a coordinator's own one too) and the documents
    families upload come along; the copy's consent texts start again at version 1."""
    documents = [document_dict(d) for d in sunrise.active_documents]
    documents[0]["body"] = "An edited medical consent."
    documents.append(
        {"key": "swimming", "title": "Swimming in the lake", "body": "May swim.", "required": False}
    )
    apply_documents(sunrise, documents, None)
    sunrise.required_documents = [
        {"key": "physician_form", "title": "Physician", "description": "", "due_days_before": 30}
    ]
    db.session.commit()
    answer = _copy_to_2028(api, sunrise)

    assert answer.status_code == 201, answer.data
    copy = _copy_of("camp-sunrise-2028")
    by_key = {d.key: d for d in copy.active_documents}
    assert list(by_key) == [d.key for d in sunrise.active_documents]
    assert by_key["medical_treatment"].current.body == "An edited medical consent."
    assert by_key["medical_treatment"].version == 1
    assert by_key["swimming"].required is False
    assert copy.required_documents == sunrise.required_documents
