"""POST/GET /family/children/{id}/documents, GET /documents/{id}/file, POST
/documents/{id}/review: content-checked uploads that store nothing when refused, files that
only the family and the health center read (audited), and reviews the family hears about."""

import io

from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.readiness.models import ChildDocument
from tests.readiness.conftest import (
    EXECUTABLE,
    JPEG,
    PDF,
    PNG,
    document_rows,
    stored_files,
)

MB = 1024 * 1024


def upload(
    api,
    world,
    data,
    *,
    key="physician_form",
    name="clearance.pdf",
    who="parent",
    child=None,
    content_type="application/pdf",
):
    child_id = child if child is not None else world.child.id
    form = {"key": key, "file": (io.BytesIO(data), name, content_type)}
    return api.post(
        f"/family/children/{child_id}/documents",
        world.tokens[who],
        json=None,
        data=form,
        content_type="multipart/form-data",
    )


def test_a_pdf_is_stored_under_a_random_name_and_listed(api, world, documents_folder):
    answer = upload(api, world, PDF, name="Maya clearance.pdf")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["key"] == "physician_form"
    assert body["filename"] == "Maya clearance.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["status"] == "submitted"
    [name] = stored_files(documents_folder)
    assert "clearance" not in name and len(name) == 32
    assert (documents_folder / name).read_bytes() == PDF
    listed = api.get(f"/family/children/{world.child.id}/documents", world.tokens["parent"])
    assert [d["id"] for d in listed.get_json()] == [body["id"]]


def test_the_type_comes_from_the_content_not_the_name(api, world):
    answer = upload(api, world, PNG, name="scan.pdf", content_type="application/pdf")
    assert answer.status_code == 201
    assert answer.get_json()["content_type"] == "image/png"
    answer = upload(api, world, JPEG, key="immunizations", name="photo", content_type="text/plain")
    assert answer.status_code == 201
    assert answer.get_json()["content_type"] == "image/jpeg"


def test_a_renamed_executable_is_refused_and_nothing_is_stored(api, world, documents_folder):
    answer = upload(api, world, EXECUTABLE, name="clearance.pdf")
    assert answer.status_code == 422
    [error] = answer.get_json()["errors"]
    assert error["code"] == "file_type_not_allowed"
    assert error["field"] == "file"
    assert "PDF, JPEG or PNG" in error["message"]
    assert stored_files(documents_folder) == []
    assert document_rows() == 0


def test_an_empty_file_is_refused_and_nothing_is_stored(api, world, documents_folder):
    answer = upload(api, world, b"", name="clearance.pdf")
    assert answer.status_code == 422
    [error] = answer.get_json()["errors"]
    assert error["code"] == "file_type_not_allowed"
    assert "empty" in error["message"]
    assert stored_files(documents_folder) == []
    assert document_rows() == 0


def test_a_50_mb_photo_is_413_with_a_clear_message_and_nothing_is_stored(
    api, world, documents_folder
):
    answer = upload(api, world, JPEG + b"\x00" * (50 * MB), name="photo.jpg")
    assert answer.status_code == 413
    [error] = answer.get_json()["errors"]
    assert error["code"] == "too_large"
    assert "10 MB" in error["message"]
    assert stored_files(documents_folder) == []
    assert document_rows() == 0


def test_a_file_just_over_10_mb_is_413_too(api, world, documents_folder):
    answer = upload(api, world, PDF + b"\x00" * (10 * MB + 1 - len(PDF)), name="big.pdf")
    assert answer.status_code == 413
    assert answer.get_json()["errors"][0]["code"] == "too_large"
    assert stored_files(documents_folder) == []
    assert document_rows() == 0


def test_exactly_10_mb_is_taken(api, world, documents_folder):
    answer = upload(api, world, PDF + b"\x00" * (10 * MB - len(PDF)), name="big.pdf")
    assert answer.status_code == 201
    assert answer.get_json()["size"] == 10 * MB


def test_another_familys_child_is_404_and_nothing_is_stored(api, world, documents_folder):
    answer = upload(api, world, PDF, child=world.other_child.id)
    assert answer.status_code == 404
    assert stored_files(documents_folder) == []
    assert document_rows() == 0
    listed = api.get(f"/family/children/{world.other_child.id}/documents", world.tokens["parent"])
    assert listed.status_code == 404


