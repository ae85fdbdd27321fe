"""The camp nurse's medical summary laid out as a PDF (see medical_summary.py for who is in it).

Black and white friendly (bold labels and rules, no colour), "Confidential medical information"
on every page, a page per cabin or group and a bookmark for each, a child's block kept on one
page. Text goes through UnicodePDF's fast path: 10,000 children take seconds, not minutes.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from fpdf import FPDF

from camp_app.events.models import Event
from camp_app.roster.fast_pdf import BASELINE, UnicodePDF
from camp_app.timeutil import to_camp, utcnow

LINE = 5.2  # mm per line of 9.5 pt text
LABEL_WIDTH = 38


@dataclass(frozen=True)
class NurseEntry:
    last_name: str
    first_name: str
    date_of_birth: date
    age: int
    pending: bool
    allergies: str
    medications: tuple[tuple[str, str, str], ...]  # name, dose, schedule
    dietary_needs: str
    medical_conditions: str
    physician: str
    emergency_contacts: tuple[str, ...]
    parent: str


@dataclass
class CabinSection:
    name: str  # "" = not assigned to a cabin or group
    entries: list[NurseEntry] = field(default_factory=list)


@dataclass(frozen=True)
class SummaryChoice:
    include_pending: bool = False  # also children whose registration awaits review
    group: str = ""  # "" every cabin, "none" the unassigned children, or a CampGroup id


def joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


class _SummaryPDF(UnicodePDF):
    def __init__(self, event: Event, generated: str):
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.event_name = self.printable(event.name)
        self.confidential = self.printable(_("Confidential medical information")).upper()
        self.generated = self.printable(_("Generated %(when)s", when=generated))
        self.page_label = self.printable(_("Page %(page)s"))
        self.section = ""  # the cabin being printed, for the running header
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(auto=True, margin=16)

    def header(self):
        self.use(True, 9)
        self.put(self.l_margin, self.confidential, 5)
        self.use(False, 8)
        self.put(self.l_margin, joined(self.event_name, self.section, sep=" \u00b7 "), 4)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(3)

    def footer(self):
        # "Page N" only: fpdf2's total-page alias costs milliseconds a page in a Unicode font.
        y = self.h - 12 + 5 * BASELINE
        self.use(False, 8)
        self.put_at(self.l_margin, y, self.generated)
        page = self.page_label % {"page": self.page_no()}
        self.put_at(self.w - self.r_margin - self.width(page), y, page)


def _generated_at() -> str:
    now = utcnow()
    return f"{format_datetime(now, 'medium')} {to_camp(now).tzname()}"


def _section_name(section: CabinSection) -> str:
    return section.name or _("Not assigned to a cabin or group")


def _title_page(pdf: _SummaryPDF, event: Event, sections, choice: SummaryChoice) -> None:
    pdf.add_page()
    pdf.use(True, 16)
    title = pdf.printable(_("Medical summary: %(event)s", event=event.name))
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.use(False, 11)
    dates = f"{format_date(event.starts_on, 'long')} \u2013 {format_date(event.ends_on, 'long')}"
    when_where = pdf.printable(joined(dates, event.location, sep=" · "))
    pdf.multi_cell(0, 6, when_where, new_x="LMARGIN", new_y="NEXT")
    scope = (
        _("Confirmed and pending-review registrations.")
        if choice.include_pending
        else _("Confirmed registrations.")
    )
    if choice.group:
        scope += " " + _("One cabin or group only.")
    pdf.multi_cell(0, 6, pdf.printable(scope), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.use(True, 10)
    widths = (96, 28, 28, 28)
    titles = (_("Cabin or group"), _("Children"), _("Allergies"), _("Medications"))
    for width, title in zip(widths, titles, strict=True):
        pdf.cell(width, 6, pdf.printable(title), border="B")
    pdf.ln()
    pdf.use(False, 10)
    for section in sections:
        counts = (
            len(section.entries),
            sum(1 for e in section.entries if e.allergies),
            sum(1 for e in section.entries if e.medications),
        )
        pdf.cell(widths[0], 6, pdf.printable(_section_name(section)))
        for width, count in zip(widths[1:], counts, strict=True):
            pdf.cell(width, 6, str(count))
        pdf.ln()
    if not sections:
        pdf.cell(0, 6, pdf.printable(_("No children to list.")))


def _labels(pdf: _SummaryPDF) -> dict:
    """Translated once, not per child."""
    texts = {
        "pending": _("Pending review"),
        "born": _("%(date)s (age %(age)s on the first day)"),
        "dob": _("Date of birth"),
        "allergies": _("Allergies"),
        "medications": _("Medications"),
        "diet": _("Dietary needs"),
        "conditions": _("Medical conditions"),
        "physician": _("Physician"),
        "contact": _("Emergency contact"),
        "parent": _("Parent or guardian"),
        "none": _("None reported"),
        "unknown": _("Not given"),
        "continued": _("(continued)"),
    }
    labels = {key: pdf.printable(text) for key, text in texts.items()}
    labels["dates"] = {}  # birth dates as text: many children share one
    return labels


def _entry_lines(entry: NurseEntry, labels: dict) -> list[tuple[str, str, bool]]:
    """(label, value, value in bold?) for each line of a child's block."""
    day = labels["dates"].get(entry.date_of_birth) or labels["dates"].setdefault(
        entry.date_of_birth, format_date(entry.date_of_birth, "medium")
    )
    born = labels["born"] % {"date": day, "age": entry.age}
    lines = [
        (labels["dob"], born, False),
        (labels["allergies"], entry.allergies or labels["none"], bool(entry.allergies)),
    ]
    medications = [joined(*m, sep=" · ") for m in entry.medications] or [labels["none"]]
    lines += [
        (labels["medications"] if i == 0 else "", m, False) for i, m in enumerate(medications)
    ]
    lines += [
        (labels["diet"], entry.dietary_needs or labels["none"], False),
        (labels["conditions"], entry.medical_conditions or labels["none"], False),
        (labels["physician"], entry.physician or labels["unknown"], False),
    ]
    contacts = entry.emergency_contacts or (labels["unknown"],)
    lines += [(labels["contact"] if i == 0 else "", c, False) for i, c in enumerate(contacts)]
    lines.append((labels["parent"], entry.parent or labels["unknown"], False))
    return lines


