"""The health center's input: a dose's outcome, a visit to the health center, an addendum."""

from flask_babel import lazy_gettext as _l

from camp_app.health_center.models import Disposition, DoseStatus
from camp_app.schemas.fields import Boolean, Choice, Identifier, Moment, Text
from camp_app.schemas.validation import Schema

NOTE_MAX = 500
TEXT_MAX = 4000


class DoseRecordInput(Schema):
    registration_id: Identifier()
    medication_id: Identifier(description="A medication on the child's list.")
    due_at: Moment(
        description="When the dose was due: one of the medication's `times` on a day of the "
        "camp (as GET /events/{slug}/medication lists it); for a medication taken as needed "
        "(no `times`), when it was given."
    )
    status: Choice(
        DoseStatus,
        lambda: _l("Choose given, refused, held or missed."),
        required=True,
        required_message=lambda: _l("Choose given, refused, held or missed."),
        description="What became of the dose.",
    )
    note: Text(
        NOTE_MAX,
        multiline=True,
        description="The reason; required when the dose was refused, held or missed.",
    ) = ""
    corrects_id: Identifier(
        required=False,
        description="The record this one corrects (same medication and due time).",
    ) = None


class HealthVisitInput(Schema):
    registration_id: Identifier()
    seen_at: Moment(required=False, description="When the child was seen; default now.") = None
    complaint: Text(
        TEXT_MAX,
        required=True,
        multiline=True,
        required_message=lambda: _l("Enter the complaint: why the child came."),
    )
    assessment: Text(TEXT_MAX, multiline=True) = ""
    treatment: Text(TEXT_MAX, multiline=True) = ""
    disposition: Choice(
        Disposition,
        lambda: _l("Choose what happened next."),
        required=True,
        required_message=lambda: _l("Choose what happened next."),
    )
    guardian_notified: Boolean(null=False) = False
    guardian_notified_at: Moment(
        required=False,
        description="When the guardian was told; default now when `guardian_notified`.",
    ) = None


class AddendumInput(Schema):
    text: Text(
        TEXT_MAX,
        required=True,
        multiline=True,
        required_message=lambda: _l("Enter the addendum."),
    )
