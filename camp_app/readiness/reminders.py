"""Reminders that chase what is missing, and the practical mail a week before camp.

`send_due_reminders()` sends what is due now and returns how many reminders went out; `flask
reminders --once` runs it, and the mail worker runs it every hour (notifications.cli's
SEND_REMINDERS hook). Each reminder is a row of `sent_reminders` written in the same
transaction as its mails; the row's unique key (registration, kind, occasion) makes the same
reminder impossible to send twice, whoever runs at once.

- Documents: from REMINDER_LEAD_DAYS before a due date until that date, a family whose child
  (pending or confirmed) still misses a document due by then (never sent, or rejected) gets
  one reminder naming every such document. None once they are all sent.
- Practical: from PRACTICAL_LEAD_DAYS before camp until it starts, each confirmed child's
  family gets the arrival time and place, what to bring and the camp's phone.

Mails are written in each guardian's language and never name a diagnosis or a medication.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from camp_app import timeutil
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.notifications.services import absolute_url, queue_mail
from camp_app.phones import readable_phone
from camp_app.readiness.documents import Requirement, event_requirements
from camp_app.readiness.models import SentReminder
from camp_app.readiness.status import latest_documents, readiness_of
from camp_app.registrations.mails import guardians
from camp_app.registrations.models import SEAT_HOLDING, Registration, RegistrationStatus

REMINDER_LEAD_DAYS = 7
PRACTICAL_LEAD_DAYS = 7
DOCUMENTS, PRACTICAL = "documents", "practical"
MAX_DUE_DAYS = 365


@dataclass
class ReminderReport:
    documents: int = 0
    practical: int = 0

    @property
    def total(self) -> int:
        return self.documents + self.practical


def _upcoming_events(today: date) -> list[Event]:
    """Events that have not started and start within the longest reminder window."""
    horizon = today + timedelta(days=MAX_DUE_DAYS + REMINDER_LEAD_DAYS)
    query = select(Event).where(Event.starts_on > today, Event.starts_on <= horizon)
    return list(db.session.scalars(query.order_by(Event.starts_on, Event.id)))


def _registrations(event: Event) -> list[Registration]:
    query = (
        select(Registration)
        .join(Registration.child)
        .where(Registration.event_id == event.id, Registration.status.in_(SEAT_HOLDING))
        .options(contains_eager(Registration.child))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(query))


def _sent(registration_ids) -> set[tuple[int, str, str]]:
    ids = list(registration_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(SentReminder.registration_id, SentReminder.kind, SentReminder.occasion).where(
            SentReminder.registration_id.in_(ids)
        )
    )
    return {tuple(row) for row in rows}


def _claim(registration: Registration, kind: str, occasion: str, now: datetime) -> bool:
    """Write the ledger row in a savepoint: False when it is there already (another run)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                SentReminder(
                    registration_id=registration.id, kind=kind, occasion=occasion, sent_at=now
                )
            )
    except IntegrityError:
        return False
    return True


def send_due_reminders(now: datetime | None = None) -> ReminderReport:
    """Send every reminder due at `now` (default: the clock). Commits per event."""
    now = now or timeutil.utcnow()
    today = timeutil.camp_today(now)
    report = ReminderReport()
    for event in _upcoming_events(today):
        practical_due = event.starts_on - timedelta(days=PRACTICAL_LEAD_DAYS) <= today
        requirements_due = [
            item
            for item in event.required_documents or []
            if _due_on(event, item) - timedelta(days=REMINDER_LEAD_DAYS) <= today
        ]
        if not practical_due and not requirements_due:
            continue
        registrations = _registrations(event)
        sent = _sent(r.id for r in registrations)
        if requirements_due:
            report.documents += _document_reminders(event, registrations, sent, today, now)
        if practical_due:
            report.practical += _practical_mails(event, registrations, sent, now)
        db.session.commit()
    return report


def _due_on(event: Event, item: dict) -> date:
    return event.starts_on - timedelta(days=int(item["due_days_before"]))


def _document_reminders(event, registrations, sent, today: date, now: datetime) -> int:
    documents = latest_documents(event.id, {r.child_id for r in registrations})
    states = {item.registration_id: item for item in readiness_of(event, registrations, documents)}
    count = 0
    for registration in registrations:
        state = states[registration.id]
        if not state.missing:
            continue  # complete, or everything sent and waiting for review
        requirements = event_requirements(event, registration)
        # The nearest due date in its window with something missing that is due by then.
        windows = sorted(
            {
                r.due_on
                for r in requirements
                if r.due_on - timedelta(days=REMINDER_LEAD_DAYS) <= today <= r.due_on
            }
        )
        for due_on in windows:
            owed = [r for r in requirements if r.key in state.missing and r.due_on <= due_on]
            if not owed:
                continue
            occasion = due_on.isoformat()
            if (registration.id, DOCUMENTS, occasion) in sent:
                break
            if _claim(registration, DOCUMENTS, occasion, now):
                _mail_documents(event, registration, owed, state.rejected, due_on)
                count += 1
            break
    return count


def _mail_documents(
    event: Event,
    registration: Registration,
    owed: list[Requirement],
    rejected: list[str],
    due_on: date,
) -> None:
    child: Child = registration.child
    subject = _l(
        "Documents needed for %(child)s before %(event)s",
        child=child.first_name,
        event=LazyString(event.text, "name"),
    )
    _mail_guardians(
        event,
        registration,
        "documents_reminder",
        subject,
        {
            "documents": [
                {"title": r.title, "due_on": r.due_on, "rejected": r.key in rejected} for r in owed
            ],
            "due_on": due_on,
            "documents_url": absolute_url(f"/family/children/{child.id}/documents"),
        },
    )


def _practical_mails(event: Event, registrations, sent, now: datetime) -> int:
    count = 0
    for registration in registrations:
        if registration.status != RegistrationStatus.CONFIRMED:
            continue
        if (registration.id, PRACTICAL, "") in sent:
            continue
        if _claim(registration, PRACTICAL, "", now):
            _mail_practical(event, registration)
            count += 1
    return count


def _mail_practical(event: Event, registration: Registration) -> None:
    subject = _l(
        "%(event)s starts soon: what %(child)s needs to know",
        child=registration.child.first_name,
        event=LazyString(event.text, "name"),
    )
    _mail_guardians(
        event,
        registration,
        "camp_practical",
        subject,
        {"phone": readable_phone(event.contact_phone)},
    )


def _mail_guardians(event: Event, registration: Registration, template, subject, context) -> None:
    """One mail per guardian of the registration's household, in the guardian's language."""
    child: Child = registration.child
    for guardian in guardians(registration.household_id):
        queue_mail(
            to=guardian.email,
            template=template,
            subject=subject,
            context={
                "guardian_name": guardian.name,
                "child_name": child.first_name,
                "event": event,
                **context,
            },
            locale=guardian.locale or "en",
            user_id=guardian.id,
            event_id=event.id,
            registration_id=registration.id,
            reply_to=event.contact_email,
        )


def send_reminders_for_worker() -> int:
    """The mail worker's hourly call (SEND_REMINDERS): how many reminders went out."""
    return send_due_reminders().total
