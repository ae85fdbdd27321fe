"""The family's own copy: everything held about the household, and nothing of anyone else's."""

import json

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.privacy import export
from camp_app.privacy.export_pdf import family_document
from camp_app.roles import Role
from tests.api.conftest import Api, token_for
from tests.exports.helpers import pdf_text
from tests.factories import login, make_user

SECTIONS = [
    "guardians",
    "children",
    "contacts",
    "guardian_invitations",
    "registrations",
    "attendance",
    "medication_records",
    "health_visits",
    "health_documents",
]


def _export_entries() -> list[AuditEntry]:
    query = db.select(AuditEntry).where(AuditEntry.action.like("household.export%"))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_the_api_gives_everything_held_about_the_household_and_records_the_export(client, world):
    response = Api(client).get("/family/export", token_for(world.parent))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(SECTIONS) <= set(body)
    assert body["household_id"] == world.parent.household_id
    assert [g["name"] for g in body["guardians"]] == ["Paula Parent"]
    [child] = body["children"]
    assert (child["first_name"], child["last_name"]) == ("Zoë", "Núñez")
    assert child["diagnosis"] == "Acute lymphoblastic leukemia"
    assert child["allergies"] == "Peanuts"
    assert child["medications"][0]["name"] == "Ondansetron"
    assert child["health_alerts"] == ["central_line"]
    assert sorted(c["name"] for c in body["contacts"]) == ["Ana Lopez", "Rex Roe"]
    assert [c["note"] for c in body["contacts"] if c["kind"] == "do_not_release"] == ["Court order"]
    registrations = {r["id"]: r for r in body["registrations"]}
    assert set(registrations) == {world.past_registration.id, world.coming_registration.id}
    past = registrations[world.past_registration.id]
    assert past["signature"] == "Paula Parent" and past["signed_by"] == "Paula Parent"
    consents = {c["key"]: c for c in past["consents"]}
    assert consents["medical_treatment"]["accepted"] is True
    assert "legal guardian" in consents["medical_treatment"]["text"]  # the text signed, in full
    assert consents["medical_treatment"]["version"] == 1
    assert consents["photo_release"]["accepted"] is False
    [day] = body["attendance"]
    assert day["registration_id"] == world.past_registration.id
    assert day["status"] == "checked_in"
    [dose] = body["medication_records"]
    assert (dose["medication"], dose["recorded_by"], dose["note"]) == (
        "Ondansetron",
        "Nina Nurse",
        "Took it with dinner",
    )
    assert body["health_visits"] == []
    # Nothing of the other family anywhere in the answer.
    text = json.dumps(body, ensure_ascii=False)
    for foreign in ("Otto Other", "Oscar", "Otherkid"):
        assert foreign not in text
    other_ids = {world.other_registration.id}
    for section in ("attendance", "medication_records"):
        assert {r["registration_id"] for r in body[section]}.isdisjoint(other_ids)
    assert {d["child_id"] for d in body["medication_records"]} == {world.child.id}
    own_contacts = {c.id for c in world.parent.household.contacts}
    assert {c["id"] for c in body["contacts"]} == own_contacts
    [entry] = _export_entries()
    assert (entry.actor_id, entry.action, entry.entity_type, entry.entity_id) == (
        world.parent.id,
        "household.export",
        "households",
        world.parent.household_id,
    )
    assert entry.fields == sorted(SECTIONS)  # names only, never values


def test_the_other_family_sees_only_its_own(client, world):
    body = Api(client).get("/family/export", token_for(world.other)).get_json()
    assert [c["first_name"] for c in body["children"]] == ["Oscar"]
    assert [r["id"] for r in body["registrations"]] == [world.other_registration.id]
    assert "Zoë" not in json.dumps(body, ensure_ascii=False)


def test_other_roles_are_refused_and_anonymous_must_sign_in(client, world):
    api = Api(client)
    assert api.get("/family/export").status_code == 401
    for role in (Role.COORDINATOR, Role.STAFF, Role.NURSE, Role.ADMIN):
        assert api.get("/family/export", token_for(make_user((role,)))).status_code == 403
    for path in ("/family/export.json", "/family/export.pdf", "/account/close"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.location
    assert _export_entries() == []


def test_a_staff_member_gets_403_on_the_download_pages(client, world):
    login(client, world.nurse)
    for path in ("/family/export.json", "/family/export.pdf", "/account/close"):
        assert client.get(path).status_code == 403, path


def test_the_pages_give_a_json_file_and_a_readable_pdf(client, world):
    login(client, world.parent)
    page = client.get("/family").get_data(as_text=True)
    assert "/family/export.pdf" in page and "/family/export.json" in page

    answer = client.get("/family/export.json")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="family-data-')
    assert json.loads(answer.data)["children"][0]["first_name"] == "Zoë"

    answer = client.get("/family/export.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.data.startswith(b"%PDF-") and answer.data.rstrip().endswith(b"%%EOF")
    assert [e.action for e in _export_entries()] == ["household.export", "household.export_pdf"]


def test_the_pdf_shows_the_childs_name_and_details_with_accents(world):
    text = pdf_text(family_document(export.household_data(world.parent.household)))
    assert "Everything we hold about your family" in text
    assert "Zoë" in text and "Núñez" in text
    assert "Acute lymphoblastic leukemia" in text
    assert "Ondansetron" in text
    assert "Oscar" not in text
