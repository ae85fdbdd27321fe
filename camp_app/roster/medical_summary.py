"""The camp nurse's medical summary: a printable PDF, one section per cabin or group.

`summary_sections` reads the children (confirmed, optionally also pending review) with their
medications and emergency contacts, a batch at a time, into plain NurseEntry values grouped by
cabin; `summary_pdf` prints them. The PDF is black and white friendly (bold labels and rules,
no colour), says "Confidential medical information" on every page, and uses the DejaVu Sans
font shipped in camp_app/static/fonts so any name prints (Sofía, Zoë, “quotes”); characters the
font lacks (most emoji) become "?" instead of failing.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from fpdf import FPDF
from sqlalchemy import select

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, ContactKind, Medication
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.registrations.queries import ROSTER_BATCH
from camp_app.roster.exports import group_ids
from camp_app.roster.fast_pdf import BASELINE, UnicodePDF
from camp_app.roster.filters import NO_GROUP
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import age_on, camp_today, to_camp, utcnow

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


def parse_choice(event: Event, args) -> SummaryChoice:
    """The summary's options from the query string. Raises InvalidInput for a foreign cabin."""
    group = (args.get("group") or "").strip()
    if group and group != NO_GROUP and group not in {str(i) for i in group_ids(event)}:
        message = _("That cabin or group is not part of this event.")
        raise InvalidInput([Problem("invalid_group", message, "group")])
    pending = (args.get("include_pending") or "") in ("1", "on", "true", "yes")
    return SummaryChoice(include_pending=pending, group=group)


def medical_summary_pdf(actor: User, event: Event, args) -> bytes:
    """The PDF for the query string's options, after recording the access (option names
    only) in its own committed transaction. Raises InvalidInput."""
    choice = parse_choice(event, args)
    fields = [name for name, value in asdict(choice).items() if value]
    record(actor.id, "event.export_medical_summary", event, fields)
    db.session.commit()
    return summary_pdf(event, summary_sections(event, choice), choice)


def medical_filename(event: Event) -> str:
    return f"medical-summary-{event.slug}-{camp_today().isoformat()}.pdf"


# Three flat column queries (children, their medications, their households' emergency
# contacts), whatever the number of children: no ORM objects to build for 10,000 of them.


def _registrations(event: Event, choice: SummaryChoice):
    statuses = [RegistrationStatus.CONFIRMED]
    if choice.include_pending:
        statuses.append(RegistrationStatus.PENDING_REVIEW)
    query = select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(statuses)
    )
    if choice.group == NO_GROUP:
        query = query.where(Registration.group_id.is_(None))
    elif choice.group:
        query = query.where(Registration.group_id == int(choice.group))
    return query


def _children_query(registrations):
    chosen = registrations.subquery()
    return (
        select(
            chosen.c.status,
            chosen.c.household_id,
            Child.id,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.allergies,
            Child.dietary_needs,
            Child.medical_conditions,
            Child.physician_name,
            Child.physician_phone,
            CampGroup.name,
            User.name,
            User.phone,
        )
        .join(Child, Child.id == chosen.c.child_id)
        .join(User, User.id == chosen.c.signed_by_id)
        .outerjoin(CampGroup, CampGroup.id == chosen.c.group_id)
        .execution_options(yield_per=ROSTER_BATCH)
    )


def _medications(registrations) -> dict[int, list[tuple[str, str, str]]]:
    query = (
        select(Medication.child_id, Medication.name, Medication.dose, Medication.schedule)
        .where(Medication.child_id.in_(registrations.with_only_columns(Registration.child_id)))
        .order_by(Medication.id)
    )
    by_child: dict[int, list] = {}
    for child_id, *medication in db.session.execute(query):
        by_child.setdefault(child_id, []).append(tuple(medication))
    return by_child


def _emergency_contacts(registrations) -> dict[int, list[str]]:
    households = registrations.with_only_columns(Registration.household_id)
    query = (
        select(Contact.household_id, Contact.name, Contact.relationship, Contact.phone)
        .where(Contact.kind == ContactKind.EMERGENCY, Contact.household_id.in_(households))
        .order_by(Contact.id)
    )
    by_household: dict[int, list] = {}
    for household_id, name, relationship, phone in db.session.execute(query):
        text = _joined(name, f"({relationship})" if relationship else "", phone, sep=" ")
        by_household.setdefault(household_id, []).append(text)
    return by_household


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def summary_sections(event: Event, choice: SummaryChoice = SummaryChoice()) -> list[CabinSection]:
    """Cabins and groups by name, then "not assigned"; children by last, then first name."""
    starts_on = event.starts_on
    registrations = _registrations(event, choice)
    medications = _medications(registrations)
    contacts = _emergency_contacts(registrations)
    sections: dict[str, CabinSection] = {}
    for row in db.session.execute(_children_query(registrations)):
        (status, household_id, child_id, first, last, born, allergies, diet, conditions,
         physician, physician_phone, group, parent, parent_phone) = row  # fmt: skip
        entry = NurseEntry(
            last_name=last,
            first_name=first,
            date_of_birth=born,
            age=age_on(born, starts_on),
            pending=status == RegistrationStatus.PENDING_REVIEW,
            allergies=allergies.strip(),
            medications=tuple(medications.get(child_id, ())),
            dietary_needs=diet.strip(),
            medical_conditions=conditions.strip(),
            physician=_joined(physician, physician_phone),
            emergency_contacts=tuple(contacts.get(household_id, ())),
            parent=_joined(parent, parent_phone or ""),
        )
        sections.setdefault(group or "", CabinSection(group or "")).entries.append(entry)
    for section in sections.values():
        section.entries.sort(key=lambda e: (e.last_name.casefold(), e.first_name.casefold()))
    return sorted(sections.values(), key=lambda s: (s.name == "", s.name.casefold()))


# --- the PDF ----------------------------------------------------------------------------------


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
        self.put(self.l_margin, _joined(self.event_name, self.section, sep=" \u00b7 "), 4)
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
    when_where = pdf.printable(_joined(dates, event.location, sep=" · "))
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
    medications = [_joined(*m, sep=" · ") for m in entry.medications] or [labels["none"]]
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
