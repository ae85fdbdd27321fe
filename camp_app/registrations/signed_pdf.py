"""The signed record as a PDF a family keeps: the event, each child's reference and status, who
signed, when and the typed signature, and every document in full with its version and the
answer given. In the reader's language (documents fall back to English)."""

from pathlib import Path

from flask_babel import format_datetime
from flask_babel import gettext as _
from fpdf import FPDF

from camp_app.events.consents import reading_locale
from camp_app.registrations.labels import status_label

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVu"
TEXT_SIZE = 10


class _RecordPDF(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="Letter")
        self.footer_text = footer_text
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        page = _("Page %(n)s of %(total)s", n=self.page_no(), total="{nb}")
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")


def _heading(pdf: FPDF, text: str, size: float = 13) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _line(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, "B", TEXT_SIZE)
    pdf.write(5.2, f"{label}: ")
    pdf.set_font(FONT, "", TEXT_SIZE)
    pdf.write(5.2, value)
    pdf.ln(5.6)


def _status(row) -> str:
    text = status_label(row.registration.status)
    if row.waitlist_position:
        text += " " + _("(number %(n)s on the waitlist)", n=row.waitlist_position)
    return text


def signed_record_document(submission) -> FPDF:
    """The laid-out document (the caller outputs it)."""
    locale = reading_locale()
    signing, event = submission.signing, submission.event
    title = _("Signed consent record")
    pdf = _RecordPDF(f"{event.name} · {_('Reference')} {', '.join(submission.references)}")
    pdf.set_title(f"{title}: {event.name} ({submission.references_text})")
    pdf.set_author(signing.signature)
    pdf.alias_nb_pages()
    pdf.add_page()
    _heading(pdf, title, 16)
    _heading(pdf, event.name, 12)
    pdf.set_font(FONT, "", TEXT_SIZE)
    dates = f"{event.starts_on.isoformat()} – {event.ends_on.isoformat()}"  # noqa: RUF001
    _line(pdf, _("Dates"), dates)
    if event.location:
        _line(pdf, _("Place"), event.location)
    pdf.ln(2)
    for row in submission.rows:
        registration = row.registration
        _line(pdf, _("Child"), registration.child.full_name)
        _line(pdf, _("Reference"), registration.reference)
        _line(pdf, _("Status"), _status(row))
        pdf.ln(1.5)
    _line(pdf, _("Signed by"), signing.signed_by.name)
    _line(pdf, _("Typed signature"), signing.signature)
    _line(pdf, _("Signed at"), format_datetime(signing.signed_at, "long"))
    for answer in submission.answers:
        version = answer.document_version
        pdf.ln(4)
        _heading(pdf, version.title_in(locale), 12)
        _line(pdf, _("Version"), str(version.version))
        _line(pdf, _("Answer"), _("Accepted") if answer.accepted else _("Not accepted"))
        pdf.ln(1)
        pdf.set_font(FONT, "", TEXT_SIZE)
        pdf.multi_cell(0, 5, version.body_in(locale), new_x="LMARGIN", new_y="NEXT")
    return pdf
