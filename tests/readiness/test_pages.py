"""The readiness pages: a family's upload from a phone (and its refusals), the event's
readiness with filters, review and CSV, and the coordinator's list of required documents."""

import html
import io

from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.readiness.models import ChildDocument
from tests.factories import login
from tests.readiness.conftest import EXECUTABLE, JPEG, PDF, document_rows, stored_files

MB = 1024 * 1024


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _post_file(client, world, data, key="physician_form", name="scan.pdf"):
    return client.post(
        f"/family/children/{world.child.id}/documents",
        data={"key": key, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_family_sees_what_is_needed_and_uploads(client, world, documents_folder):
    login(client, world.parent)
    household = text_of(client.get("/family"))
    assert "Health documents for Maya" in household
    page = text_of(client.get(f"/family/children/{world.child.id}/documents"))
    assert "Physician's clearance" in page and "Immunization record" in page
    assert "Missing" in page
    answer = _post_file(client, world, PDF)
    assert answer.status_code == 302
    page = text_of(client.get(answer.location))
    assert "Waiting for review" in page
    assert len(stored_files(documents_folder)) == 1


def test_a_renamed_program_gets_its_message_next_to_the_field(client, world, documents_folder):
    login(client, world.parent)
    answer = _post_file(client, world, EXECUTABLE, name="scan.pdf")
    assert answer.status_code == 422
    assert "Please send a PDF, JPEG or PNG file" in text_of(answer)
    assert stored_files(documents_folder) == [] and document_rows() == 0


def test_a_50_mb_photo_gets_a_clear_page(client, world, documents_folder):
    login(client, world.parent)
    answer = _post_file(client, world, JPEG + b"\x00" * (50 * MB), name="photo.jpg")
    assert answer.status_code == 413
    page = text_of(answer)
    assert "larger than 10 MB" in page and "Nothing was saved" in page
    assert stored_files(documents_folder) == [] and document_rows() == 0


def test_a_photo_of_5_mb_is_taken_on_the_page(client, world, documents_folder):
    login(client, world.parent)
    answer = _post_file(client, world, JPEG + b"\x00" * (5 * MB), name="photo.jpg")
    assert answer.status_code == 302
    assert len(stored_files(documents_folder)) == 1


def test_another_familys_child_page_is_404(client, world):
    login(client, world.other_parent)
    assert client.get(f"/family/children/{world.child.id}/documents").status_code == 404
    assert _post_file(client, world, PDF).status_code == 404
    assert document_rows() == 0


def test_the_nurse_filters_reviews_and_exports(client, world, api):
    api.post(
        f"/family/children/{world.child.id}/documents",
        world.tokens["parent"],
        data={"key": "physician_form", "file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    document = db.session.scalar(select(ChildDocument))
    login(client, world.nurse)
    page = text_of(client.get("/events/summer-camp/readiness"))
    assert "Lopez, Maya" in page and "Omar" in page
    submitted = text_of(
        client.get("/events/summer-camp/readiness?document=physician_form&state=submitted")
    )
    assert "Lopez, Maya" in submitted and "Omar" not in submitted
    missing = text_of(
        client.get("/events/summer-camp/readiness?document=physician_form&state=missing")
    )
    assert "Lopez, Maya" not in missing and "Omar" in missing
    answer = client.post(f"/documents/{document.id}/review", data={"note": "", "accept": "1"})
    assert answer.status_code == 302
    db.session.refresh(document)
    assert document.status == "accepted"
    csv = client.get("/events/summer-camp/readiness.csv")
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == (
        "registration_id,child_first_name,child_last_name,physician_form,immunizations,missing"
    )
    assert f"{world.registration.id},Maya,Lopez,accepted,missing,immunizations" in lines
    exported = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "event.export_readiness_csv")
    ).all()
    assert [e.actor_id for e in exported] == [world.nurse.id]


def test_staff_may_not_see_readiness(client, world):
    login(client, world.staff)
    assert client.get("/events/summer-camp/readiness").status_code == 403
    assert client.get("/events/summer-camp/readiness.csv").status_code == 403


def test_the_coordinator_edits_the_required_documents(client, world):
    login(client, world.coordinator)
    page = text_of(client.get("/events/summer-camp/required-documents"))
    assert "physician_form" in page
    data = {
        "required_documents-0-key": "insurance_card",
        "required_documents-0-title": "Insurance card",
        "required_documents-0-description": "Both sides.",
        "required_documents-0-due_days_before": "10",
        "required_documents-1-key": "",
        "required_documents-1-title": "",
        "required_documents-1-description": "",
        "required_documents-1-due_days_before": "",
        "arrival_details": "Sunday 3 pm, north gate.",
        "packing_list": "Hat.",
        "save": "Save",
    }
    answer = client.post("/events/summer-camp/required-documents", data=data)
    assert answer.status_code == 302
    event = db.session.scalar(select(Event).where(Event.slug == "summer-camp"))
    db.session.refresh(event)
    assert event.required_documents == [
        {
            "key": "insurance_card",
            "title": "Insurance card",
            "description": "Both sides.",
            "due_days_before": 10,
        }
    ]
    assert event.arrival_details == "Sunday 3 pm, north gate."
    bad = dict(data, **{"required_documents-0-key": "Insurance Card!"})
    refused = client.post("/events/summer-camp/required-documents", data=bad)
    assert refused.status_code == 422
    assert "lowercase letters" in text_of(refused)


def test_required_documents_through_the_api(api, world):
    token = world.tokens["coordinator"]
    answer = api.get("/events/summer-camp", token)
    assert [d["key"] for d in answer.get_json()["required_documents"]] == [
        "physician_form",
        "immunizations",
    ]
    twice = [
        {"key": "x", "title": "X", "description": "", "due_days_before": 3},
        {"key": "x", "title": "Y", "description": "", "due_days_before": 4},
    ]
    refused = api.patch("/events/summer-camp", token, json={"required_documents": twice})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "duplicate_key"
    out_of_range = [{"key": "x", "title": "X", "due_days_before": 400}]
    refused = api.patch("/events/summer-camp", token, json={"required_documents": out_of_range})
    assert refused.status_code == 422
    answer = api.patch("/events/summer-camp", token, json={"required_documents": twice[:1]})
    assert answer.status_code == 200
    assert answer.get_json()["required_documents"] == twice[:1]