def test_a_document_no_camp_asks_for_is_refused(api, world, documents_folder):
    answer = upload(api, world, PDF, key="passport")
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0] == {
        "code": "unknown_document",
        "field": "key",
        "message": answer.get_json()["errors"][0]["message"],
    }
    missing_file = api.post(
        f"/family/children/{world.child.id}/documents",
        world.tokens["parent"],
        data={"key": "physician_form"},
        content_type="multipart/form-data",
    )
    assert missing_file.status_code == 422
    assert missing_file.get_json()["errors"][0]["field"] == "file"
    assert stored_files(documents_folder) == []


def test_staff_and_other_roles_may_not_upload(api, world):
    assert upload(api, world, PDF, who="staff").status_code == 403
    assert upload(api, world, PDF, who="coordinator").status_code == 403


def _file(api, world, document_id, who):
    return api.get(f"/documents/{document_id}/file", world.tokens[who])


def test_who_reads_a_file(api, world):
    document_id = upload(api, world, PDF).get_json()["id"]
    mine = _file(api, world, document_id, "parent")
    assert mine.status_code == 200
    assert mine.data == PDF
    assert mine.headers["Content-Type"] == "application/pdf"
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    assert "clearance.pdf" in mine.headers["Content-Disposition"]
    assert mine.headers["Cache-Control"] == "no-store"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert _file(api, world, document_id, "nurse").status_code == 200
    assert _file(api, world, document_id, "coordinator").status_code == 200
    assert _file(api, world, document_id, "staff").status_code == 403
    assert _file(api, world, document_id, "other_parent").status_code == 404
    assert _file(api, world, 999_999, "parent").status_code == 404


def test_reading_a_file_is_audited(api, world):
    document_id = upload(api, world, PDF).get_json()["id"]
    _file(api, world, document_id, "nurse")
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "document.read", AuditEntry.entity_id == document_id
        )
    ).all()
    assert [(e.actor_id, e.entity_type, e.fields) for e in entries] == [
        (world.nurse.id, "child_documents", ["file"])
    ]


def _review(api, world, document_id, who="nurse", **body):
    return api.post(f"/documents/{document_id}/review", world.tokens[who], json=body)


def test_a_rejection_needs_a_note_and_mails_it_to_the_family_in_their_language(api, world):
    world.parent.locale = "es"
    db.session.commit()
    document_id = upload(api, world, PDF).get_json()["id"]
    refused = _review(api, world, document_id, action="reject")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "note_required"
    answer = _review(api, world, document_id, action="reject", note="The signature is missing.")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "rejected"
    [mail] = db.session.scalars(
        select(OutboxMail).where(OutboxMail.category == "document_rejected")
    ).all()
    assert mail.to_address == world.parent.email
    assert "The signature is missing." in mail.body_text
    assert "Physician's clearance" in mail.body_text
    assert "Hola" in mail.body_text  # Spanish, the parent's language
    assert "ALL" not in mail.body_text  # never a diagnosis


def test_re_upload_after_rejection_then_accept(api, world):
    first = upload(api, world, PDF).get_json()["id"]
    _review(api, world, first, action="reject", note="Blurry.")
    second = upload(api, world, PNG, name="again.png")
    assert second.status_code == 201
    second_id = second.get_json()["id"]
    answer = _review(api, world, second_id, who="coordinator", action="accept", note="")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "accepted"
    statuses = dict(db.session.execute(select(ChildDocument.id, ChildDocument.status)).all())
    assert statuses == {first: "rejected", second_id: "accepted"}


def test_only_the_health_center_reviews(api, world):
    document_id = upload(api, world, PDF).get_json()["id"]
    assert _review(api, world, document_id, who="staff", action="accept").status_code == 403
    assert _review(api, world, document_id, who="parent", action="accept").status_code == 403
    assert _review(api, world, document_id, action="maybe").status_code == 422
    assert _review(api, world, 999_999, action="accept").status_code == 404