def _cabin_heading(pdf: _SummaryPDF, text: str) -> None:
    pdf.use(True, 14)
    pdf.put(pdf.l_margin, pdf.printable(text), 9)


def _entry_block(pdf: _SummaryPDF, entry: NurseEntry, labels: dict, heading: str) -> None:
    """A child: the name, then a label and its wrapped value per line, and a rule. Kept on one
    page unless longer than a page."""
    value_x = pdf.l_margin + LABEL_WIDTH
    room = pdf.w - pdf.r_margin - value_x
    rows = []
    for label, value, bold in _entry_lines(entry, labels):
        lines = pdf.wrap(value, room, bold, 9.5)
        rows += [(label if i == 0 else "", line, bold) for i, line in enumerate(lines)]
    height = 6.5 + len(rows) * LINE + 3.5
    if not pdf.room_for(height) and height < pdf.page_break_trigger - pdf.t_margin - 20:
        _new_page(pdf, f"{heading} {labels['continued']}")
    pdf.use(True, 11)
    name = pdf.printable(f"{entry.last_name.upper()}, {entry.first_name}")
    pdf.put(pdf.l_margin, name + (f"  [{labels['pending']}]" if entry.pending else ""), 6.5)
    if pdf.room_for(len(rows) * LINE):
        _rows_by_style(pdf, rows, value_x)
    else:  # longer than a page: line by line, breaking pages as needed
        for row in rows:
            if not pdf.room_for(LINE):
                _new_page(pdf, f"{heading} {labels['continued']}")
            _rows_by_style(pdf, [row], value_x)
    y = pdf.get_y() + 1.5
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2)


def _rows_by_style(pdf: _SummaryPDF, rows, value_x: float) -> None:
    """Labels and bold values, then plain values: two font changes, not one per line."""
    top = pdf.get_y()
    bold_texts, plain_texts = [], []
    for i, (label, value, bold) in enumerate(rows):
        y = top + (i + BASELINE) * LINE
        if label:
            bold_texts.append((pdf.l_margin, y, label))
        if value:
            (bold_texts if bold else plain_texts).append((value_x, y, value))
    pdf.use(True, 9.5)
    pdf.put_many(bold_texts)
    pdf.use(False, 9.5)
    pdf.put_many(plain_texts)
    pdf.set_y(top + len(rows) * LINE)


def _new_page(pdf: _SummaryPDF, heading: str) -> None:
    pdf.add_page()
    _cabin_heading(pdf, heading)


def summary_document(event: Event, sections: list[CabinSection], choice: SummaryChoice) -> FPDF:
    """The laid-out summary: a title page with counts per cabin, then a page per cabin, each
    cabin also a bookmark in the PDF's outline."""
    pdf = _SummaryPDF(event, _generated_at())
    pdf.set_title(pdf.printable(_("Medical summary: %(event)s", event=event.name)))
    _title_page(pdf, event, sections, choice)
    labels = _labels(pdf)
    for section in sections:
        heading = _section_name(section)
        pdf.section = pdf.printable(heading)
        pdf.add_page()
        pdf.start_section(pdf.section)
        _cabin_heading(pdf, f"{heading} ({len(section.entries)})")
        for entry in section.entries:
            _entry_block(pdf, entry, labels, heading)
    return pdf


def summary_pdf(event: Event, sections: list[CabinSection], choice: SummaryChoice) -> bytes:
    return bytes(summary_document(event, sections, choice).output())
