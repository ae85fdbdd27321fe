"""Registrations: register, list, read, cancel, decide, the coordinators' list and the roster."""

import csv
import io
from datetime import date

import pytest

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.registrations.models import Registration
from tests.api.conftest import codes_of, errors_of, token_for
from tests.factories import make_child, make_contact, make_event, make_user

CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": False}


def registration_body(event_, child, **changes):
    body = {"event": event_.slug, "child_id": child.id, "consents": CONSENTS, "signature": ""}
    body.update(changes)
    return body


@pytest.fixture
def camp(people):
    """An open camp, a child of the parent and one of the other parent, both eligible."""
    parent, _ = people["parent"]
    other, _ = people["other_parent"]
    return {
        "event": make_event(capacity=2),
        "child": make_child(parent.household, first_name="Maya"),
        "other_child": make_child(other.household, first_name="Zoe", last_name="Other"),
    }


def register(api, token, event_, child, **changes):
    """POST /registrations signed with the name of the token's owner (a guardian)."""
    if token is not None and "signature" not in changes:
        changes["signature"] = api.get("/me", token).get_json().get("name", "")
    return api.post("/registrations", token, json=registration_body(event_, child, **changes))


def new_family_with_child(first_name: str):
    parent = make_user()
    make_contact(parent.household)
    return parent, make_child(parent.household, first_name=first_name)


def test_register_answers_201_with_the_contract_shape(api, people, camp):
    _parent, token = people["parent"]
    response = register(api, token, camp["event"], camp["child"])
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {
        "id",
        "event",
        "child_id",
        "status",
        "waitlist_position",
        "created_at",
        "reference",
        "consents",
    }
    assert body["event"] == camp["event"].slug and body["child_id"] == camp["child"].id
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    assert response.headers["Location"].endswith(f"/api/v1/registrations/{body['id']}")
    mails = db.session.scalars(
        db.select(OutboxMail).where(OutboxMail.registration_id == body["id"])
    )
    assert [m.category for m in mails] != []


def test_review_events_answer_pending_review(api, people):
    parent, token = people["parent"]
    event = make_event(requires_review=True)
    child = make_child(parent.household)
    assert register(api, token, event, child).get_json()["status"] == "pending_review"


