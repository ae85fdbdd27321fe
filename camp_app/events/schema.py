"""Events and camps, with their eligibility rules."""

from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import Field, PlainValidator, WithJsonSchema

from camp_app.events.models import Audience, EventKind
from camp_app.families.models import DiagnosisCategory
from camp_app.schemas.fields import (
    Boolean,
    Choice,
    Choices,
    Day,
    Email,
    Integer,
    Items,
    Moment,
    Nested,
    Phone,
    Rule,
    Slug,
    Text,
)
from camp_app.schemas.validation import Schema

MIN_AGE, MAX_AGE = 0, 25
MAX_CAPACITY = 100_000  # far above any camp; keeps the number inside an SQL integer

# Answers of GET that a client may send back unchanged: accepted and ignored, never written.
ReadOnly = Annotated[
    Any,
    PlainValidator(lambda value: value),
    WithJsonSchema({"description": "Read-only: accepted and ignored.", "readOnly": True}),
    Rule(),
]
READ_ONLY_FIELDS = ("id", "seats_taken", "seats_left", "waitlist_length")


class EligibilityRules(Schema):
    """Who may register. Age is the child's age on `starts_on`."""

    min_age: Integer(MIN_AGE, MAX_AGE, required=False, description="No limit: null.") = None
    max_age: Integer(
        MIN_AGE,
        MAX_AGE,
        required=False,
        description="No limit: null. Not below `min_age` (`ages_reversed`).",
    ) = None
    audience: Choice(
        Audience,
        lambda: _("Choose patients, siblings, patients and siblings, or anyone."),
        required=True,
    ) = Audience.ANYONE.value
    diagnosis_categories: Choices(
        DiagnosisCategory,
        lambda: _(
            "Choose from: %(choices)s.", choices=", ".join(c.value for c in DiagnosisCategory)
        ),
    ) = []
    treated_at_hospital_required: Boolean() = False


ELIGIBILITY_FIELDS = tuple(EligibilityRules.model_fields)


MAX_REQUIRED_DOCUMENTS = 20
MAX_DUE_DAYS_BEFORE = 365
DOCUMENT_KEY_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"


class RequiredDocument(Schema):
    """A document families upload before camp (e.g. a physician's clearance)."""

    key: Text(
        60,
        required=True,
        pattern=(
            DOCUMENT_KEY_PATTERN,
            "invalid_key",
            lambda: _("Use lowercase letters, digits and single underscores, e.g. physician_form."),
        ),
        description="Names the document in uploads and readiness; unique within the event "
        "(`duplicate_key`).",
    )
    title: Text(160, required=True)
    description: Text(2000, multiline=True) = ""
    due_days_before: Integer(
        0, MAX_DUE_DAYS_BEFORE, description="Due this many days before the event's first day."
    )


def _no_default(schema: dict) -> None:
    """Not given is not null: leave the default out of the document."""
    schema.pop("default", None)


CONSENT_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
DOCUMENT_TITLE_MAX = 200
DOCUMENT_BODY_MAX = 20_000
MAX_DOCUMENTS = 12


class DocumentTranslation(Schema):
    """A document's title and text in another language (empty: the English one is shown)."""

    title: Text(DOCUMENT_TITLE_MAX) = ""
    body: Text(DOCUMENT_BODY_MAX, multiline=True) = ""


class DocumentTranslations(Schema):
    es: Nested(DocumentTranslation, lambda: _("Send the Spanish text as an object.")) = None


class ConsentDocumentInput(Schema):
    """A document parents read in full and accept when registering. Changing its title or
    text (in any language) makes a new `version`; registrations keep the version signed."""

    key: Text(
        40,
        required=True,
        pattern=(
            CONSENT_KEY_PATTERN,
            "invalid_key",
            lambda: _("Use lowercase letters, digits and underscores, starting with a letter."),
        ),
        description="Stable name, the key of `consents` when registering. Unique per event "
        "(`duplicate_key`); `medical_treatment`, `liability_waiver` and `photo_release` "
        "cannot be left out (`standard_document_missing`).",
    )
    title: Text(DOCUMENT_TITLE_MAX, required=True)
    body: Text(DOCUMENT_BODY_MAX, multiline=True, required=True, description="The full text.")
    required: Boolean(description="Parents must accept it to register.") = True
    translations: Nested(DocumentTranslations, lambda: _("Send the translations as an object.")) = (
        None
    )
    version: ReadOnly = None


