"""A nurse's or coordinator's review of an uploaded document."""

from enum import StrEnum

from flask_babel import gettext as _

from camp_app.schemas.fields import Choice, Text
from camp_app.schemas.validation import Schema

NOTE_MAX = 2000


class ReviewAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class DocumentReview(Schema):
    """Accept the document, or reject it with a note that the family receives by mail."""

    action: Choice(ReviewAction, lambda: _("Choose accept or reject."), required=True)
    note: Text(
        NOTE_MAX,
        multiline=True,
        description="Required to reject (`note_required`): what the family must fix.",
    ) = ""
