"""Compose, preview and send as a coordinator: who gets a copy, and what is written when."""

from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.messages import audience
from camp_app.messages.models import EventMessage
from camp_app.registrations import lifecycle
from tests.factories import make_event
from tests.messages.helpers import (
    assign,
    cabin,
    coordinator,
    decline,
    family,
    message_count,
    message_mails,
    preview,
    send,
)
from tests.registrations.helpers import birthday_for_age


def test_preview_shows_counts_and_the_copy_and_writes_nothing(app_ctx, client):
    event = make_event(capacity=10)
    (ana,), _ = family(event, name="Ana Alvarez")
    family(event, guardians=2, children=2, name="Bea Brown")
    coordinator(client)

    response = preview(client, event, subject="Packing list", body="Bring a hat.\nAnd sunscreen.")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This will go to 2 families" in html
    assert "(3 email addresses)" in html
    assert "Send to 2 families" in html
    assert f"Hello {ana.name}," in html  # the first family's copy, greeting by name
    assert "Bring a hat.\nAnd sunscreen." in html
    assert "Packing list" in html
    assert "Leo Lopez, Maya Lopez" in html  # the Brown family's two children, by name
    assert message_count() == 0
    assert message_mails() == []


def test_send_writes_one_copy_per_guardian_address_in_one_go(app_ctx, client):
    event = make_event(capacity=10)
    single, _ = family(event)
    couple, _ = family(event, guardians=2, children=3)  # three children: still one copy each
    cora = coordinator(client)

    response = send(client, event, preview(client, event))

    assert response.status_code == 302
    [message] = db.session.scalars(select(EventMessage))
    assert response.headers["Location"].endswith(f"/messages/{message.id}")
    mails = message_mails(message.id)
    expected = sorted(u.email for u in [*single, *couple])
    assert [m.to_address for m in mails] == expected
    assert message.recipient_count == 3
    assert message.sender_id == cora.id
    assert message.audience["status"] == "active"
    for mail in mails:
        assert mail.category == "event_message"
        assert mail.event_id == event.id
        assert mail.user_id is not None
        assert mail.subject == "Packing list"
        assert "Please bring a sleeping bag." in mail.body_text
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "event_message.sent")
    )
    assert entry.entity_id == message.id and entry.actor_id == cora.id
    assert "Packing list" not in str(entry.fields)  # field names, never values
    assert "subject" in entry.fields


def test_default_audience_leaves_out_declined_and_cancelled_families(app_ctx, client):
    event = make_event(capacity=10)
    kept, _ = family(event)
    declined, (registration,) = family(event)
    decline(registration)
    cancelled_parents, (cancelled,) = family(event)
    lifecycle.cancel(cancelled_parents[0], cancelled)
    coordinator(client)

    send(client, event, preview(client, event))

    addresses = [m.to_address for m in message_mails()]
    assert addresses == [kept[0].email]
    assert declined[0].email not in addresses


def test_status_filter_reaches_only_that_status(app_ctx, client):
    event = make_event(capacity=1)  # the second family goes to the waitlist
    family(event)
    waiting, _ = family(event)
    coordinator(client)

    send(client, event, preview(client, event, status="waitlisted"))

    assert [m.to_address for m in message_mails()] == [waiting[0].email]


def test_cabin_filter_reaches_only_that_cabin(app_ctx, client):
    event = make_event(capacity=10)
    pines = cabin(event, "Pines")
    in_pines, (registration,) = family(event)
    assign(registration, pines)
    family(event)
    coordinator(client)

    response = preview(client, event, group=str(pines.id))
    assert "This will go to 1 family" in response.get_data(as_text=True)
    send(client, event, response)

    assert [m.to_address for m in message_mails()] == [in_pines[0].email]


