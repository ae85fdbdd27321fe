"""What parents read and sign (issue 15): consent documents with versions, a signature that
must be a guardian's name, every problem at once, the confirmation with its reference, the
calendar file and the signed record as a PDF."""

import html
import re
from datetime import date

import icalendar
import pytest
from flask_babel import refresh
from sqlalchemy import select

from camp_app.events.consent_texts import LIABILITY_WAIVER, MEDICAL_TREATMENT, PHOTO_RELEASE
from camp_app.events.models import ConsentDocument
from camp_app.extensions import db
from camp_app.registrations import confirmation, event_seats
from camp_app.registrations.consents import normalized_name
from camp_app.registrations.models import (
    REFERENCE_ALPHABET,
    ConsentSigning,
    Registration,
    SignedConsent,
)
from camp_app.registrations.signed_pdf import signed_record_document
from camp_app.service_errors import NotAllowed
from tests import factories
from tests.exports.helpers import pdf_text
from tests.registrations.helpers import (
    CONSENTS,
    count,
    mails_to,
    make_coordinator,
    make_family,
    register,
)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def sign_in(client, user):
    assert factories.login(client, user).status_code == 302, "login failed"


def text_of(response) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return html.unescape(re.sub(r" ([:.,)])", r"\1", words))


def documents_body(event, **changes) -> list[dict]:
    """The event's documents as the API sends them back, with `changes` per key."""
    documents = []
    for document in event.active_documents:
        current = document.current
        item = {
            "key": document.key,
            "title": current.title,
            "body": current.body,
            "required": document.required,
            "translations": {"es": {"title": current.title_es, "body": current.body_es}},
        }
        item.update(changes.get(document.key, {}))
        documents.append(item)
    return documents


# --- documents and versions -------------------------------------------------------------------


def test_every_new_event_starts_with_the_three_standard_documents(ctx):
    event = factories.make_event()
    documents = event.active_documents
    assert [(d.key, d.required, d.version) for d in documents] == [
        ("medical_treatment", True, 1),
        ("liability_waiver", True, 1),
        ("photo_release", False, 1),
    ]
    waiver = documents[1].current
    assert waiver.title == LIABILITY_WAIVER.title and waiver.body == LIABILITY_WAIVER.body
    assert waiver.title_es == "Acuerdo de participación y exención de responsabilidad"
    for default in (MEDICAL_TREATMENT, LIABILITY_WAIVER, PHOTO_RELEASE):
        assert len(default.body) > 800 and len(default.body_es) > 800  # real texts


def test_editing_a_text_makes_version_two_and_a_registration_keeps_version_one(ctx):
    event = factories.make_event()
    coordinator = make_coordinator()
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    changed = {"liability_waiver": {"body": "A new waiver text."}}
    event_seats.save_event(
        coordinator, event, {"consent_documents": documents_body(event, **changed)}
    )
    db.session.expire_all()
    waiver = db.session.scalar(
        select(ConsentDocument).where(
            ConsentDocument.event_id == event.id, ConsentDocument.key == "liability_waiver"
        )
    )
    assert waiver.version == 2 and waiver.current.body == "A new waiver text."
    assert [v.version for v in waiver.versions] == [1, 2]
    assert waiver.versions[0].body == LIABILITY_WAIVER.body  # never changed
    assert waiver.versions[1].created_by_id == coordinator.id
    signed = db.session.get(Registration, registration.id).signing
    answers = {a.document_version.document.key: a.document_version for a in signed.answers}
    assert answers["liability_waiver"].version == 1
    assert answers["liability_waiver"].body == LIABILITY_WAIVER.body
    # Saving the same texts again makes no version.
    event_seats.save_event(coordinator, event, {"consent_documents": documents_body(event)})
    db.session.expire_all()
    assert db.session.get(ConsentDocument, waiver.id).version == 2
    # A newcomer signs version 2.
    other, (other_child,) = make_family()
    (later,) = register(other, event, [other_child])
    keys = {
        a.document_version.document.key: a.document_version.version for a in later.signing.answers
    }
    assert keys == {"medical_treatment": 1, "liability_waiver": 2, "photo_release": 1}


def test_a_coordinator_adds_a_required_document_and_parents_must_accept_it(ctx):
    event = factories.make_event()
    swim = {
        "key": "swim_test",
        "title": "Swim test",
        "body": "My child may take the swim test at the lake.",
        "required": True,
    }
    event_seats.save_event(
        make_coordinator(), event, {"consent_documents": [*documents_body(event), swim]}
    )
    parent, (child,) = make_family()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child])
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("consent_missing", "consents.swim_test")
    ]
    assert "“Swim test”" in refused.value.problems[0].message
    (registration,) = register(parent, event, [child], consents={**CONSENTS, "swim_test": True})
    assert registration.status == "confirmed"


