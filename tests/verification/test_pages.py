"""The verification page and its POST, through real requests."""

import pytest
from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.families.verification import set_verification
from camp_app.roles import Role
from tests import factories
from tests.support.queries import statements_for

from .helpers import (
    make_family,
    make_person,
    many_registrations,
    register,
    sign_in,
    text_of,
)


def page_url(event, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/verification" + (f"?{query}" if query else "")


def post_url(event, child) -> str:
    return f"/manage/events/{event.slug}/children/{child.id}/verification"


def child_state(child_id) -> str:
    db.session.expire_all()
    return db.session.get(Child, child_id).patient_verification


# --- access -----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(ctx, client):
    event = factories.make_event()
    parent, (maya,) = make_family()
    register(parent, event, [maya])
    for response in (
        client.get(page_url(event)),
        client.post(post_url(event, maya), data={"state": "verified"}),
    ):
        assert response.status_code == 302 and "/account/login" in response.location
    assert child_state(maya.id) == "unverified"


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_parents_and_staff_are_refused(ctx, client, role):
    event = factories.make_event()
    parent, (maya,) = make_family()
    register(parent, event, [maya])
    sign_in(client, make_person(role))
    assert client.get(page_url(event)).status_code == 403
    assert client.post(post_url(event, maya), data={"state": "verified"}).status_code == 403
    assert child_state(maya.id) == "unverified"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_and_record(ctx, client, role):
    event = factories.make_event(published=False)  # coordinators see unpublished events
    parent, (maya,) = make_family(first_names=("Maya",))
    register_unpublished(parent, event, maya)
    sign_in(client, make_person(role))
    page = client.get(page_url(event))
    assert page.status_code == 200 and "Maya" in text_of(page)
    response = client.post(post_url(event, maya), data={"state": "verified"})
    assert response.status_code == 302
    assert child_state(maya.id) == "verified"


def register_unpublished(parent, event, child):
    event.published = True
    db.session.commit()
    register(parent, event, [child])
    event.published = False
    db.session.commit()


def test_an_unknown_event_is_404(coordinator, client):
    assert client.get("/manage/events/no-such-camp/verification").status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_the_page_lists_registered_patients_with_their_details(coordinator, client):
    event = factories.make_event(requires_verification=True)
    parent, (maya,) = make_family(first_names=("Maya",), diagnosis="Acute leukemia")
    register(parent, event, [maya])
    _other_parent, (_zoe,) = make_family(first_names=("Zoe",))  # not registered
    page = text_of(client.get(page_url(event)))
    assert "Maya Lopez" in page and "Acute leukemia" in page and "Cancer" in page
    assert "May 1, 2016" in page and "Not verified yet" in page
    assert "Zoe" not in page
    assert "This event requires verification" in page
    assert "approve the registration in the review queue" in page


def test_the_filter_defaults_to_not_verified_and_shows_who_and_when(coordinator, client):
    event = factories.make_event()
    parent, (maya,) = make_family(first_names=("Maya",))
    parent2, (ana,) = make_family(first_names=("Ana",))
    register(parent, event, [maya])
    register(parent2, event, [ana])
    admin = factories.make_user((Role.ADMIN,), name="Dr. Admin", household=False)
    set_verification(admin, ana, "verified")
    default = text_of(client.get(page_url(event)))
    assert "Maya" in default and "Ana" not in default
    assert "Not verified yet (1)" in default and "Verified (1)" in default
    verified = text_of(client.get(page_url(event, state="verified")))
    assert "Ana" in verified and "Maya" not in verified and "by Dr. Admin" in verified
    everyone = text_of(client.get(page_url(event, state="all")))
    assert "Ana" in everyone and "Maya" in everyone and "All (2)" in everyone
    odd = text_of(client.get(page_url(event, state="<script>", page="x")))
    assert "Maya" in odd and "Ana" not in odd  # an unknown filter is the default


def test_siblings_are_not_listed_but_a_sibling_camps_patients_are(coordinator, client):
    event = factories.make_event(audience="siblings", diagnosis_categories=["cancer"])
    parent, (_maya,) = make_family(first_names=("Maya",))
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    factories.make_child(parent.household, first_name="Leo", diagnosis_category="other")
    register(parent, event, [sam])
    page = text_of(client.get(page_url(event)))
    assert "Maya Lopez" in page and "Patient of a registered sibling's family" in page
    assert "Sam" not in page  # a sibling has nothing to verify
    assert "Leo" not in page  # a condition the event does not cover


def test_the_list_costs_the_same_queries_however_long(coordinator, client):
    event = factories.make_event(capacity=30)
    parent, (maya,) = make_family()
    register(parent, event, [maya])
    set_verification(coordinator, maya, "verified")
    one = statements_for(client, page_url(event, state="all"))
    for _ in range(6):
        parent, kids = make_family(children=2)
        register(parent, event, kids)
        set_verification(coordinator, kids[0], "verified")
    assert statements_for(client, page_url(event, state="all")) == one


# --- recording --------------------------------------------------------------------------------


def test_recording_returns_to_a_safe_next_with_a_message(coordinator, client):
    event = factories.make_event()
    parent, (maya,) = make_family(first_names=("Maya",))
    register(parent, event, [maya])
    back = f"/manage/events/{event.slug}/review?x=1"
    response = client.post(post_url(event, maya), data={"state": "rejected", "next": back})
    assert response.status_code == 302 and response.location.endswith(back)
    assert child_state(maya.id) == "rejected"
    page = text_of(client.get(page_url(event), follow_redirects=True))
    assert "Maya Lopez is marked as could not be verified." in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "child.verification"))
    assert entry.actor_id == coordinator.id and entry.entity_id == maya.id


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "", None])
def test_an_unsafe_next_returns_to_the_verification_page(coordinator, client, target):
    event = factories.make_event()
    parent, (maya,) = make_family()
    register(parent, event, [maya])
    data = {"state": "verified"} | ({"next": target} if target is not None else {})
    response = client.post(post_url(event, maya), data=data)
    assert response.location.endswith(f"/manage/events/{event.slug}/verification")


