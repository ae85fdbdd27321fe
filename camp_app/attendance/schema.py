"""A child's day at camp, recorded at the gate."""

from camp_app.schemas.fields import Choice, Day, Identifier, Text
from camp_app.schemas.validation import Schema

ACTIONS = ("check_in", "check_out", "absent")


class AttendanceAction(Schema):
    registration_id: Identifier()
    date: Day(description="A day of the event.")
    action: Choice(ACTIONS, required=True, code="invalid_action")
    pickup_contact_id: Identifier(
        required=False,
        description="check_out: the person collecting the child, from the child's authorized "
        "pickup list (or pickup_guardian_id). Required at a day camp; optional at an "
        "overnight camp. A do_not_release contact: 422 `pickup_restricted`.",
    ) = None
    pickup_guardian_id: Identifier(
        required=False,
        description="check_out: a guardian of the child's household (always allowed), "
        "instead of pickup_contact_id.",
    ) = None
    reason: Text(200, description="absent: why.") = ""