def test_the_standard_documents_cannot_be_removed_and_keys_are_unique(ctx):
    event = factories.make_event()
    documents = documents_body(event)
    with pytest.raises(Exception) as refused:
        event_seats.save_event(
            make_coordinator(), event, {"consent_documents": [documents[0], documents[0]]}
        )
    codes = {(p.code, p.field) for p in refused.value.problems}
    assert codes == {
        ("duplicate_key", "consent_documents[1].key"),
        ("standard_document_missing", "consent_documents"),
    }
    db.session.rollback()
    assert len(db.session.get(type(event), event.id).active_documents) == 3


# --- the signature ----------------------------------------------------------------------------


def test_names_compare_with_case_accents_and_spaces_aside():
    assert normalized_name("  María   LÓPEZ ") == normalized_name("maria lopez")
    assert normalized_name("Zoë O Brien") == normalized_name("zoe obrien")
    assert normalized_name("maria") != normalized_name("Maria Lopez")


def test_the_signature_is_a_guardians_name_case_accents_and_spaces_aside(ctx):
    event = factories.make_event()
    parent, (child,) = make_family(name="María López")
    (registration,) = register(parent, event, [child], signature="  maria   LOPEZ ")
    assert registration.signature == "maria   LOPEZ"  # kept as typed


@pytest.mark.parametrize("typed", ["maria", "Maria Lopez Garcia", "Lopez Maria"])
def test_a_signature_that_is_not_a_guardians_full_name_is_refused(ctx, typed):
    event = factories.make_event()
    parent, (child,) = make_family(name="Maria Lopez")
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child], signature=typed)
    (problem,) = refused.value.problems
    assert (problem.code, problem.field) == ("signature_mismatch", "signature")
    assert "Maria Lopez" in problem.message
    assert count(Registration) == 0 and count(ConsentSigning) == 0


def test_another_guardian_of_the_household_may_sign_but_not_another_familys(ctx):
    event = factories.make_event()
    parent, (child,) = make_family(name="Maria Lopez")
    second = factories.make_user(name="José Pérez")
    second.household_id = parent.household_id
    make_family(name="Rosa Diaz")
    db.session.commit()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child], signature="Rosa Diaz")
    assert [p.code for p in refused.value.problems] == ["signature_mismatch"]
    (registration,) = register(parent, event, [child], signature="jose perez")
    assert registration.signed_by_id == parent.id


# --- every problem at once --------------------------------------------------------------------


def test_an_empty_registration_names_every_problem_at_once(ctx):
    event = factories.make_event()
    parent, _ = make_family()
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [], consents={}, signature="")
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("no_children", "children"),
        ("consent_missing", "consents.medical_treatment"),
        ("consent_missing", "consents.liability_waiver"),
        ("signature_missing", "signature"),
    ]