def test_a_bad_state_says_so_and_changes_nothing(coordinator, client):
    event = factories.make_event()
    parent, (maya,) = make_family()
    register(parent, event, [maya])
    response = client.post(post_url(event, maya), data={"state": "approved"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose verified, rejected or not verified." in text_of(response)
    assert child_state(maya.id) == "unverified"


def test_a_sibling_cannot_be_verified(coordinator, client):
    event = factories.make_event(audience="patients_and_siblings")
    parent, (maya,) = make_family()
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    register(parent, event, [maya, sam])
    response = client.post(post_url(event, sam), data={"state": "verified"}, follow_redirects=True)
    assert "only a patient's details are verified" in text_of(response)
    assert child_state(sam.id) == "unverified"


def test_a_child_unrelated_to_the_event_is_404(coordinator, client):
    event = factories.make_event()
    other_event = factories.make_event()
    parent, (maya,) = make_family()
    register(parent, other_event, [maya])
    _lonely, (zoe,) = make_family()
    for child in (maya, zoe):
        assert client.post(post_url(event, child), data={"state": "verified"}).status_code == 404
        assert child_state(child.id) == "unverified"
    assert (
        client.post(f"/manage/events/{event.slug}/children/999999/verification").status_code == 404
    )


def test_the_patient_of_a_registered_siblings_household_can_be_recorded(coordinator, client):
    event = factories.make_event(audience="siblings")
    parent, (maya,) = make_family()
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    register(parent, event, [sam])
    assert client.post(post_url(event, maya), data={"state": "verified"}).status_code == 302
    assert child_state(maya.id) == "verified"


def test_a_cancelled_registration_no_longer_relates_the_child(coordinator, client):
    from camp_app.registrations import lifecycle

    event = factories.make_event()
    parent, (maya,) = make_family()
    (registration,) = register(parent, event, [maya])
    lifecycle.cancel(parent, registration)
    assert client.post(post_url(event, maya), data={"state": "verified"}).status_code == 404


def test_a_registered_patients_brother_who_is_also_a_patient_is_not_listed(coordinator, client):
    event = factories.make_event(audience="patients_and_siblings")
    parent, (maya, _leo) = make_family(children=2, first_names=("Maya", "Leo"))
    register(parent, event, [maya])
    page = text_of(client.get(page_url(event)))
    assert "Maya" in page and "Leo" not in page  # nobody comes because of Leo


def test_any_event_with_a_registered_sibling_lists_the_household_patient(coordinator, client):
    event = factories.make_event(audience="anyone", diagnosis_categories=[])
    parent, (_maya,) = make_family(first_names=("Maya",), diagnosis_category="other")
    sam = factories.make_child(
        parent.household, first_name="Sam", relationship="sibling", diagnosis_category=None
    )
    register(parent, event, [sam])
    page = text_of(client.get(page_url(event)))
    assert "Maya Lopez Patient of a registered sibling's family" in page
    assert "Other conditions" in page


def test_a_long_list_comes_in_pages(coordinator, client):
    event = factories.make_event(capacity=200)
    many_registrations(event, 130, lambda n: "confirmed")
    first = text_of(client.get(page_url(event)))
    assert "130 patients, by last name." in first and "Page 1 of 2" in first
    assert "Kid0 Many00000" in first and "Kid99 Many00099" in first and "Kid100 " not in first
    second = text_of(client.get(page_url(event, page=2)))
    assert "Kid100 Many00100" in second and "Kid129 Many00129" in second
    assert "Kid99 " not in second


def test_the_search_finds_a_child_by_name_and_keeps_the_filter(coordinator, client):
    event = factories.make_event()
    for first in ("Maya", "Ana", "Mayra"):
        parent, (child,) = make_family(first_names=(first,))
        register(parent, event, [child])
    found = text_of(client.get(page_url(event, q="maya%20lopez")))
    assert "Maya Lopez" in found and "Ana" not in found and "Mayra" not in found
    assert "Not verified yet (1)" in found
    html = client.get(page_url(event, q="may")).get_data(as_text=True)
    assert "state=all&amp;q=may" in html or "q=may&amp;state=all" in html
    nothing = text_of(client.get(page_url(event, q="%_zz")))
    assert "No patient in this list matches “%_zz”." in nothing


def test_the_review_queue_button_returns_to_its_card(coordinator, client):
    event = factories.make_event(requires_review=True)
    parent, (maya,) = make_family()
    (registration,) = register(parent, event, [maya])
    back = f"/manage/events/{event.slug}/review#registration-{registration.id}"
    response = client.post(post_url(event, maya), data={"state": "verified", "next": back})
    assert response.status_code == 302 and response.location.endswith(back)
    assert child_state(maya.id) == "verified"
