"""The parents' pages: the event page panel, registering, my registrations, cancelling."""

import html
import re

import pytest
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from tests import factories
from tests.registrations.helpers import count, fill, make_coordinator, make_family, register

CONSENT_FORM = {"consent-medical_treatment": "yes", "consent-liability_waiver": "yes"}


def signed_by(parent) -> dict:
    return {**CONSENT_FORM, "signature": parent.name}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def sign_in(client, user):
    response = factories.login(client, user)
    assert response.status_code == 302, "login failed"


def text_of(response) -> str:
    """The page as words: tags dropped, entities decoded, spaces collapsed."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return html.unescape(re.sub(r" ([:.,)])", r"\1", words))


def family_with_a_sibling():
    """Maya (a patient, eligible for Camp U.O.T.S.) and Sam (a sibling, not)."""
    parent, (maya,) = make_family(first_names=("Maya",))
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    return parent, maya, sam


# --- the event page ----------------------------------------------------------------------------


def test_visitors_are_asked_to_sign_in_on_the_event_page(ctx, client):
    event = factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    response = client.get("/events/camp-uots")
    assert response.status_code == 200
    assert "Sign in to see whether your children can come" in text_of(response)
    assert f"/account/login?next=/events/{event.slug}" in response.get_data(as_text=True)


def test_a_parent_sees_each_child_eligible_or_why_not(ctx, client):
    factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    parent, _maya, _sam = family_with_a_sibling()
    sign_in(client, parent)
    page = text_of(client.get("/events/camp-uots"))
    assert re.search(r"Maya Lopez: ✓ Can register", page)
    assert "Sam Lopez: Cannot register" in page
    assert "Camp U.O.T.S. is for patients, and Sam is not registered as one." in page
    assert "Register for Camp U.O.T.S." in page


def test_the_panel_shows_an_existing_registration_and_its_place(ctx, client):
    event = factories.make_event(slug="full-camp", capacity=1)
    fill(event, 1)
    parent, (child,) = make_family(first_names=("Maya",))
    register(parent, event, [child])
    sign_in(client, parent)
    page = text_of(client.get("/events/full-camp"))
    assert "Maya Lopez: On the waitlist (number 1 on the waitlist)" in page


# --- registering ---------------------------------------------------------------------------


def test_the_register_page_offers_eligible_children_and_explains_the_others(ctx, client):
    factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    parent, maya, sam = family_with_a_sibling()
    sign_in(client, parent)
    response = client.get("/events/camp-uots/register")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{maya.id}" id="child-{maya.id}"' in html
    assert f'id="child-{sam.id}"' not in html
    assert "is for patients, and Sam is not registered as one." in text_of(response)
    assert 'name="signature"' in html and 'name="consent-photo_release"' in html


def test_a_parent_registers_two_children_in_one_submission(ctx, client):
    event = factories.make_event(slug="camp-uots", name="Camp U.O.T.S.", capacity=1)
    parent, children = make_family(children=2, first_names=("Maya", "Leo"))
    sign_in(client, parent)
    data = {**signed_by(parent), "children": [str(c.id) for c in children]}
    response = client.post("/events/camp-uots/register", data=data)
    assert response.status_code == 302 and "/registrations/confirmation/" in response.location
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Registration.sequence)
    ).all()
    assert [(r.child.first_name, r.status) for r in rows] == [
        ("Maya", "confirmed"),
        ("Leo", "waitlisted"),
    ]
    assert rows[0].consent_photo_release is False and rows[0].signature == parent.name
    page = text_of(client.get(response.location))
    assert "Maya Lopez Reference " + rows[0].reference + " Status Confirmed" in page
    assert "Leo Lopez Reference " + rows[1].reference + " Status On the waitlist" in page
    assert "Number 1 on the waitlist" in text_of(client.get("/registrations"))


def test_missing_consents_and_signature_are_shown_next_to_their_fields(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, (maya,) = make_family(first_names=("Maya",))
    sign_in(client, parent)
    response = client.post("/events/camp-uots/register", data={"children": [str(maya.id)]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("consent-medical_treatment", "consent-liability_waiver", "signature"):
        assert f'id="{name}-error"' in html, name
    assert "consent-photo_release-error" not in html  # optional
    assert "Please read and accept “Consent to medical treatment” to register." in html
    assert "Please type your full name to sign." in html
    assert f'value="{maya.id}" id="child-{maya.id}" checked' in html  # the choice is kept
    assert count(Registration) == 0


def test_choosing_no_child_says_so(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, _ = make_family()
    sign_in(client, parent)
    response = client.post("/events/camp-uots/register", data=CONSENT_FORM)
    assert response.status_code == 422
    assert "Choose at least one child to register." in response.get_data(as_text=True)


def test_a_forged_ineligible_child_is_refused_with_the_reason(ctx, client):
    factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    parent, maya, sam = family_with_a_sibling()
    sign_in(client, parent)
    data = {**CONSENT_FORM, "children": [str(maya.id), str(sam.id)]}
    response = client.post("/events/camp-uots/register", data=data)
    assert response.status_code == 422
    assert "is for patients, and Sam is not registered as one." in text_of(response)
    assert count(Registration) == 0


def test_another_familys_child_cannot_be_registered(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, _ = make_family()
    _, (stranger,) = make_family()
    sign_in(client, parent)
    data = {**CONSENT_FORM, "children": [str(stranger.id)]}
    response = client.post("/events/camp-uots/register", data=data)
    assert response.status_code == 422
    assert count(Registration) == 0


def test_unknown_or_unpublished_events_are_not_found(ctx, client):
    factories.make_event(slug="draft", published=False)
    parent, _ = make_family()
    sign_in(client, parent)
    assert client.get("/events/draft/register").status_code == 404
    assert client.get("/events/nope/register").status_code == 404


def test_only_parents_reach_the_parent_pages(ctx, client):
    factories.make_event(slug="camp-uots")
    assert client.get("/registrations").status_code == 302  # to the login page
    sign_in(client, make_coordinator())
    assert client.get("/registrations").status_code == 403
    assert client.get("/events/camp-uots/register").status_code == 403


# --- my registrations and cancelling ----------------------------------------------------------


def test_my_registrations_link_is_in_the_menu(ctx, client):
    parent, _ = make_family()
    sign_in(client, parent)
    assert 'href="/registrations"' in client.get("/registrations").get_data(as_text=True)


def test_a_parent_cancels_after_confirming_and_the_seat_moves_on(ctx, client):
    event = factories.make_event(slug="camp-uots", capacity=1)
    parent, (maya,) = make_family(first_names=("Maya",))
    (mine,) = register(parent, event, [maya])
    (waiting,) = fill(event, 1)
    sign_in(client, parent)
    listing = client.get("/registrations").get_data(as_text=True)
    assert f"/registrations/{mine.id}/cancel" in listing
    confirm = client.get(f"/registrations/{mine.id}/cancel")
    assert confirm.status_code == 200
    assert "Cancel the registration of Maya Lopez?" in text_of(confirm)
    assert db.session.get(Registration, mine.id).status == "confirmed"  # GET changes nothing
    response = client.post(f"/registrations/{mine.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, mine.id).status == "cancelled"
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    page = text_of(client.get("/registrations"))
    assert "The registration of Maya is cancelled." in page
    assert f"/registrations/{mine.id}/cancel" not in client.get("/registrations").get_data(
        as_text=True
    )


def test_cancelling_again_says_there_is_nothing_to_cancel(ctx, client):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    sign_in(client, parent)
    client.post(f"/registrations/{registration.id}/cancel")
    assert "There is nothing to cancel." in text_of(
        client.get(f"/registrations/{registration.id}/cancel")
    )
    response = client.post(f"/registrations/{registration.id}/cancel")
    assert response.status_code == 409
    assert "cannot be changed that way" in text_of(response)


def test_another_parent_gets_404_for_someone_elses_registration(ctx, client):
    event = factories.make_event()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    stranger, _ = make_family()
    sign_in(client, stranger)
    assert client.get(f"/registrations/{registration.id}/cancel").status_code == 404
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 404
    assert "Kid0" not in client.get("/registrations").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"
