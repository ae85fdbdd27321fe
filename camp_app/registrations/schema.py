"""Registering a child, and a coordinator's decision."""

from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import PlainValidator, WithJsonSchema

from camp_app.schemas.fields import Choice, Identifier, Rule, Text, fail
from camp_app.schemas.validation import Schema

DECISIONS = ("approve", "decline", "waitlist")
SIGNATURE_MAX = 200
NOTE_MAX = 2000


MAX_CONSENT_KEYS = 50


def _consent_answers(value):
    """An object with a boolean (or null: not answered) per consent document key."""
    if value is None:
        return {}
    message = _("Please answer each document with true or false, by its key.")
    if not isinstance(value, dict) or len(value) > MAX_CONSENT_KEYS:
        raise fail("invalid_type", message)
    if not all(isinstance(k, str) and len(k) <= 40 for k in value) or not all(
        v is None or isinstance(v, bool) for v in value.values()
    ):
        raise fail("invalid_type", message)
    return {k: v for k, v in value.items() if v is not None}


ConsentAnswers = Annotated[
    Any,
    PlainValidator(_consent_answers),
    WithJsonSchema(
        {
            "type": ["object", "null"],
            "additionalProperties": {"type": ["boolean", "null"]},
            "maxProperties": MAX_CONSENT_KEYS,
            "description": "A boolean per key of the event's `consent_documents` (true: read "
            "and accepted). A required document not accepted is `consent_missing` naming it; "
            "a key the event has no document for is `unknown_consent`. v1's "
            "`{medical_treatment, liability_waiver, photo_release}` is this object for the "
            "three standard documents; null or a missing key: not accepted.",
        }
    ),
    Rule(),
]


class RegistrationRequest(Schema):
    """One child for one event. Missing consents or signature are eligibility failures
    (`consent_missing`, `signature_missing`, `signature_mismatch`), reported with every
    other failing rule."""

    event: Text(80, required=True, description="The event's slug.")
    child_id: Identifier(description="A child of the caller's household.")
    consents: ConsentAnswers = None
    signature: Text(
        SIGNATURE_MAX,
        description="The full name of a guardian of the household, as in the family "
        "(case, accents and spaces aside): `signature_mismatch` otherwise.",
    ) = ""


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