TRANSLATED_FIELDS = ("name", "summary", "description")
TRANSLATION_LANGUAGES = ("es",)


class EventTexts(Schema):
    """An event's texts in one language; a text left empty reads in English."""

    name: Text(160) = ""
    summary: Text(500, multiline=True) = ""
    description: Text(20_000, multiline=True) = ""


class EventTranslations(Schema):
    """The event's texts by language. Readers whose language (`Accept-Language`) has a text
    get it; the others, and any text left empty, are the English ones."""

    es: Nested(EventTexts, lambda: _("Send the Spanish texts as an object.")) = None


class EventCopyInput(Schema):
    """Next year's event: a copy of this one, unpublished, every date moved by the same amount
    (the difference between `starts_on` and the original's first day)."""

    slug: Slug(description="The copy's web address name; unique (`slug_taken`).")
    starts_on: Day(
        required_message=lambda: _("Choose the first day of the copy."),
        description="The copy's first day.",
    )


class EventInput(Schema):
    """An event or camp. Read-only fields sent back are ignored; unknown fields are refused
    (422 `unknown_field`)."""

    slug: Slug(
        description="The event's web address name: lowercase letters, digits and single "
        "hyphens; unique (`slug_taken`)."
    )
    name: Text(160, required=True)
    kind: Choice(EventKind, lambda: _("Choose overnight camp, day camp or event."), required=True)
    summary: Text(500, multiline=True) = ""
    description: Text(20_000, multiline=True) = ""
    location: Text(200) = ""
    contact_email: Email(description="Not in the contract: how families reach the camp.") = ""
    contact_phone: Phone(description="Not in the contract: how families reach the camp.") = ""
    starts_on: Day()
    ends_on: Day(description="Not before `starts_on` (`ends_before_start`).")
    registration_opens_at: Moment()
    registration_closes_at: Moment(
        description="After `registration_opens_at` (`closes_before_opens`) and before the "
        "event ends (`closes_after_event`)."
    )
    capacity: Integer(
        0,
        MAX_CAPACITY,
        description="Seats; not below the seats already taken (`capacity_below_taken`).",
    )
    waitlist_enabled: Boolean() = True
    requires_review: Boolean() = False
    requires_verification: Boolean(
        description="Not in the contract: a patient's seat is confirmed only once the medical "
        "team has verified the child."
    ) = False
    published: Boolean() = False
    required_documents: Items(
        RequiredDocument,
        max_items=MAX_REQUIRED_DOCUMENTS,
        message=lambda: _("Please send a list of documents."),
        too_many=lambda: _(
            "Please ask for at most %(count)d documents.", count=MAX_REQUIRED_DOCUMENTS
        ),
    ) = []
    arrival_details: Text(
        2000,
        multiline=True,
        description="Not in the contract: arrival time and place, for the mail a week before camp.",
    ) = ""
    packing_list: Text(
        4000,
        multiline=True,
        description="Not in the contract: what to bring, for the mail a week before camp.",
    ) = ""
    eligibility: Nested(EligibilityRules, lambda: _("Send the eligibility rules as an object.")) = (
        None
    )
    consent_documents: Annotated[
        Items(
            ConsentDocumentInput,
            max_items=MAX_DOCUMENTS,
            message=lambda: _("Please send a list of documents."),
            too_many=lambda: _("Please keep to %(count)d documents.", count=MAX_DOCUMENTS),
        ),
        Field(
            max_length=MAX_DOCUMENTS,
            description="Every document parents read and accept, in order; when given, the "
            "whole list (a document left out is no longer asked). Not given on creation: the "
            "hospital's three standard documents.",
            json_schema_extra=_no_default,
        ),
    ] = None
    translations: Nested(
        EventTranslations, lambda: _("Send the translations as an object by language.")
    ) = None
    id: ReadOnly = None
    seats_taken: ReadOnly = None
    seats_left: ReadOnly = None
    waitlist_length: ReadOnly = None
