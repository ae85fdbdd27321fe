"""The camp nurse's medical summary: who is in it, read for printing, and the download.

`summary_sections` reads the children (confirmed, optionally also pending review; every cabin
or just one) with their medications and emergency contacts into plain NurseEntry values
grouped by cabin, in three column queries whatever their number; medical_pdf.py lays them out.
`medical_summary_pdf` is the download: it records the access first.
"""

from dataclasses import asdict

from flask_babel import gettext as _
from sqlalchemy import func, select

from camp_app.accounts.models import User
from camp_app.audit.services import record_read
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, ContactKind, Medication
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.registrations.queries import ROSTER_BATCH
from camp_app.roster.exports import group_ids
from camp_app.roster.filters import NO_GROUP
from camp_app.roster.medical_pdf import (  # noqa: F401 - the summary's parts, named here too
    CabinSection,
    NurseEntry,
    SummaryChoice,
    joined,
    summary_document,
    summary_pdf,
)
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import age_on, camp_today

EVERY_CABIN = SummaryChoice()  # confirmed children of every cabin and group


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
    # How many children: counted inside the entry's INSERT (no statement of its own).
    chosen = _registrations(event, choice).with_only_columns(func.count(Registration.id))
    record_read(
        actor.id,
        "event.export_medical_summary",
        "events",
        event.id,
        fields,
        count=chosen.scalar_subquery(),
    )
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
        text = joined(name, f"({relationship})" if relationship else "", phone, sep=" ")
        by_household.setdefault(household_id, []).append(text)
    return by_household


def summary_sections(event: Event, choice: SummaryChoice = EVERY_CABIN) -> list[CabinSection]:
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
            physician=joined(physician, physician_phone),
            emergency_contacts=tuple(contacts.get(household_id, ())),
            parent=joined(parent, parent_phone or ""),
        )
        sections.setdefault(group or "", CabinSection(group or "")).entries.append(entry)
    for section in sections.values():
        section.entries.sort(key=lambda e: (e.last_name.casefold(), e.first_name.casefold()))
    return sorted(sections.values(), key=lambda s: (s.name == "", s.name.casefold()))
