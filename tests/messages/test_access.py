"""Who may use the messages pages: coordinators and admins; others 403, anonymous to login."""

import pytest

from camp_app.roles import Role
from tests.factories import login, make_event, make_user
from tests.messages.helpers import coordinator, family, message_count, preview, send

PAGES = [
    ("get", "/manage/events/{slug}/messages"),
    ("post", "/manage/events/{slug}/messages/preview"),
    ("post", "/manage/events/{slug}/messages/send"),
    ("post", "/manage/events/{slug}/messages/test"),
    ("get", "/manage/events/{slug}/messages/{message_id}"),
]


@pytest.fixture
def sent(app_ctx, client):
    """An event with one message sent; the client is signed out again."""
    event = make_event()
    family(event)
    coordinator(client)
    response = send(client, event, preview(client, event))
    message_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post("/account/logout")
    return event, message_id


def _urls(event, message_id):
    return [(m, p.format(slug=event.slug, message_id=message_id)) for m, p in PAGES]


def test_anonymous_is_sent_to_login(sent, client):
    for method, url in _urls(*sent):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("roles", [(Role.PARENT,), (Role.STAFF,)])
def test_parents_and_staff_get_403(sent, client, roles):
    login(client, make_user(roles))
    for method, url in _urls(*sent):
        assert getattr(client, method)(url).status_code == 403, url
    assert message_count() == 1


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_the_pages(sent, client, role):
    event, message_id = sent
    coordinator(client, role=role)
    assert client.get(f"/manage/events/{event.slug}/messages").status_code == 200
    assert client.get(f"/manage/events/{event.slug}/messages/{message_id}").status_code == 200


def test_unknown_event_is_404_and_unpublished_is_open_to_coordinators(app_ctx, client):
    coordinator(client)
    assert client.get("/manage/events/no-such-camp/messages").status_code == 404
    hidden = make_event(published=False)
    assert client.get(f"/manage/events/{hidden.slug}/messages").status_code == 200


def test_a_message_of_another_event_is_404(sent, client):
    _event, message_id = sent
    other = make_event()
    coordinator(client)
    assert client.get(f"/manage/events/{other.slug}/messages/{message_id}").status_code == 404
    assert client.get(f"/manage/events/{other.slug}/messages/999999").status_code == 404
