"""The audience list, the sent messages and the recipients cost a fixed number of queries."""

import re

from camp_app.extensions import db
from camp_app.messages import audience
from tests.factories import make_event
from tests.messages.helpers import coordinator, family, preview, send
from tests.support.queries import counted_statements


def queries(call) -> tuple[int, object]:
    db.session.expire_all()
    with counted_statements() as statements:
        response = call()
    assert response.status_code in (200, 302), response.status_code
    return len(statements), response


def test_preview_queries_do_not_grow_with_the_audience(app_ctx, client):
    event = make_event(capacity=100)
    family(event)
    coordinator(client)
    small, _ = queries(lambda: preview(client, event))
    for _ in range(4):
        family(event, guardians=2, children=2)
    large, response = queries(lambda: preview(client, event))
    assert "This will go to 5 families" in response.get_data(as_text=True)
    assert large == small


def test_sent_list_and_recipients_queries_do_not_grow(app_ctx, client):
    event = make_event(capacity=100)
    family(event)
    coordinator(client)
    first = send(client, event, preview(client, event)).headers["Location"]
    index_url = f"/manage/events/{event.slug}/messages"
    index_one, _ = queries(lambda: client.get(index_url))
    detail_one, _ = queries(lambda: client.get(first))

    for _ in range(4):
        family(event, guardians=2)
    for _ in range(3):
        last = send(client, event, preview(client, event)).headers["Location"]

    index_many, page = queries(lambda: client.get(index_url))
    assert page.get_data(as_text=True).count("/messages/") >= 4
    detail_many, page = queries(lambda: client.get(last))
    assert "9 waiting" in page.get_data(as_text=True)
    assert index_many == index_one
    assert detail_many == detail_one


def test_preview_names_the_first_50_families_and_counts_the_rest(app_ctx, client):
    event = make_event(capacity=60)
    for n in range(53):
        family(event, name=f"Guardian {n:02d}")
    coordinator(client)

    html = preview(client, event).get_data(as_text=True)

    assert "This will go to 53 families" in html
    listed = re.findall(r"<strong>(Guardian \d\d)</strong>", html)
    assert listed == [f"Guardian {n:02d}" for n in range(audience.FAMILIES_SHOWN)]
    assert "and 3 more families" in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # the send form's hidden copies do not clash with labels