def test_a_full_event_puts_newcomers_on_the_waitlist_in_order(api, people):
    event = make_event(capacity=1)
    statuses = []
    for name in ("Ana", "Ben", "Cy"):
        parent, child = new_family_with_child(name)
        body = register(api, token_for(parent), event, child).get_json()
        statuses.append((body["status"], body["waitlist_position"]))
    assert statuses == [("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)]


def test_422_lists_every_failing_reason(api, people):
    parent, token = people["parent"]
    for contact in parent.household.contacts:
        db.session.delete(contact)
    db.session.commit()
    event = make_event(min_age=7, max_age=9)
    child = make_child(
        parent.household,
        first_name="Tom",
        relationship="sibling",
        diagnosis_category=None,
        date_of_birth=date(2012, 1, 1),
    )
    response = api.post(
        "/registrations",
        token,
        json={"event": event.slug, "child_id": child.id, "consents": {}, "signature": " "},
    )
    assert response.status_code == 422
    codes = codes_of(response)
    assert {"too_old", "not_a_patient", "profile_incomplete"} <= set(codes)
    assert codes.count("consent_missing") == 2  # photo_release is optional
    assert "signature_missing" in codes
    fields = {(e["code"], e["field"]) for e in errors_of(response)}
    assert {("too_old", "child_id"), ("signature_missing", "signature")} <= fields
    assert {f for c, f in fields if c == "consent_missing"} == {
        "consents.medical_treatment",
        "consents.liability_waiver",
    }
    # The child's rules name the child; the consents name the document.
    assert all("Tom" in e["message"] for e in errors_of(response) if e["field"] == "child_id")
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_missing_consents_and_signature_are_reasons_not_a_crash(api, people, camp):
    _parent, token = people["parent"]
    response = api.post(
        "/registrations", token, json={"event": camp["event"].slug, "child_id": camp["child"].id}
    )
    assert response.status_code == 422
    assert set(codes_of(response)) == {"consent_missing", "signature_missing"}


def test_registering_twice_is_409_already_registered(api, people, camp):
    _parent, token = people["parent"]
    assert register(api, token, camp["event"], camp["child"]).status_code == 201
    again = register(api, token, camp["event"], camp["child"])
    assert again.status_code == 409
    assert codes_of(again) == ["already_registered"]
    assert errors_of(again)[0]["field"] == "child_id"


def test_another_familys_child_cannot_be_registered(api, people, camp):
    _parent, token = people["parent"]
    response = register(api, token, camp["event"], camp["other_child"])
    assert response.status_code == 404
    assert b"Zoe" not in response.data


def test_unknown_and_unpublished_events_are_404(api, people, camp):
    _parent, token = people["parent"]
    hidden = make_event(published=False)
    for slug in ("no-such-event", hidden.slug):
        response = api.post(
            "/registrations",
            token,
            json=registration_body(camp["event"], camp["child"], event=slug),
        )
        assert response.status_code == 404
        assert errors_of(response)[0]["field"] == "event"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event": 5}, "event"),
        ({"child_id": "1"}, "child_id"),
        ({"child_id": True}, "child_id"),
        ({"child_id": 1.5}, "child_id"),
        ({"consents": ["medical_treatment"]}, "consents"),
        ({"signature": 12}, "signature"),
        ({"event": None}, "event"),
    ],
)
def test_wrong_types_are_422(api, people, camp, changes, field):
    _parent, token = people["parent"]
    response = register(api, token, camp["event"], camp["child"], **changes)
    assert response.status_code == 422
    assert field in {e["field"] for e in errors_of(response)}


def test_an_impossible_child_id_is_404(api, people, camp):
    _parent, token = people["parent"]
    for child_id in (0, -4, 10**30):
        response = register(api, token, camp["event"], camp["child"], child_id=child_id)
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "staff", "admin"])
def test_only_parents_register(api, people, camp, role):
    response = register(api, people[role][1], camp["event"], camp["child"])
    assert response.status_code == 403
    assert register(api, None, camp["event"], camp["child"]).status_code == 401


# --- reading -------------------------------------------------------------------------------


