"""Registering a child, and a coordinator's decision."""

from flask_babel import gettext as _

from camp_app.schemas.fields import Boolean, Choice, Identifier, Nested, Text
from camp_app.schemas.validation import Schema

DECISIONS = ("approve", "decline", "waitlist")
SIGNATURE_MAX = 200
NOTE_MAX = 2000


class Consents(Schema):
    """Each consent answered; a missing one is `consent_missing`."""

    medical_treatment: Boolean(null=None, description="Must be true.") = None
    liability_waiver: Boolean(null=None, description="Must be true.") = None
    photo_release: Boolean(null=None, description="Yes or no.") = None


class RegistrationRequest(Schema):
    """One child for one event. Missing consents or signature are eligibility failures
    (`consent_missing`, `signature_missing`), reported with every other failing rule."""

    event: Text(80, required=True, description="The event's slug.")
    child_id: Identifier(description="A child of the caller's household.")
    consents: Nested(Consents, lambda: _("Please send an object.")) = None
    signature: Text(SIGNATURE_MAX, description="The parent's typed full name.") = ""


class Decision(Schema):
    action: Choice(
        DECISIONS,
        lambda: _("Choose approve, decline or waitlist."),
        required=True,
        code="invalid_action",
    )
    note: Text(NOTE_MAX, multiline=True, description="For the family (in the decline mail).") = ""
    override_reason: Text(
        NOTE_MAX,
        multiline=True,
        description="Why a rule the registration fails may be overridden; required to "
        "`approve` a registration that fails a rule now (`override_reason_required`).",
    ) = ""