def test_unverified_guardian_accounts_are_skipped(app_ctx, client):
    event = make_event(capacity=10)
    verified, _ = family(event)
    unverified, _ = family(event, verified=False)
    coordinator(client)

    response = preview(client, event)
    html = response.get_data(as_text=True)
    assert "This will go to 1 family" in html
    assert "1 family has no verified email address" in html
    unreached = html.split("Not reached by email", 1)[1]
    child = unverified[0].household.children[0]
    assert f"<li>{child.first_name} {child.last_name}</li>" in unreached
    send(client, event, response)

    addresses = [m.to_address for m in message_mails()]
    assert addresses == [verified[0].email]
    assert unverified[0].email not in addresses


def test_inactive_guardian_accounts_are_skipped(app_ctx, client):
    event = make_event(capacity=10)
    (active, closed), _ = family(event, guardians=2)
    closed.active = False
    db.session.commit()
    coordinator(client)

    send(client, event, preview(client, event))

    assert [m.to_address for m in message_mails()] == [active.email]


def test_no_medical_detail_reaches_the_mail(app_ctx, client):
    event = make_event(capacity=10)
    family(event)  # the child's diagnosis is "ALL", allergies "peanuts"
    coordinator(client)

    send(client, event, preview(client, event))

    [mail] = message_mails()
    for part in (mail.subject, mail.body_text, mail.body_html):
        assert "peanuts" not in part and "ALL" not in part


def test_compose_page_counts_the_selection_a_roster_link_carries(app_ctx, client):
    event = make_event(capacity=1)
    family(event)
    family(event)  # waitlisted
    pines = cabin(event, "Pines")
    coordinator(client)
    url = f"/manage/events/{event.slug}/messages"

    default = client.get(url).get_data(as_text=True)
    assert "The selection below reaches 2 families" in default

    linked = client.get(f"{url}?status=waitlisted&group={pines.id}").get_data(as_text=True)
    assert "The selection below reaches 0 families" in linked
    assert '<option selected value="waitlisted">' in linked
    assert f'<option selected value="{pines.id}">Pines</option>' in linked

    bad = client.get(f"{url}?min_age=abc")
    assert bad.status_code == 200
    assert "Enter an age between 0 and 30." in bad.get_data(as_text=True)


def test_age_search_and_verification_filters_choose_the_families(app_ctx):
    event = make_event(capacity=10)  # starts 14 June 2027
    (young,), _ = family(event, name="Yara Young", date_of_birth=birthday_for_age(8))
    (older,), (registration,) = family(event, name="Omar Older", date_of_birth=birthday_for_age(14))
    registration.child.patient_verification = "verified"
    db.session.commit()

    def reached(**args):
        f = audience.parse_audience(event, args)
        return {u.email for u in audience.recipients(event, f)}, audience.count(event, f)

    assert reached(min_age="12") == ({older.email}, (1, 1, 0))
    assert reached(max_age="10") == ({young.email}, (1, 1, 0))
    assert reached(q="yara") == ({young.email}, (1, 1, 0))
    assert reached(verification="verified") == ({older.email}, (1, 1, 0))
    assert reached() == ({young.email, older.email}, (2, 2, 0))


def test_a_roster_link_without_status_means_every_status_as_on_the_roster(app_ctx, client):
    event = make_event(capacity=10)
    pines = cabin(event, "Pines")
    _, (kept,) = family(event)
    _, (declined,) = family(event)
    assign(kept, pines)
    assign(declined, pines)
    decline(declined)
    coordinator(client)

    page = client.get(f"/manage/events/{event.slug}/messages?group={pines.id}")

    html = page.get_data(as_text=True)
    assert '<option selected value="any">' in html
    assert "The selection below reaches 2 families" in html


def test_preview_shows_the_first_familys_copy_in_their_language(app_ctx, client):
    event = make_event(capacity=10)
    family(event, name="Aaron Alvarez", locale="es")
    family(event, name="Zoe Zimmer")
    coordinator(client)

    html = preview(client, event).get_data(as_text=True)

    assert "Hola, Aaron Alvarez:" in html  # the copy, as this family gets it
    assert "Check your message" in html  # the page stays in the coordinator's language