def test_family_registrations_list_only_their_own(api, people, camp):
    _parent, token = people["parent"]
    _other, other_token = people["other_parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    register(api, other_token, camp["event"], camp["other_child"])
    response = api.get("/registrations", token)
    assert response.status_code == 200
    assert response.get_json() == [mine]
    for role in ("coordinator", "staff", "admin"):
        assert api.get("/registrations", people[role][1]).status_code == 403
    assert api.get("/registrations").status_code == 401


def test_one_registration_by_role(api, people, camp):
    _parent, token = people["parent"]
    _other, other_token = people["other_parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    path = f"/registrations/{mine['id']}"
    assert api.get(path, token).get_json() == mine
    hidden = api.get(path, other_token)
    assert hidden.status_code == 404 and codes_of(hidden) == ["not_found"]
    assert errors_of(hidden) == errors_of(api.get("/registrations/99999", other_token))
    for role in ("coordinator", "staff"):
        response = api.get(path, people[role][1])
        assert response.status_code == 200
        seen = response.get_json()
        assert {k: v for k, v in seen.items() if k != "child"} == mine
        # What each role sees of the child: tests/registrations/test_child_views.py
        assert ("diagnosis" in seen["child"]) is (role == "coordinator")
    assert api.get(path, people["admin"][1]).status_code == 403
    assert api.get(path).status_code == 401


# --- cancelling ----------------------------------------------------------------------------


def test_cancel_frees_the_seat_for_the_first_on_the_waitlist(api, people):
    event = make_event(capacity=1)
    parent, child = new_family_with_child("Ana")
    first_token = token_for(parent)
    first = register(api, first_token, event, child).get_json()
    waiting = []
    for name in ("Ben", "Cy"):
        other, other_child = new_family_with_child(name)
        waiting.append(register(api, token_for(other), event, other_child).get_json())
    response = api.post(f"/registrations/{first['id']}/cancel", first_token)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    statuses = {r.id: r.status for r in db.session.scalars(db.select(Registration))}
    assert statuses[waiting[0]["id"]] == "confirmed"
    assert statuses[waiting[1]["id"]] == "waitlisted"
    again = api.post(f"/registrations/{first['id']}/cancel", first_token)
    assert again.status_code == 409


def test_a_parent_cannot_cancel_another_familys_registration(api, people, camp):
    _other, other_token = people["other_parent"]
    _parent, token = people["parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    response = api.post(f"/registrations/{mine['id']}/cancel", other_token)
    assert response.status_code == 404
    assert db.session.get(Registration, mine["id"]).status == "confirmed"


def test_cancel_by_role(api, people, camp):
    _parent, token = people["parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    path = f"/registrations/{mine['id']}/cancel"
    for role in ("staff", "admin"):
        assert api.post(path, people[role][1]).status_code == 403
    assert api.post(path).status_code == 401
    response = api.post(path, people["coordinator"][1])
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"


# --- deciding ------------------------------------------------------------------------------


def test_coordinator_decisions(api, people):
    event = make_event(capacity=1, requires_review=True)
    coordinator_token = people["coordinator"][1]
    parent, child = new_family_with_child("Ana")
    pending = register(api, token_for(parent), event, child).get_json()
    assert pending["status"] == "pending_review"
    path = f"/registrations/{pending['id']}/decision"
    approved = api.post(path, coordinator_token, json={"action": "approve", "note": ""})
    assert approved.status_code == 200 and approved.get_json()["status"] == "confirmed"
    declined = api.post(path, coordinator_token, json={"action": "decline", "note": "Sorry."})
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert db.session.get(Registration, pending["id"]).decision_note == "Sorry."


def test_approving_a_waitlisted_registration_of_a_full_event_is_409(api, people):
    event = make_event(capacity=1)
    tokens_and_ids = []
    for name in ("Ana", "Ben"):
        parent, child = new_family_with_child(name)
        tokens_and_ids.append(register(api, token_for(parent), event, child).get_json()["id"])
    waitlisted = tokens_and_ids[1]
    response = api.post(
        f"/registrations/{waitlisted}/decision",
        people["coordinator"][1],
        json={"action": "approve"},
    )
    assert response.status_code == 409
    assert codes_of(response) == ["event_full"]


def test_decision_input_is_checked(api, people, camp):
    _parent, token = people["parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    path = f"/registrations/{mine['id']}/decision"
    coordinator_token = people["coordinator"][1]
    bad_action = api.post(path, coordinator_token, json={"action": "promote"})
    assert bad_action.status_code == 422 and errors_of(bad_action)[0]["field"] == "action"
    missing = api.post(path, coordinator_token, json={})
    assert missing.status_code == 422 and errors_of(missing)[0]["field"] == "action"
    wrong_type = api.post(path, coordinator_token, json={"action": "decline", "note": 5})
    assert wrong_type.status_code == 422 and errors_of(wrong_type)[0]["field"] == "note"
    assert (
        api.post(
            "/registrations/99999/decision", coordinator_token, json={"action": "approve"}
        ).status_code
        == 404
    )
    assert db.session.get(Registration, mine["id"]).status == "confirmed"


def test_decisions_are_for_coordinators_only(api, people, camp):
    _parent, token = people["parent"]
    mine = register(api, token, camp["event"], camp["child"]).get_json()
    path = f"/registrations/{mine['id']}/decision"
    for role in ("parent", "staff", "admin"):
        assert api.post(path, people[role][1], json={"action": "decline"}).status_code == 403
    assert api.post(path, json={"action": "decline"}).status_code == 401


# --- the coordinators' list and the roster -------------------------------------------------


@pytest.fixture
def busy_camp(api, people):
    event = make_event(capacity=2)
    for name in ("Ana", "Ben", "Cy"):
        parent, child = new_family_with_child(name)
        register(api, token_for(parent), event, child)
    return event


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_event_registrations_filter_search_and_page(api, people, busy_camp, role):
    token = people[role][1]
    path = f"/events/{busy_camp.slug}/registrations"
    everything = api.get(path, token).get_json()
    assert everything["total"] == 3
    assert [i["child_first_name"] for i in everything["items"]] == ["Ana", "Ben", "Cy"]
    waitlisted = api.get(path + "?status=waitlisted", token).get_json()
    assert waitlisted["total"] == 1 and waitlisted["items"][0]["waitlist_position"] == 1
    found = api.get(path + "?q=be", token).get_json()
    assert [i["child_first_name"] for i in found["items"]] == ["Ben"]
    page = api.get(path + "?page=2&per_page=2", token).get_json()
    assert page["total"] == 3 and [i["child_first_name"] for i in page["items"]] == ["Cy"]


def test_event_registrations_search_takes_percent_and_underscore_literally(api, people):
    """The roster's search (roster.filters.like_pattern): a typed % or _ is no wildcard."""
    event = make_event(capacity=10)
    for name in ("Ana", "Jo_e", "Cien%"):
        parent, child = new_family_with_child(name)
        register(api, token_for(parent), event, child)
    path, token = f"/events/{event.slug}/registrations", people["coordinator"][1]

    def names(q: str) -> list[str]:
        found = api.get(path, token, query_string={"q": q}).get_json()
        assert found["total"] == len(found["items"])
        return [item["child_first_name"] for item in found["items"]]

    assert names("%") == ["Cien%"]
    assert names("_") == ["Jo_e"]
    assert names("o_e") == ["Jo_e"]
    assert names("a_a") == []  # as a wildcard, _ would find "Ana"
    assert names("j%e") == []  # as a wildcard, % would find "Jo_e"
    assert names("\\") == []
    assert names("AN") == ["Ana"]  # case aside, as before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=100000", "per_page"),
        ("per_page=1.5", "per_page"),
        ("status=lost", "status"),
    ],
)
def test_event_registrations_reject_bad_parameters(api, people, busy_camp, query, field):
    response = api.get(f"/events/{busy_camp.slug}/registrations?{query}", people["staff"][1])
    assert response.status_code == 422
    assert errors_of(response)[0]["field"] == field


def test_event_registrations_by_role(api, people, busy_camp):
    path = f"/events/{busy_camp.slug}/registrations"
    for role in ("parent", "admin"):
        assert api.get(path, people[role][1]).status_code == 403
    assert api.get(path).status_code == 401
    assert api.get("/events/nope/registrations", people["staff"][1]).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_roster_csv_has_a_row_per_active_registration(api, people, busy_camp, role):
    first = db.session.scalars(db.select(Registration).order_by(Registration.sequence)).first()
    api.post(f"/registrations/{first.id}/cancel", people["coordinator"][1])
    response = api.get(f"/events/{busy_camp.slug}/roster.csv", people[role][1])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["child_first_name"] for r in rows) == ["Ben", "Cy"]  # Ana cancelled
    assert {r["status"] for r in rows} == {"confirmed"}  # Cy was promoted
    assert "diagnosis" not in rows[0]


def test_roster_by_role(api, people, busy_camp):
    path = f"/events/{busy_camp.slug}/roster.csv"
    for role in ("parent", "admin"):
        assert api.get(path, people[role][1]).status_code == 403
    response = api.get(path)
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert api.get("/events/nope/roster.csv", people["staff"][1]).status_code == 404
