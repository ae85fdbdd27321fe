"""Lists cost a fixed number of queries, however long they are."""

from camp_app.extensions import db
from tests.api.conftest import token_for
from tests.factories import make_child, make_contact, make_event, make_user
from tests.support.queries import counted_statements

CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}


def queries_for(api, path, token=None) -> int:
    # The test shares the request's session: start each count from the same, empty state.
    db.session.expire_all()
    with counted_statements() as statements:
        response = api.get(path, token)
        response.get_data()
    assert response.status_code == 200
    return len(statements)


def test_event_list_queries_do_not_grow_with_events(api, app_ctx):
    make_event()
    one = queries_for(api, "/events")
    for _ in range(5):
        make_event()
    assert queries_for(api, "/events") == one


def register_family(api, event, families: int) -> None:
    for _ in range(families):
        parent = make_user()
        make_contact(parent.household)
        child = make_child(parent.household)
        body = {
            "event": event.slug,
            "child_id": child.id,
            "consents": CONSENTS,
            "signature": parent.name,
        }
        assert api.post("/registrations", token_for(parent), json=body).status_code == 201


def test_registration_lists_and_roster_queries_do_not_grow(api, people):
    staff_token = people["staff"][1]
    api.get("/me", staff_token)  # the token's first use is noted once; not part of the list
    event = make_event(capacity=1)
    register_family(api, event, 2)  # a seat taken and one on the waitlist
    paths = [f"/events/{event.slug}/registrations", f"/events/{event.slug}/roster.csv"]
    before = [queries_for(api, path, staff_token) for path in paths]
    register_family(api, event, 4)
    assert [queries_for(api, path, staff_token) for path in paths] == before


def test_family_registrations_queries_do_not_grow(api, people):
    parent, token = people["parent"]
    events = [make_event(capacity=1) for _ in range(4)]
    first = make_child(parent.household)
    body = {
        "event": events[0].slug,
        "child_id": first.id,
        "consents": CONSENTS,
        "signature": parent.name,
    }
    api.post("/registrations", token, json=body)
    api.get("/me", token)  # the token's first use is noted once; not part of the list
    one = queries_for(api, "/registrations", token)
    for event in events[1:]:
        api.post("/registrations", token, json={**body, "event": event.slug})
    register_family(api, events[1], 1)
    assert queries_for(api, "/registrations", token) == one
