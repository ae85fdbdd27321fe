"""The rules of sending: a valid text, someone to send to, the audience the coordinator saw,
and one message however often the form is submitted."""

import pytest
from sqlalchemy import select, update

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.messages.services import TEST_CATEGORY
from camp_app.notifications.models import OutboxMail
from tests.factories import make_event
from tests.messages.helpers import (
    coordinator,
    family,
    message_count,
    message_mails,
    preview,
    send,
    send_form_values,
)


@pytest.fixture
def event(app_ctx, client):
    event = make_event(capacity=10)
    family(event)
    coordinator(client)
    return event


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("", "Hello", "Please write a subject."),
        ("   ", "Hello", "Please write a subject."),
        ("Two\nlines", "Hello", "The subject must be a single line."),
        ("x" * 201, "Hello", "Please keep the subject under 200 characters."),
        ("Packing", "", "Please write the message."),
        ("Packing", " \n ", "Please write the message."),
        ("Packing", "x" * 10_001, "Please keep the message under 10000 characters."),
    ],
)
def test_bad_subject_or_body_is_explained_next_to_the_field(client, event, subject, body, expected):
    response = preview(client, event, subject=subject, body=body)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in html
    assert 'class="error"' in html  # next to the field, not only at the top
    assert message_count() == 0 and message_mails() == []


def test_longest_allowed_subject_and_body_pass(client, event):
    response = preview(client, event, subject="s" * 200, body="b" * 10_000)
    assert response.status_code == 200
    send(client, event, response)
    [mail] = message_mails()
    assert mail.subject == "s" * 200


def test_bad_filter_value_is_explained(client, event):
    response = preview(client, event, min_age="12", max_age="8")
    assert response.status_code == 422
    assert "The youngest age must not be above the oldest." in response.get_data(as_text=True)
    response = preview(client, event, group="424242")
    assert "That cabin or group is not part of this event." in response.get_data(as_text=True)


def test_no_recipients_is_said_clearly_and_nothing_is_written(app_ctx, client):
    empty = make_event()
    coordinator(client)

    response = preview(client, empty)

    assert response.status_code == 422
    assert "No family in this selection has a verified email address" in response.get_data(
        as_text=True
    )
    assert message_count() == 0


def test_changed_audience_shows_the_new_count_and_asks_again(client, event):
    previewed = preview(client, event)
    assert "This will go to 1 family" in previewed.get_data(as_text=True)
    family(event)  # a family registers between the preview and the click

    response = send(client, event, previewed)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The selection changed since the preview: it now reaches 2 families" in html
    assert "Send to 2 families" in html
    assert message_count() == 0 and message_mails() == []

    confirmed = client.post(
        f"/manage/events/{event.slug}/messages/send", data=send_form_values(html)
    )
    assert confirmed.status_code == 302
    assert len(message_mails()) == 2


def test_audience_gone_to_zero_since_the_preview_writes_nothing(client, event):
    previewed = preview(client, event)
    # The only guardian's address stops being verified (say, they changed it).
    db.session.execute(
        update(User).where(User.household_id.is_not(None)).values(email_verified_at=None)
    )
    db.session.commit()

    response = send(client, event, previewed)

    assert response.status_code == 422
    assert "No family in this selection has a verified email address" in response.get_data(
        as_text=True
    )
    assert message_count() == 0


def test_double_submission_sends_once(client, event):
    values = send_form_values(preview(client, event).get_data(as_text=True))
    url = f"/manage/events/{event.slug}/messages/send"

    first = client.post(url, data=values)
    second = client.post(url, data=values)  # a double click, or back and submit again

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert message_count() == 1
    assert len(message_mails()) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This message was already sent; it was not sent again." in page


def test_each_preview_gets_its_own_token(client, event):
    first = send_form_values(preview(client, event).get_data(as_text=True))
    second = send_form_values(preview(client, event).get_data(as_text=True))
    assert first["send-token"] != second["send-token"]
    url = f"/manage/events/{event.slug}/messages/send"
    client.post(url, data=first)
    client.post(url, data=second)
    assert message_count() == 2  # two previews, sent on purpose twice


def test_a_forged_token_is_refused(client, event):
    values = send_form_values(preview(client, event).get_data(as_text=True))
    values["send-token"] = "not-a-token"
    response = client.post(f"/manage/events/{event.slug}/messages/send", data=values)
    assert response.status_code == 422
    assert "Please preview the message again" in response.get_data(as_text=True)
    assert message_count() == 0


def test_script_in_the_body_arrives_as_text(client, event):
    body = 'Bring <b>boots</b> & a hat.\n<script>alert("x")</script>'
    response = preview(client, event, body=body)
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page

    send(client, event, response)

    [mail] = message_mails()
    assert "<script>" not in mail.body_html and "<b>boots</b>" not in mail.body_html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in mail.body_html
    assert "Bring &lt;b&gt;boots&lt;/b&gt; &amp; a hat.<br>" in mail.body_html  # line break kept
    assert body in mail.body_text  # the plain-text part is the text as written


def test_a_test_copy_goes_to_the_coordinator_only_and_sending_still_works(app_ctx, client):
    event = make_event()
    (parent,), _ = family(event)
    cora = coordinator(client)
    page = preview(client, event, subject="Bus", body="At 9.").get_data(as_text=True)

    response = client.post(
        f"/manage/events/{event.slug}/messages/test",
        data=send_form_values(page, "test-form"),
    )

    assert response.status_code == 200
    again = response.get_data(as_text=True)
    assert f"A test copy is on its way to {cora.email}." in again
    [copy] = db.session.scalars(select(OutboxMail).where(OutboxMail.category == TEST_CATEGORY))
    assert copy.to_address == cora.email and copy.subject == "[Test] Bus"
    assert f"Hello {cora.name}," in copy.body_text and "At 9." in copy.body_text
    assert copy.event_message_id is None
    assert message_count() == 0 and message_mails() == []
    # The same one-time token: sending from either page sends once.
    assert send_form_values(again)["send-token"] == send_form_values(page)["send-token"]
    url = f"/manage/events/{event.slug}/messages/send"
    client.post(url, data=send_form_values(again))
    client.post(url, data=send_form_values(page))
    assert message_count() == 1
    assert [m.to_address for m in message_mails()] == [parent.email]
