"""What a family keeps after registering: the confirmation of one submission (each child's
reference and status, what happens next, the camp in their calendar) and the signed record of
the documents accepted, as a page and as a PDF. Only the family's own (None otherwise: 404).
"""

from dataclasses import dataclass

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.ids import possible_id
from camp_app.registrations import mails, queries
from camp_app.registrations.models import ConsentSigning, SignedConsent
from camp_app.registrations.queries import RegistrationRow
from camp_app.registrations.signed_pdf import signed_record_document


@dataclass(frozen=True)
class Submission:
    signing: ConsentSigning
    event: Event
    rows: list[RegistrationRow]

    @property
    def answers(self) -> list[SignedConsent]:
        return self.signing.answers

    @property
    def references(self) -> list[str]:
        return [row.registration.reference for row in self.rows]

    @property
    def references_text(self) -> str:
        return "-".join(self.references)

    @property
    def children_names(self) -> str:
        return ", ".join(row.registration.child.first_name for row in self.rows)


def family_submission(household: Household | None, signing_id) -> Submission | None:
    """The household's submission signed as `signing_id`, or None (another family's too)."""
    if household is None or not possible_id(signing_id):
        return None
    signing = db.session.get(ConsentSigning, signing_id)
    if signing is None or signing.household_id != household.id:
        return None
    rows = queries.signing_registrations(signing)
    if not rows:
        return None
    return Submission(signing, rows[0].registration.event, rows)


def calendar_of(submission: Submission) -> str:
    """The camp as an all-day calendar event (.ics), naming the children registered."""
    uid = mails.signing_calendar_uid(submission.signing.id)
    return mails.event_calendar(submission.event, submission.children_names, uid)


def signed_record_pdf(submission: Submission) -> bytes:
    return bytes(signed_record_document(submission).output())
