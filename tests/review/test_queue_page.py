"""The review queue page: who may see it, what a card shows, and deciding from it."""

import re

import pytest

from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.roles import Role
from tests import factories
from tests.review.helpers import (
    audit_entries,
    fresh,
    mails_to,
    make_coordinator,
    make_family,
    pending,
    register,
    review_event,
    set_verification,
    signed_in,
)
from tests.support.queries import statements_for

REASON = "Verified by phone with Dr. Ruiz; letter to follow."


def queue_url(event, **query) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items()).replace("&", "?", 1)
    return f"/manage/events/{event.slug}/review{extra}"


def decision_url(event, registration) -> str:
    return f"/manage/events/{event.slug}/registrations/{registration.id}/decision"


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*\svalue="([^"]+)"', html).group(1)


def decide(client, event, registration, action, **fields):
    """Post a card's form as a browser would, with the page's CSRF token."""
    page = client.get(queue_url(event))
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "action": action, **fields}
    return client.post(decision_url(event, registration), data=data)


@pytest.fixture
def coordinator_client(app, app_ctx):
    coordinator = make_coordinator()
    return coordinator, signed_in(app, coordinator)


# --- access ------------------------------------------------------------------------------------


def test_only_coordinators_and_admins_see_the_queue(app, app_ctx):
    event = review_event(published=False)  # coordinators see unpublished events too
    anonymous = app.test_client().get(queue_url(event))
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    parent = factories.make_user((Role.PARENT,))
    staff = factories.make_user((Role.STAFF,))
    for user in (parent, staff):
        assert signed_in(app, user).get(queue_url(event)).status_code == 403
    for roles in ((Role.COORDINATOR,), (Role.ADMIN,)):
        page = signed_in(app, factories.make_user(roles)).get(queue_url(event))
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
    coordinator = signed_in(app, make_coordinator())
    assert coordinator.get("/manage/events/no-such-camp/review").status_code == 404


def test_deciding_is_for_coordinators_and_admins(app, app_ctx):
    event = review_event()
    _parent, _child, registration = pending(event)
    anonymous = app.test_client().post(
        decision_url(event, registration), data={"action": "approve"}
    )
    assert anonymous.status_code == 302
    for roles in ((Role.PARENT,), (Role.STAFF,)):
        client = signed_in(app, factories.make_user(roles))
        response = client.post(decision_url(event, registration), data={"action": "approve"})
        assert response.status_code == 403
    admin = signed_in(app, factories.make_user((Role.ADMIN,)))
    assert decide(admin, event, registration, "approve").status_code == 302
    assert fresh(registration).status == "confirmed"


# --- what a card shows ---------------------------------------------------------------------------


def test_a_card_shows_the_child_family_rules_medical_summary_and_consents(app, coordinator_client):
    coordinator, client = coordinator_client
    event = review_event(requires_verification=True)
    parent, child, _registration = pending(
        event,
        first_name="Maya",
        diagnosis="Acute lymphoblastic leukemia",
        medical_conditions="Port-a-cath",
        allergies="Peanuts",
        dietary_needs="No pork",
        physician_name="Dr. Ruiz",
        physician_phone="+13055550111",
        medications=[{"name": "Mercaptopurine", "dose": "50 mg", "schedule": "nightly"}],
        pickup=True,
    )
    html = client.get(queue_url(event)).get_data(as_text=True)
    for text in (
        "Maya Lopez",
        "11 years old on the first day",
        "Patient",
        "Not verified yet",
        parent.name,
        parent.email,
        "Ana Lopez",  # the emergency contact
        "Tío Juan",  # may pick up
        "Acute lymphoblastic leukemia",
        "Port-a-cath",
        "Peanuts",
        "No pork",
        "Mercaptopurine",
        "50 mg, nightly",
        "Dr. Ruiz",
        "Cancer",
        "The medical team has not yet verified Maya",
        "Reason for overriding",
        "Patient details not verified",
        "Decline and email the family",
        "Move to the waitlist",
        "Mark verified",
    ):
        assert text in html, text
    set_verification(child, "verified", coordinator)
    html = client.get(queue_url(event)).get_data(as_text=True)
    assert "Meets every rule of the event." in html
    assert "Reason for overriding" not in html
    assert f"by {coordinator.name}" in html


