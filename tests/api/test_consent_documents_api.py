"""Contract v1.1: an event's `consent_documents`, their versions, and what a registration
answers about the documents it signed."""

from camp_app.events.consent_texts import LIABILITY_WAIVER
from tests.api.conftest import codes_of, errors_of
from tests.api.test_events_api import NEW_EVENT
from tests.factories import make_child, make_event

CONSENTS = {"medical_treatment": True, "liability_waiver": True}


def test_an_event_answers_its_documents_in_full_with_their_versions(api, app_ctx):
    event = make_event()
    body = api.get(f"/events/{event.slug}").get_json()
    documents = body["consent_documents"]
    assert [(d["key"], d["required"], d["version"]) for d in documents] == [
        ("medical_treatment", True, 1),
        ("liability_waiver", True, 1),
        ("photo_release", False, 1),
    ]
    assert documents[1]["title"] == LIABILITY_WAIVER.title
    assert documents[1]["body"] == LIABILITY_WAIVER.body
    assert documents[1]["translations"]["es"]["body"] == LIABILITY_WAIVER.body_es
    listed = api.get("/events").get_json()
    assert listed[0]["consent_documents"] == documents


def test_a_coordinator_edits_a_text_and_adds_a_document(api, people, app_ctx):
    _coordinator, token = people["coordinator"]
    event = make_event()
    documents = api.get(f"/events/{event.slug}").get_json()["consent_documents"]
    documents[0]["body"] = "The camp's medical team may treat my child."
    documents.append(
        {
            "key": "swim_test",
            "title": "Swim test",
            "body": "My child may take the swim test.",
            "required": False,
            "translations": {"es": {"title": "Prueba de natación", "body": "Puede nadar."}},
        }
    )
    response = api.patch(f"/events/{event.slug}", token, json={"consent_documents": documents})
    assert response.status_code == 200, response.get_json()
    answered = response.get_json()["consent_documents"]
    assert [(d["key"], d["version"]) for d in answered] == [
        ("medical_treatment", 2),
        ("liability_waiver", 1),
        ("photo_release", 1),
        ("swim_test", 1),
    ]
    assert answered[3]["translations"]["es"]["title"] == "Prueba de natación"
    # The version sent back is read-only: ignored, never written.
    answered[1]["version"] = 9
    again = api.patch(f"/events/{event.slug}", token, json={"consent_documents": answered})
    assert [d["version"] for d in again.get_json()["consent_documents"]] == [2, 1, 1, 1]


def test_documents_that_break_the_rules_are_refused_with_every_problem(api, people, app_ctx):
    _coordinator, token = people["coordinator"]
    new = {
        **NEW_EVENT,
        "consent_documents": [
            {"key": "Bad Key", "title": "", "body": "Text"},
            {"key": "extra", "title": "Extra", "body": "Text"},
            {"key": "extra", "title": "Extra again", "body": "Text"},
        ],
    }
    response = api.post("/events", token, json=new)
    assert response.status_code == 422
    found = {(e["code"], e.get("field")) for e in errors_of(response)}
    assert found == {
        ("invalid_key", "consent_documents[0].key"),
        ("required", "consent_documents[0].title"),
        ("duplicate_key", "consent_documents[2].key"),
        ("standard_document_missing", "consent_documents"),
    }


def test_a_new_event_without_documents_gets_the_standard_ones(api, people, app_ctx):
    _coordinator, token = people["coordinator"]
    response = api.post("/events", token, json=NEW_EVENT)
    assert response.status_code == 201
    keys = [d["key"] for d in response.get_json()["consent_documents"]]
    assert keys == ["medical_treatment", "liability_waiver", "photo_release"]


def test_a_registration_answers_its_reference_and_the_versions_signed(api, people, app_ctx):
    parent, token = people["parent"]
    event = make_event()
    child = make_child(parent.household)
    body = {
        "event": event.slug,
        "child_id": child.id,
        "consents": CONSENTS,  # v1's shape; photo_release left out: not accepted
        "signature": "paula  PARENT",
    }
    response = api.post("/registrations", token, json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert len(created["reference"]) == 8
    assert created["consents"] == [
        {
            "key": "medical_treatment",
            "title": "Consent to medical treatment",
            "version": 1,
            "accepted": True,
        },
        {
            "key": "liability_waiver",
            "title": LIABILITY_WAIVER.title,
            "version": 1,
            "accepted": True,
        },
        {
            "key": "photo_release",
            "title": "Photo and video release",
            "version": 1,
            "accepted": False,
        },
    ]
    mine = api.get("/registrations", token).get_json()
    assert mine[0]["reference"] == created["reference"]
    assert (
        api.get(f"/registrations/{created['id']}", token).get_json()["consents"]
        == (created["consents"])
    )


def test_a_signature_that_is_not_a_guardians_name_is_422_signature_mismatch(api, people, app_ctx):
    parent, token = people["parent"]
    other, _other_token = people["other_parent"]
    event = make_event()
    child = make_child(parent.household)
    for typed in ("Paula", other.name):
        body = {"event": event.slug, "child_id": child.id, "consents": CONSENTS, "signature": typed}
        response = api.post("/registrations", token, json=body)
        assert response.status_code == 422
        assert codes_of(response) == ["signature_mismatch"]
        assert errors_of(response)[0]["field"] == "signature"


def test_consents_must_be_booleans_by_key(api, people, app_ctx):
    parent, token = people["parent"]
    event = make_event()
    child = make_child(parent.household)
    for consents in (["medical_treatment"], {"medical_treatment": "yes"}):
        body = {"event": event.slug, "child_id": child.id, "consents": consents, "signature": "x"}
        response = api.post("/registrations", token, json=body)
        assert response.status_code == 422
        assert ("invalid_type", "consents") in {
            (e["code"], e.get("field")) for e in errors_of(response)
        }