def test_the_page_shows_every_problem_of_an_empty_submission_at_once(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, _ = make_family()
    sign_in(client, parent)
    response = client.post("/events/camp-uots/register", data={"signature": "maria"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose at least one child to register." in page
    assert "Please read and accept “Consent to medical treatment” to register." in page
    assert "Please read and accept “Participation agreement and release of liability”" in page
    assert "The signature must be the full name of a parent or guardian" in page
    markup = response.get_data(as_text=True)
    for name in ("consent-medical_treatment", "consent-liability_waiver", "signature"):
        assert f'id="{name}-error"' in markup
    assert count(ConsentSigning) == 0


def test_the_api_answers_every_problem_at_once(ctx, app):
    from tests.api.conftest import token_for

    event = factories.make_event(max_age=8)
    parent, (child,) = make_family(name="Maria Lopez", date_of_birth=date(2012, 1, 1))
    client = app.test_client()
    body = {
        "event": event.slug,
        "child_id": child.id,
        "consents": {"medical_treatment": True, "swim": True},
        "signature": "maria",
    }
    response = client.post(
        "/api/v1/registrations",
        json=body,
        headers={"Authorization": f"Bearer {token_for(parent)}"},
    )
    assert response.status_code == 422
    found = {(e["code"], e.get("field")) for e in response.get_json()["errors"]}
    assert found == {
        ("too_old", "child_id"),
        ("unknown_consent", "consents"),
        ("consent_missing", "consents.liability_waiver"),
        ("signature_mismatch", "signature"),
    }


# --- reading the documents ------------------------------------------------------------------


def test_the_register_page_shows_each_document_in_full_without_javascript(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, _ = make_family()
    sign_in(client, parent)
    markup = client.get("/events/camp-uots/register").get_data(as_text=True)
    for default in (MEDICAL_TREATMENT, LIABILITY_WAIVER, PHOTO_RELEASE):
        region = re.search(
            rf'<div class="consent-text" id="doc-{default.key}-text" tabindex="0" '
            rf'role="region" aria-labelledby="doc-{default.key}-title">(.*?)</div>',
            markup,
            re.S,
        )
        assert region and html.unescape(region.group(1)) == default.body
        assert f'name="consent-version-{default.key}" value="1"' in markup
        assert f'href="/events/camp-uots/documents/{default.key}?version=1"' in markup


def test_each_document_has_a_printable_page_in_the_readers_language(ctx, client):
    factories.make_event(slug="camp-uots")
    spanish = client.get(
        "/events/camp-uots/documents/photo_release", headers={"Accept-Language": "es"}
    )
    assert "Autorización de fotos y videos" in spanish.get_data(as_text=True)
    assert html.unescape(spanish.get_data(as_text=True)).count(PHOTO_RELEASE.body_es) == 1
    refresh()  # the test's app context keeps the first request's locale otherwise
    page = client.get("/events/camp-uots/documents/photo_release")
    assert page.status_code == 200
    assert html.unescape(page.get_data(as_text=True)).count(PHOTO_RELEASE.body) == 1
    assert client.get("/events/camp-uots/documents/nope").status_code == 404
    assert client.get("/events/camp-uots/documents/photo_release?version=2").status_code == 404


def test_a_text_changed_while_the_parent_read_it_must_be_read_again(ctx, client):
    event = factories.make_event(slug="camp-uots")
    parent, (child,) = make_family()
    sign_in(client, parent)
    changed = {"medical_treatment": {"body": "A new medical consent."}}
    event_seats.save_event(
        make_coordinator(), event, {"consent_documents": documents_body(event, **changed)}
    )
    data = {
        "children": [str(child.id)],
        "consent-medical_treatment": "yes",
        "consent-version-medical_treatment": "1",  # what the page showed before
        "consent-liability_waiver": "yes",
        "consent-version-liability_waiver": "1",
        "signature": parent.name,
    }
    response = client.post("/events/camp-uots/register", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "“Consent to medical treatment” was updated while you were reading it." in page
    assert "A new medical consent." in page
    assert count(Registration) == 0


# --- the confirmation -------------------------------------------------------------------------


def register_on_the_page(client, parent, children, slug="camp-uots"):
    data = {
        "children": [str(c.id) for c in children],
        "consent-medical_treatment": "yes",
        "consent-liability_waiver": "yes",
        "consent-photo_release": "yes",
        "signature": parent.name,
    }
    response = client.post(f"/events/{slug}/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.location


def test_the_parent_lands_on_a_confirmation_with_everything_to_keep(ctx, client):
    event = factories.make_event(slug="camp-uots", name="Camp U.O.T.S.", capacity=1)
    parent, (maya, leo) = make_family(children=2, first_names=("Maya", "Leo"))
    sign_in(client, parent)
    location = register_on_the_page(client, parent, [maya, leo])
    assert re.fullmatch(r"/registrations/confirmation/\d+", location)
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id).order_by("sequence")
    ).all()
    page = text_of(client.get(location))
    assert f"Maya Lopez Reference {rows[0].reference} Status Confirmed" in page
    assert f"Leo Lopez Reference {rows[1].reference} Status On the waitlist" in page
    assert "Number 1 on the waitlist" in page
    assert "The seat is confirmed." in page and "When a seat opens up" in page  # next steps
    assert "Add the camp dates to your calendar (.ics)" in page
    assert "Download the signed record (PDF)" in page
    assert f"Typed signature {parent.name}" in page
    assert "Consent to medical treatment, version 1: accepted" in page
    assert "Photo and video release, version 1: accepted" in page
    for row in rows:
        assert len(row.reference) == 8 and set(row.reference) <= set(REFERENCE_ALPHABET)
    # The reference is in the mail and in "My registrations".
    (mail,) = mails_to(parent.email, "registration_confirmed")
    assert rows[0].reference in mail.body_text and rows[0].reference in mail.body_html
    (waiting,) = mails_to(parent.email, "registration_waitlisted")
    assert rows[1].reference in waiting.body_text
    mine = text_of(client.get("/registrations"))
    assert rows[0].reference in mine and rows[1].reference in mine


def test_the_calendar_file_is_a_valid_all_day_event(ctx, client):
    factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    parent, (maya,) = make_family(first_names=("Maya",))
    sign_in(client, parent)
    location = register_on_the_page(client, parent, [maya])
    response = client.get(f"{location}/camp.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.get_data())
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == date(2027, 6, 14)
    assert entry.decoded("dtend") == date(2027, 6, 20)  # exclusive: the day after the last
    assert str(entry["summary"]) == "Camp U.O.T.S.: Maya"
    assert str(entry["uid"]).startswith("signing-")


def test_the_signed_record_is_a_pdf_with_the_documents_versions_and_signature(ctx, client):
    factories.make_event(slug="camp-uots", name="Camp U.O.T.S.")
    parent, (maya,) = make_family(first_names=("Maya",), name="María López")
    sign_in(client, parent)
    location = register_on_the_page(client, parent, [maya])
    response = client.get(f"{location}/signed-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    signing = db.session.scalar(select(ConsentSigning))
    submission = confirmation.family_submission(parent.household, signing.id)
    text = pdf_text(signed_record_document(submission))
    assert "Signed consent record" in text and "Camp U.O.T.S." in text
    assert "María López" in text
    assert submission.rows[0].registration.reference in text
    assert "Participation agreement and release of liability" in text
    assert "Version: 1" in text.replace("\n", " ") or ("Version" in text and "1" in text)
    assert "Accepted" in text
    assert count(SignedConsent) == 3


def test_another_familys_confirmation_calendar_and_record_are_not_found(ctx, client):
    factories.make_event(slug="camp-uots")
    parent, (maya,) = make_family()
    other, _ = make_family()
    sign_in(client, parent)
    location = register_on_the_page(client, parent, [maya])
    client.get("/account/logout")
    client.post("/account/logout")
    sign_in(client, other)
    for path in (location, f"{location}/camp.ics", f"{location}/signed-record.pdf"):
        assert client.get(path).status_code == 404, path
    assert client.get("/registrations/confirmation/999999").status_code == 404


def test_a_reference_taken_meanwhile_is_drawn_again(ctx, monkeypatch):
    from camp_app.registrations import lifecycle

    event = factories.make_event()
    first_parent, (first_child,) = make_family()
    (first,) = register(first_parent, event, [first_child])
    draws = iter([first.reference, "ZZZZ2345"])
    monkeypatch.setattr(lifecycle, "new_reference", lambda: next(draws))
    parent, (child,) = make_family()
    (second,) = register(parent, event, [child])
    assert second.reference == "ZZZZ2345" and second.sequence == 2
    assert count(Registration) == 2 and count(ConsentSigning) == 2


def test_a_registration_refused_under_the_lock_leaves_no_signed_record(ctx, monkeypatch):
    from camp_app.registrations import lifecycle
    from camp_app.registrations.availability import SeatSummary

    event = factories.make_event(capacity=0, waitlist_enabled=False)
    parent, (child,) = make_family()
    # The seat seen before the lock is gone under it (taken meanwhile).
    monkeypatch.setattr(lifecycle, "seat_summary", lambda _event: SeatSummary(0, 1, 0))
    with pytest.raises(NotAllowed) as refused:
        register(parent, event, [child])
    assert refused.value.problems[0].code == "event_full"
    assert count(ConsentSigning) == 0 and count(SignedConsent) == 0


# --- the migration ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sqlite_app", "pg_app"])
def test_the_migration_backfills_documents_references_and_what_was_signed(request, which):
    """Rows from before 0013_consent: the events get the standard documents (version 1), each
    registration a unique reference and a signing with its stored answers."""
    import flask_migrate
    from sqlalchemy import text

    app = request.getfixturevalue(which)
    with app.app_context():
        event = factories.make_event()
        parents = [make_family() for _ in range(3)]
        for parent, (child,) in parents:
            register(parent, event, [child], consents={**CONSENTS, "photo_release": False})
        db.session.remove()
        flask_migrate.downgrade(revision="0007_camp_safety")
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM registrations")) == 3
        flask_migrate.upgrade()
        db.session.expire_all()
        rows = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        references = [r.reference for r in rows]
        assert len(set(references)) == 3
        assert all(len(r) == 8 and set(r) <= set(REFERENCE_ALPHABET) for r in references)
        for row, (parent, _children) in zip(rows, parents, strict=True):
            signing = row.signing
            assert (signing.signed_by_id, signing.signature) == (parent.id, parent.name)
            answers = {
                a.document_version.document.key: (a.document_version.version, a.accepted)
                for a in signing.answers
            }
            assert answers == {
                "medical_treatment": (1, True),
                "liability_waiver": (1, True),
                "photo_release": (1, False),
            }
        migrated = db.session.get(type(event), event.id)
        assert [d.current.title for d in migrated.active_documents] == [
            MEDICAL_TREATMENT.title,
            LIABILITY_WAIVER.title,
            PHOTO_RELEASE.title,
        ]