def test_the_verification_buttons_post_to_the_verification_page_and_come_back(
    app, coordinator_client
):
    _coordinator, client = coordinator_client
    event = review_event(requires_verification=True)
    _parent, child, registration = pending(event)
    html = client.get(queue_url(event)).get_data(as_text=True)
    action = f"/manage/events/{event.slug}/children/{child.id}/verification"
    assert f'action="{action}"' in html
    response = client.post(
        action,
        data={
            "csrf_token": csrf_from(html),
            "state": "verified",
            "next": f"{queue_url(event)}#registration-{registration.id}",
        },
    )
    assert response.status_code == 302 and queue_url(event) in response.headers["Location"]
    db.session.expire_all()
    assert child.patient_verification == "verified"


def test_a_sibling_card_shows_the_family_patients_verification(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event(requires_verification=True, audience="siblings")
    parent, _patient = make_family(first_names=("Pia",))  # the patient stays home
    sibling = factories.make_child(parent.household, first_name="Sam", relationship="sibling")
    register(parent, event, [sibling])
    html = client.get(queue_url(event)).get_data(as_text=True)
    assert "Sam Lopez" in html and "Sibling" in html
    assert "Pia Lopez: " in html  # whose verification counts for Sam
    assert "Sam comes as a sibling" in html


def test_recently_decided_shows_who_and_the_override(app, coordinator_client):
    coordinator, client = coordinator_client
    event = review_event(requires_verification=True)
    _parent, _child, registration = pending(event, first_name="Maya")
    assert decide(client, event, registration, "approve", override_reason=REASON).status_code == 302
    html = client.get(queue_url(event)).get_data(as_text=True)
    recent = html.split("Recently decided", 1)[1]
    assert "Maya Lopez" in recent and coordinator.name in recent
    assert REASON in recent and "Patient details not verified" in recent
    assert "No registration is waiting for a decision." in html


# --- deciding from the page --------------------------------------------------------------------


def test_approving_from_the_page(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event()
    parent, _child, registration = pending(event, first_name="Maya")
    response = decide(client, event, registration, "approve", page="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(queue_url(event, page=1))
    assert fresh(registration).status == "confirmed"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Maya Lopez: confirmed" in page.replace("Confirmed", "confirmed")
    assert mails_to(parent.email, "registration_confirmed")


def test_declining_with_a_note_mails_it_to_the_family(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event()
    parent, _child, registration = pending(event)
    note = "We are full for this age group; please try the autumn camp."
    assert decide(client, event, registration, "decline", note=note).status_code == 302
    assert fresh(registration).status == "declined"
    assert fresh(registration).decision_note == note
    (mail,) = mails_to(parent.email, "registration_declined")
    assert note in mail.body_text


def test_moving_to_the_waitlist_from_the_page(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event()
    parent, _child, registration = pending(event, first_name="Maya")
    response = decide(client, event, registration, "waitlist")
    assert response.status_code == 302
    assert fresh(registration).status == "waitlisted"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Maya Lopez is on the waitlist, position 1." in page
    assert mails_to(parent.email, "registration_waitlisted")


def test_approving_a_failing_registration_without_a_reason_changes_nothing(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event(requires_verification=True)
    parent, _child, registration = pending(event)
    response = decide(client, event, registration, "approve", override_reason="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The top of the page points to the card, which says why.
    assert f'href="#registration-{registration.id}"' in html
    card = html.split(f'id="registration-{registration.id}"', 1)[1]
    assert "Nothing was changed" in card
    assert 'aria-invalid="true"' in card and "write why the rule should be overridden" in card
    unchanged = fresh(registration)
    assert unchanged.status == "pending_review" and unchanged.override_reason == ""
    assert [m.category for m in mails_to(parent.email)] == ["registration_received"]


def test_approving_a_failing_registration_with_a_reason_keeps_and_audits_it(
    app, coordinator_client
):
    coordinator, client = coordinator_client
    event = review_event(requires_verification=True)
    _parent, _child, registration = pending(event)
    response = decide(client, event, registration, "approve", override_reason=REASON)
    assert response.status_code == 302
    stored = fresh(registration)
    assert stored.status == "confirmed" and stored.override_reason == REASON
    assert stored.overridden_codes == ["patient_not_verified"]
    (entry,) = audit_entries(registration, "registration.approved")
    assert entry.actor_id == coordinator.id
    assert {"override_reason", "overridden_codes"} <= set(entry.fields)
    assert all(REASON not in name for name in entry.fields)


def test_a_refused_decline_keeps_the_typed_note(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event()
    _parent, _child, registration = pending(event)
    response = decide(client, event, registration, "decline", note="x" * 2001)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please keep the note under 2000 characters." in html
    assert "x" * 2001 in html and '<details class="decision decision-decline" open>' in html
    assert fresh(registration).status == "pending_review"


def test_a_full_event_is_a_409_with_the_message_and_nothing_changed(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event(capacity=1)
    _p1, _c1, _seated = pending(event)
    _p2, _c2, waiting = pending(event)
    assert waiting.status == "waitlisted"
    response = decide(client, event, waiting, "approve")
    assert response.status_code == 409
    assert "no seat is free" in response.get_data(as_text=True)
    assert fresh(waiting).status == "waitlisted"


def test_a_card_that_went_stale_is_refused_and_nothing_changes(app, coordinator_client):
    """Another coordinator moved the registration to the waitlist after this page was shown."""
    coordinator, client = coordinator_client
    event = review_event(capacity=5)
    _parent, _child, registration = pending(event)
    page = client.get(queue_url(event)).get_data(as_text=True)
    assert 'name="seen_status" value="pending_review"' in page
    lifecycle.decide(coordinator, fresh(registration), "waitlist")

    data = {"csrf_token": csrf_from(page), "action": "decline", "note": "Sorry",
            "seen_status": "pending_review"}  # fmt: skip
    response = client.post(decision_url(event, registration), data=data)

    assert response.status_code == 409
    assert "nothing was changed" in response.get_data(as_text=True)
    assert fresh(registration).status == "waitlisted"


def test_a_registration_of_another_event_is_not_found(app, coordinator_client):
    _coordinator, client = coordinator_client
    event, other = review_event(), review_event()
    _parent, _child, registration = pending(other)
    assert decide(client, event, registration, "approve").status_code == 404
    assert (
        client.post(
            f"/manage/events/{event.slug}/registrations/999999/decision", data={}
        ).status_code
        == 404
    )
    assert fresh(registration).status == "pending_review"


# --- pages and queries --------------------------------------------------------------------------


def test_the_queue_is_in_the_order_received_25_a_page(app, coordinator_client):
    _coordinator, client = coordinator_client
    event = review_event(capacity=40)
    names = [f"Kid{n:02d}" for n in range(27)]
    for name in names:
        pending(event, first_name=name)
    first = client.get(queue_url(event)).get_data(as_text=True)
    shown = re.findall(r"<h2>(Kid\d\d) Lopez</h2>", first)
    assert shown == names[:25]
    assert "Page 1 of 2" in first and "27 registrations wait for a decision" in first
    second = client.get(queue_url(event, page=2)).get_data(as_text=True)
    assert re.findall(r"<h2>(Kid\d\d) Lopez</h2>", second) == names[25:]
    # A page past the end shows the last one; nonsense shows the first.
    assert "Kid26 Lopez" in client.get(queue_url(event, page=9)).get_data(as_text=True)
    assert "Kid00 Lopez" in client.get(queue_url(event, page="x")).get_data(as_text=True)


def test_the_queue_costs_the_same_statements_for_3_or_30_pending(app, coordinator_client):
    coordinator, client = coordinator_client
    event = review_event(capacity=80, requires_verification=True, kind="day_camp")
    medications = [{"name": "Ondansetron", "dose": "4 mg", "schedule": "as needed"}]

    def add(count: int, *, decided: int) -> None:
        for n in range(count):
            _p, child, _r = pending(event, pickup=True, medications=medications)
            if n % 2:  # half verified, with who and when on the card
                set_verification(child, "verified", coordinator)
        for _ in range(decided):  # recently decided, with who decided and an override
            _p, _child, registration = pending(event, pickup=True)
            decide(client, event, registration, "approve", override_reason="Known family.")

    add(3, decided=1)
    few = statements_for(client, queue_url(event))
    add(27, decided=12)
    many = statements_for(client, queue_url(event))
    assert few == many, (few, many)
    # sign-in 2, event, count, page, 6 for the cards, recent, seats, and the INSERT of the
    # page's audit entry (a read of medical details, issue 12)
    assert many <= 14
