"""The nurse's medical summary: who is in it, grouped how, and a PDF that prints any name."""

from datetime import date

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roster import medical_summary
from camp_app.roster.medical_summary import SummaryChoice
from tests.exports.helpers import pdf_text, registered_child


def _names(section) -> list[str]:
    return [f"{e.first_name} {e.last_name}" for e in section.entries]


def test_confirmed_children_by_cabin_then_not_assigned_by_last_name(camp):
    sections = medical_summary.summary_sections(camp.event)
    assert [s.name for s in sections] == ["Birch", "Pine", ""]
    assert [_names(s) for s in sections] == [["Ben Adams"], ["Maya Lopez"], ["Zoë Núñez"]]
    [maya] = sections[1].entries
    assert maya.allergies == "peanuts"
    assert maya.medications == (("Ondansetron", "4 mg", "every 8 hours"),)
    assert maya.dietary_needs == "vegetarian"
    assert maya.physician == "Dr. House, +13055550123"
    assert maya.emergency_contacts == ("Ana Lopez (aunt) +13055550100",)
    assert maya.age == 11 and maya.date_of_birth == date(2016, 5, 1)
    assert not maya.pending


def test_pending_review_children_only_when_asked(camp):
    sections = medical_summary.summary_sections(camp.event, SummaryChoice(include_pending=True))
    pine = next(s for s in sections if s.name == "Pine")
    assert _names(pine) == ["Pat Brown", "Maya Lopez"]
    assert [e.pending for e in pine.entries] == [True, False]
    everyone = {name for s in sections for name in _names(s)}
    assert "Wes Ng" not in everyone and "Cal Old" not in everyone  # waitlisted, cancelled


def test_the_pdf_prints_cabins_in_order_with_allergies_and_medications(camp):
    sections = medical_summary.summary_sections(camp.event)
    text = pdf_text(medical_summary.summary_document(camp.event, sections, SummaryChoice()))
    assert text.count("CONFIDENTIAL MEDICAL INFORMATION") == 4  # title page and three cabins
    assert "Medical summary: Summer Camp" in text
    assert "June 14, 2027 \u2013 June 19, 2027" in text
    birch, pine, none = (
        text.index(h) for h in ("Birch (1)", "Pine (1)", "Not assigned to a cabin or group (1)")
    )
    assert birch < pine < none
    maya = text[pine:none]
    assert "LOPEZ, Maya" in maya
    assert "peanuts" in maya
    assert "Ondansetron · 4 mg · every 8 hours" in maya
    assert "Dr. House, +13055550123" in maya
    assert "Secret diagnosis" not in text  # a category for the team, not for the nurse's sheet
    assert "NÚÑEZ, Zoë" in text[none:]
    assert "Page 4" in text


def test_names_beyond_latin_1_and_emoji_do_not_break_it(camp):
    registered_child(
        camp.event,
        first_name="Łukasz “Luke” 😀",
        last_name="Nguyễn",
        allergies="tree nuts\u2028and 🐝 stings\x07",
        medications=[{"name": "Épinéphrine", "dose": "0,3 mg", "schedule": "si réaction"}],
    )
    sections = medical_summary.summary_sections(camp.event)
    text = pdf_text(medical_summary.summary_document(camp.event, sections, SummaryChoice()))
    assert "NGUYỄN, Łukasz “Luke”" in text
    assert "Épinéphrine · 0,3 mg · si réaction" in text


def test_a_child_longer_than_a_page_continues_on_the_next(camp):
    registered_child(
        camp.event, first_name="Long", last_name="Story", medical_conditions="word " * 3000
    )
    sections = medical_summary.summary_sections(camp.event)
    text = pdf_text(medical_summary.summary_document(camp.event, sections, SummaryChoice()))
    assert "Not assigned to a cabin or group (continued)" in text


def test_the_download_is_a_pdf(as_coordinator, camp):
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/medical-summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="medical-summary-{camp.event.slug}-'
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_an_event_without_children_still_gives_a_pdf(as_coordinator, app_ctx):
    from tests.factories import make_event

    event = make_event()
    response = as_coordinator.get(f"/manage/events/{event.slug}/medical-summary.pdf")
    assert response.get_data().startswith(b"%PDF-")
    text = pdf_text(medical_summary.summary_document(event, [], SummaryChoice()))
    assert "No children to list." in text


def test_one_cabin_can_be_printed_alone(as_coordinator, camp):
    pine = medical_summary.summary_sections(camp.event, SummaryChoice(group=str(camp.pine.id)))
    assert [(s.name, _names(s)) for s in pine] == [("Pine", ["Maya Lopez"])]
    unassigned = medical_summary.summary_sections(camp.event, SummaryChoice(group="none"))
    assert [(s.name, _names(s)) for s in unassigned] == [("", ["Zoë Núñez"])]
    slug = camp.event.slug
    response = as_coordinator.get(
        f"/manage/events/{slug}/medical-summary.pdf?group={camp.birch.id}&include_pending=1"
    )
    assert response.get_data().startswith(b"%PDF-")
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "event.export_medical_summary")
    )
    assert entry.fields == ["group", "include_pending"]


def test_a_cabin_of_another_event_is_refused_and_nothing_recorded(as_coordinator, camp):
    response = as_coordinator.get(f"/manage/events/{camp.event.slug}/medical-summary.pdf?group=999")
    assert response.status_code == 400
    assert "That cabin or group is not part of this event." in response.get_data(as_text=True)
    exports = db.select(AuditEntry).where(AuditEntry.action == "event.export_medical_summary")
    assert db.session.scalars(exports).all() == []
