"""Returning families: a child who came to an earlier camp registers again only after a
guardian confirms the medical details, medications and contacts as still current (dated);
the nurse sees when each profile was last confirmed."""

import html
import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration
from tests.factories import login, make_event, make_registration
from tests.readiness.conftest import World

CONSENTS = {
    "consent-medical_treatment": "yes",
    "consent-liability_waiver": "yes",
    "signature": "Paula Parent",
}


def text_of(response) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return html.unescape(words)


def _last_year(world: World):
    """Maya came to last year's camp; her details were confirmed then."""
    past = make_event(
        slug="camp-2026", starts_on=date(2026, 6, 15), ends_on=date(2026, 6, 20), published=True
    )
    make_registration(past, world.child, world.parent)
    world.child.medical_confirmed_at = datetime(2026, 4, 1, tzinfo=UTC)
    db.session.commit()


def _register(client, world):
    data = {**CONSENTS, "children": [str(world.child.id)]}
    return client.post(f"/events/{world.event.slug}/register", data=data)


def _new_camp(world):
    event = make_event(slug="camp-2027b", starts_on=date(2027, 7, 5), ends_on=date(2027, 7, 10))
    world.event = event
    return event


def test_a_returning_child_is_asked_to_confirm_before_registering(client, world):
    _last_year(world)
    event = _new_camp(world)
    login(client, world.parent)
    page = text_of(client.get(f"/events/{event.slug}/register"))
    assert "Maya came to an earlier camp" in page
    refused = _register(client, world)
    assert refused.status_code == 422
    assert "please check that Maya's medical details" in text_of(refused)
    assert (
        db.session.scalar(select(Registration.id).where(Registration.event_id == event.id)) is None
    )

    confirm_url = f"/family/children/{world.child.id}/confirm"
    review = text_of(client.get(f"{confirm_url}?next=/events/{event.slug}/register"))
    assert "peanuts" in review and "Ana Lopez" in review  # allergies and the contact
    answer = client.post(confirm_url, data={"next": f"/events/{event.slug}/register"})
    assert answer.status_code == 302 and answer.location.endswith(f"/events/{event.slug}/register")
    db.session.refresh(world.child)
    assert world.child.medical_confirmed_at.year == datetime.now(UTC).year
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "child.medical_confirmed")
    ).all()
    assert entry.fields == ["medical_confirmed_at"]

    assert "came to an earlier camp" not in text_of(client.get(f"/events/{event.slug}/register"))
    assert _register(client, world).status_code == 302


def test_a_confirmation_this_season_is_enough_even_in_the_year_before(client, world):
    _last_year(world)
    world.child.medical_confirmed_at = datetime(2026, 11, 1, tzinfo=UTC)  # after last camp
    db.session.commit()
    _new_camp(world)
    login(client, world.parent)
    assert _register(client, world).status_code == 302


def test_a_first_timer_is_not_asked(client, world):
    world.event = make_event(  # before the summer camp she is registered for
        slug="camp-may", starts_on=date(2027, 5, 3), ends_on=date(2027, 5, 8)
    )
    world.child.medical_confirmed_at = None  # e.g. added before confirmations were kept
    db.session.commit()
    login(client, world.parent)
    assert _register(client, world).status_code == 302


def test_another_familys_child_cannot_be_confirmed(client, world, api):
    login(client, world.other_parent)
    assert client.get(f"/family/children/{world.child.id}/confirm").status_code == 404
    assert client.post(f"/family/children/{world.child.id}/confirm").status_code == 404
    answer = api.post(
        f"/family/children/{world.child.id}/medical-confirmation", world.tokens["other_parent"]
    )
    assert answer.status_code == 404


def test_confirming_through_the_api_and_the_nurse_sees_the_date(api, world):
    world.child.medical_confirmed_at = None
    db.session.commit()
    answer = api.post(
        f"/family/children/{world.child.id}/medical-confirmation", world.tokens["parent"]
    )
    assert answer.status_code == 200
    confirmed = answer.get_json()["medical_confirmed_at"]
    rows = api.get(f"/events/{world.event.slug}/readiness", world.tokens["nurse"]).get_json()
    by_name = {r["child_first_name"]: r for r in rows}
    assert by_name["Maya"]["medical_confirmed_at"] == confirmed
    registration = api.get(f"/registrations/{world.registration.id}", world.tokens["nurse"])
    assert registration.get_json()["child"]["medical_confirmed_at"] == confirmed
    staff_view = api.get(f"/registrations/{world.registration.id}", world.tokens["staff"])
    assert "medical_confirmed_at" not in staff_view.get_json()["child"]


def test_adding_a_child_confirms_what_was_typed(api, world):
    body = {
        "first_name": "Lia",
        "last_name": "Lopez",
        "date_of_birth": "2017-03-02",
        "relationship": "sibling",
    }
    answer = api.post("/family/children", world.tokens["parent"], json=body)
    assert answer.status_code == 201
    child = db.session.get(Child, answer.get_json()["id"])
    assert child.medical_confirmed_at is not None


def test_the_api_asks_a_returning_family_to_confirm_first(api, world):
    _last_year(world)
    event = _new_camp(world)
    body = {
        "event": event.slug,
        "child_id": world.child.id,
        "consents": {"medical_treatment": True, "liability_waiver": True, "photo_release": False},
        "signature": "Paula Parent",
    }
    refused = api.post("/registrations", world.tokens["parent"], json=body)
    assert refused.status_code == 422
    [problem] = refused.get_json()["errors"]
    assert (problem["code"], problem["field"]) == ("medical_confirmation_required", "child_id")
    api.post(f"/family/children/{world.child.id}/medical-confirmation", world.tokens["parent"])
    assert api.post("/registrations", world.tokens["parent"], json=body).status_code == 201
    # Another family's child is still the registration's own 404.
    other = api.post(
        "/registrations", world.tokens["other_parent"], json={**body, "signature": "Otto Other"}
    )
    assert other.status_code == 404
