"""The API's route table for its OpenAPI document: per operation its summary, request model,
answer and the statuses it may give beyond those every operation of its kind gives (401/403
from its access declaration, 400/413/422 with a body, 404 with a path parameter).

`rules` are the (code, field) pairs of rules beyond the request's schema (business rules,
e.g. an ineligible child): a request that fits the schema can still get 422 with these, and
only these.
"""

import re
from dataclasses import dataclass, field

from camp_app.accounts.schema import Credentials, ProfileInput, SignUp, Verification
from camp_app.attendance.schema import AttendanceAction
from camp_app.events.consent_texts import STANDARD_KEYS
from camp_app.events.schema import MAX_DOCUMENTS, EventCopyInput, EventInput
from camp_app.families.schema import ChildInput, ContactInput
from camp_app.health_center.models import Disposition, DoseStatus
from camp_app.health_center.schema import AddendumInput, DoseRecordInput, HealthVisitInput
from camp_app.readiness.schema import DocumentReview
from camp_app.registrations.models import RegistrationStatus
from camp_app.registrations.schema import Decision, RegistrationRequest
from camp_app.schemas.fields import DATE_PATTERN, MAX_ID

INPUT_MODELS = [
    SignUp,
    Verification,
    Credentials,
    ChildInput,
    ContactInput,
    EventInput,
    EventCopyInput,
    RegistrationRequest,
    Decision,
    AttendanceAction,
    DoseRecordInput,
    HealthVisitInput,
    AddendumInput,
    DocumentReview,
]
PATCHED_MODELS = [ChildInput, EventInput, ProfileInput]

STATUSES = [s.value for s in RegistrationStatus]
ELIGIBILITY_CODES = [
    "too_young",
    "too_old",
    "not_a_patient",
    "not_a_sibling_of_patient",
    "diagnosis_not_covered",
    "not_treated_at_hospital",
    "registration_not_open",
    "registration_closed",
    "event_full",
    "profile_incomplete",
    "consent_missing",
    "signature_missing",
    "signature_mismatch",
]
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DAY = {"type": "string", "format": "date", "pattern": DATE_PATTERN}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required=None, description=None) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(required or properties)}
    if description:
        schema["description"] = description
    return schema


def _text() -> dict:
    return {"type": "string"}


REGISTRATION = _object(
    {
        "id": {"type": "integer"},
        "event": {"type": "string", "description": "The event's slug."},
        "child_id": {"type": "integer"},
        "status": {"type": "string", "enum": STATUSES},
        "waitlist_position": {
            "type": ["integer", "null"],
            "description": "1 = next to get a seat; null unless waitlisted.",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "reference": {
            "type": "string",
            "pattern": "^[2-9A-HJKMNP-TW-Z]{8}$",
            "description": "A short code to quote on the phone (no 0/O, 1/I/L, U/V); unique.",
        },
        "consents": {
            "type": "array",
            "description": "What was signed: each document version shown, and the answer.",
            "items": _object(
                {
                    "key": {"type": "string"},
                    "title": {"type": "string", "description": "In the reader's language."},
                    "version": {"type": "integer", "minimum": 1},
                    "accepted": {"type": "boolean"},
                }
            ),
        },
        "child": {
            "type": "object",
            "description": "GET /registrations/{id} for staff, nurse and coordinator: what the "
            "role sees of the child. Staff: first_name, last_name, age, cabin, allergies, "
            "dietary_needs, health_alerts, health_alert_note. Nurse and coordinator also: "
            "diagnosis_category, diagnosis, medical_conditions, medications, physician_name, "
            "physician_phone (each such read is audited). Absent for a parent.",
        },
    },
    required=[
        "id",
        "event",
        "child_id",
        "status",
        "waitlist_position",
        "created_at",
        "reference",
        "consents",
    ],
)

# Answers that have no request of their own to be built from.
ANSWER_SCHEMAS = {
    "Error": _object(
        {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {
                        "code": {"type": "string", "description": "Stable, machine-readable."},
                        "message": {
                            "type": "string",
                            "description": "A plain sentence for a person, in the user's language.",
                        },
                        "field": {
                            "type": "string",
                            "description": "The request field concerned, where one applies.",
                        },
                    },
                    required=("code", "message"),
                ),
            }
        }
    ),
    "Message": _object({"message": _text()}),
    "Token": _object(
        {
            "token": {
                "type": "string",
                "description": "Send as `Authorization: Bearer <token>`. Shown only once.",
            },
            "expires_at": {"type": "string", "format": "date-time"},
        }
    ),
    "User": _object(
        {
            "id": {"type": "integer"},
            "email": _text(),
            "name": _text(),
            "roles": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["parent", "coordinator", "staff", "nurse", "admin"],
                },
            },
            "phone": {"type": "string", "description": "E.164, or empty."},
            "locale": {
                "type": "string",
                "enum": ["en", "es"],
                "description": "The language of this person's mails.",
            },
        }
    ),
    "Guardian": _object({"id": {"type": "integer"}, "name": _text(), "email": _text()}),
    "Family": _object(
        {
            "guardians": {"type": "array", "items": _ref("Guardian")},
            "children": {"type": "array", "items": _ref("Child")},
            "contacts": {"type": "array", "items": _ref("Contact")},
        }
    ),
    "FamilyExport": _object(
        {
            "household_id": {"type": "integer"},
            "exported_at": {"type": "string", "format": "date-time"},
            **{
                name: {"type": "array", "items": {"type": "object"}}
                for name in (
                    "guardians",
                    "children",
                    "contacts",
                    "guardian_invitations",
                    "registrations",
                    "attendance",
                    "medication_records",
                    "health_visits",
                )
            },
        },
        description="Everything held about the household. `children` as in GET /family plus "
        "`patient_verification`; `registrations` with `consents: [{key, text, accepted}]`, "
        "`signature`, `signed_at` and `signed_by`; `attendance` a record per child and day; "
        "`medication_records` the doses given at camp.",
    ),
    "Reason": _object({"code": {"type": "string", "enum": ELIGIBILITY_CODES}, "message": _text()}),
    "ChildEligibility": _object(
        {
            "child_id": {"type": "integer"},
            "eligible": {"type": "boolean"},
            "reasons": {"type": "array", "items": _ref("Reason")},
        }
    ),
    "Registration": REGISTRATION,
    "ConsentDocument": _object(
        {
            "key": _text(),
            "title": _text(),
            "body": {"type": "string", "description": "The full text parents read."},
            "required": {"type": "boolean"},
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "Read-only: 1, then one more each time a title or text changes.",
            },
            "translations": _object(
                {"es": _object({"title": _text(), "body": _text()})},
                description="The Spanish text; empty strings: Spanish readers see English.",
            ),
        }
    ),
    "RegistrationListItem": {
        "allOf": [
            _ref("Registration"),
            _object({"child_first_name": _text(), "child_last_name": _text()}),
        ],
        "description": "Not in the contract: the child's name, which `q` searches.",
    },
    "RegistrationPage": _object(
        {
            "items": {"type": "array", "items": _ref("RegistrationListItem")},
            "total": {"type": "integer", "description": "How many match, over all pages."},
        }
    ),
}

DOCUMENT = _object(
    {
        "id": {"type": "integer"},
        "key": {"type": "string", "description": "The event's required document it answers."},
        "filename": {"type": "string", "description": "As uploaded (never the name on disk)."},
        "content_type": {"type": "string", "enum": ["application/pdf", "image/jpeg", "image/png"]},
        "size": {"type": "integer", "description": "Bytes."},
        "status": {"type": "string", "enum": ["submitted", "accepted", "rejected"]},
        "event": {"type": "string", "description": "Not in the contract: the event's slug."},
        "review_note": {
            "type": "string",
            "description": "Not in the contract: why it was rejected.",
        },
        "uploaded_at": {"type": "string", "format": "date-time"},
    },
    required=["id", "key", "filename", "content_type", "size", "status"],
)
READINESS = _object(
    {
        "registration_id": {"type": "integer"},
        "child_first_name": _text(),
        "child_last_name": _text(),
        "missing": {
            "type": "array",
            "items": _text(),
            "description": "Never sent, or the newest was rejected.",
        },
        "submitted": {"type": "array", "items": _text(), "description": "Waiting for review."},
        "accepted": {"type": "array", "items": _text()},
        "rejected": {
            "type": "array",
            "items": _text(),
            "description": "Not in the contract: the missing ones whose newest was rejected.",
        },
        "medical_confirmed_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "Not in the contract: when a guardian last confirmed the child's "
            "medical details, medications and contacts as current (null: never).",
        },
    },
    required=[
        "registration_id",
        "child_first_name",
        "child_last_name",
        "missing",
        "submitted",
        "accepted",
    ],
)
ANSWER_SCHEMAS["Document"] = DOCUMENT
ANSWER_SCHEMAS["Readiness"] = READINESS
UPLOAD_FORM = {
    "multipart/form-data": {
        "schema": _object(
            {
                "key": {
                    "type": "string",
                    "description": "A required document of an event the child is registered "
                    "for (`unknown_document` otherwise).",
                },
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": "PDF, JPEG or PNG, judged by its content "
                    "(`file_type_not_allowed`, also for an empty file); at most 10 MB (413).",
                },
            }
        )
    }
}


DOSE_STATUSES = [s.value for s in DoseStatus]
NULLABLE_INT = {"type": ["integer", "null"]}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
ANSWER_SCHEMAS["DoseRecord"] = _object(
    {
        "id": {"type": "integer"},
        "registration_id": {"type": "integer"},
        "medication_id": NULLABLE_INT,
        "name": _text(),
        "dose": _text(),
        "due_at": MOMENT,
        "status": {"type": "string", "enum": DOSE_STATUSES},
        "note": _text(),
        "corrects_id": NULLABLE_INT,
        "recorded_by_id": {"type": "integer"},
        "recorded_at": MOMENT,
    }
)
ANSWER_SCHEMAS["ChildMedicationDay"] = _object(
    {
        "registration_id": {"type": "integer"},
        "child_first_name": _text(),
        "child_last_name": _text(),
        "allergies": _text(),
        "present": {"type": "boolean"},
        "doses": {
            "type": "array",
            "items": _object(
                {
                    "medication_id": NULLABLE_INT,
                    "name": _text(),
                    "dose": _text(),
                    "due_at": MOMENT,
                    "status": {"type": "string", "enum": ["due", *DOSE_STATUSES]},
                    "overdue": {
                        "type": "boolean",
                        "description": "Still due more than DOSE_OVERDUE_MINUTES (60) after "
                        "its time.",
                    },
                    "record_id": {
                        "type": ["integer", "null"],
                        "description": "The dose's current record (the one a correction "
                        "names); null while due.",
                    },
                    "note": _text(),
                }
            ),
        },
    }
)
ANSWER_SCHEMAS["HealthVisit"] = _object(
    {
        "id": {"type": "integer"},
        "registration_id": {"type": "integer"},
        "seen_at": MOMENT,
        "complaint": _text(),
        "assessment": _text(),
        "treatment": _text(),
        "disposition": {"type": "string", "enum": [d.value for d in Disposition]},
        "guardian_notified": {"type": "boolean"},
        "guardian_notified_at": NULLABLE_MOMENT,
        "recorded_by_id": {"type": "integer"},
        "addenda": {
            "type": "array",
            "items": _object(
                {
                    "id": {"type": "integer"},
                    "text": _text(),
                    "author_id": {"type": "integer"},
                    "author": _text(),
                    "written_at": MOMENT,
                }
            ),
        },
    }
)

AUDIT_KINDS = ["change", "read", "sign_in"]
ANSWER_SCHEMAS["AuditEntry"] = _object(
    {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor_id": {
            "type": ["integer", "null"],
            "description": "Who; null for the system, or a failed sign-in with an address "
            "nobody has.",
        },
        "action": {"type": "string", "description": "e.g. `child.medical_read`, `sign_in`."},
        "kind": {"type": "string", "enum": AUDIT_KINDS},
        "record_type": {"type": "string", "description": "The table, e.g. `children`."},
        "record_id": {"type": ["integer", "null"]},
        "fields": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Names only, never values: the fields changed; for a read, the "
            "fields shown and the filters used; for a sign-in, the factors checked.",
        },
        "record_count": {
            "type": ["integer", "null"],
            "description": "A read of a list or an export: how many records it held.",
        },
        "record_ids": {
            "type": ["array", "null"],
            "items": {"type": "integer"},
            "description": "A read of a page: the children shown.",
        },
    }
)
ANSWER_SCHEMAS["AuditPage"] = _object(
    {
        "items": {"type": "array", "items": _ref("AuditEntry")},
        "next": {
            "type": ["string", "null"],
            "description": "Send it as `cursor` for the next (older) page; null on the last.",
        },
    }
)

PATH_PARAMETERS = {
    "slug": ({"type": "string"}, "The event's slug, e.g. `camp-uots`."),
    "child_id": (ID_SCHEMA, "A child of the caller's household."),
    "registration_id": (ID_SCHEMA, "The registration's id."),
    "visit_id": (ID_SCHEMA, "A visit to the health center."),
    "document_id": (ID_SCHEMA, "The document's id."),
}


def openapi_path(rule: str) -> str:
    """/family/children/<id:child_id> -> /family/children/{child_id}"""
    return re.sub(r"<(?:[^>]*:)?([^>:]+)>", r"{\1}", rule)


def query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer_note: str
    answer: str | dict | None = None
    status: int = 200
    request: str | None = None
    description: str = ""
    errors: tuple[int, ...] = ()
    error_notes: dict[int, str] = field(default_factory=dict)
    rules: tuple[tuple[str, str | None], ...] = ()
    query: tuple[dict, ...] = ()
    media: str | tuple[str, ...] = "application/json"
    # A body that is not JSON: {media type: schema} (a file upload's multipart form).
    form: dict | None = None

    def path_parameters(self) -> list[dict]:
        return [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": PATH_PARAMETERS[name][0],
                "description": PATH_PARAMETERS[name][1],
            }
            for name in re.findall(r"{(\w+)}", self.path)
        ]


def _each(codes, field_name):
    return tuple((code, field_name) for code in codes)


REGISTRATION_RULES = (
    *_each(ELIGIBILITY_CODES, "child_id"),
    *(("consent_missing", f"consents.{key}") for key in STANDARD_KEYS),
    ("consent_missing", "consents"),
    ("unknown_consent", "consents"),
    ("signature_missing", "signature"),
    ("medical_confirmation_required", "child_id"),
    ("signature_mismatch", "signature"),
)
EVENT_RULES = (
    ("slug_taken", "slug"),
    ("ends_before_start", "ends_on"),
    ("ends_before_start", "starts_on"),
    ("closes_before_opens", "registration_closes_at"),
    ("closes_before_opens", "registration_opens_at"),
    ("closes_after_event", "registration_closes_at"),
    ("closes_after_event", "ends_on"),
    ("capacity_below_taken", "capacity"),
    ("ages_reversed", "eligibility.max_age"),
    ("ages_reversed", "eligibility.min_age"),
    ("duplicate_key", "required_documents"),
    ("standard_document_missing", "consent_documents"),
    *(("duplicate_key", f"consent_documents[{i}].key") for i in range(MAX_DOCUMENTS)),
)
CHILD_RULES = (
    ("date_in_future", "date_of_birth"),
    ("impossible_age", "date_of_birth"),
    ("diagnosis_category_required", "diagnosis_category"),
)
ATTENDANCE_RULES = (
    *_each(
        (
            "pickup_not_authorized",
            "pickup_restricted",
            "pickup_required",
            "not_checked_in",
            "outside_event_dates",
            "not_confirmed",
            "day_in_future",
        ),
        None,
    ),
    ("outside_event_dates", "date"),
    ("day_in_future", "date"),
)

OPERATIONS = [
    Operation(
        "get",
        "/openapi.json",
        "This document",
        "OpenAPI 3.1",
        {"type": "object"},
    ),
    Operation(
        "post",
        "/accounts",
        "Sign up as a parent",
        "Accepted",
        "Message",
        status=202,
        request="SignUp",
        description="Answers 202 whether or not the email is taken (a taken address gets an "
        "email saying so); a new address gets a verification email whose link ends in "
        "`/account/verify/<token>`. Limited to 5 attempts per email and 30 per client address "
        "in a window (429), since each attempt may send mail. A password that fits the schema "
        "may still be common, easy to guess or contain the person's name or email "
        "(422 `password_too_weak`).",
        errors=(429,),
        rules=(("password_too_weak", "password"),),
    ),
    Operation(
        "post",
        "/accounts/verify",
        "Confirm an email address",
        "Verified: the account (as GET /me)",
        "User",
        request="Verification",
        description="Safe to repeat.",
        error_notes={422: "`invalid_token`: unknown, tampered or expired; or a schema rule."},
        rules=(("invalid_token", "token"),),
    ),
    Operation(
        "post",
        "/tokens",
        "Sign in: get a bearer token",
        "Signed in",
        "Token",
        status=201,
        request="Credentials",
        description="Tokens expire after API_TOKEN_TTL_HOURS (12 by default). Failed sign-ins "
        "are limited per client address and per email (10 per 15 minutes); only failures count.",
        errors=(401, 403, 429),
        error_notes={
            401: "`invalid_credentials`; with the right password, `otp_required` (the account "
            "has an authenticator: send `otp`) or `invalid_otp` (a wrong or reused code)",
            403: "`email_not_verified` (told only with the right password); "
            "`mfa_enrollment_required` (a coordinator, staff, nurse or admin account enrolls "
            "an authenticator in the web pages first)",
        },
    ),
    Operation(
        "delete",
        "/tokens/current",
        "Sign out: revoke the token used for this request",
        "Revoked",
        status=204,
    ),
    Operation("get", "/me", "Who the token belongs to", "The account", "User"),
    Operation(
        "patch",
        "/me",
        "Change one's own name, phone or mail language",
        "The account (as GET /me)",
        "User",
        request="ProfilePatch",
        description="Only the fields given change. `locale` (`en` or `es`) is the language "
        "of the mails this person gets.",
    ),
    Operation(
        "get",
        "/family",
        "The caller's household",
        "The family",
        "Family",
        description="A parent without a household gets a new, empty one.",
    ),
    Operation(
        "get",
        "/family/export",
        "Everything held about the caller's household",
        "The household's data (Cache-Control: no-store)",
        "FamilyExport",
        description="Guardians, children with their medical details, contacts, invitations, "
        "registrations with the consent texts and signatures, attendance, medication records "
        "and health visits. Only the caller's own household. Each export is recorded in the "
        "audit log (which sections, never their contents).",
    ),
    Operation(
        "post",
        "/family/children",
        "Add a child",
        "The child, with its id (and a Location header)",
        "Child",
        status=201,
        request="ChildInput",
        rules=CHILD_RULES,
    ),
    Operation(
        "get", "/family/children/{child_id}", "One child of the household", "The child", "Child"
    ),
    Operation(
        "patch",
        "/family/children/{child_id}",
        "Change a child's details",
        "The child",
        "Child",
        request="ChildPatch",
        description="A partial update: only the fields given change; `medications`, when "
        "given, replaces the whole list.",
        rules=CHILD_RULES,
    ),
    Operation(
        "post",
        "/family/contacts",
        "Add an emergency contact or authorized pickup person",
        "The contact, with its id",
        "Contact",
        status=201,
        request="ContactInput",
        rules=(("invalid_choice", "child_ids"),),
    ),
    Operation(
        "get",
        "/events",
        "Published events, soonest first",
        "The events",
        {"type": "array", "items": _ref("Event")},
        description="Events whose last day has passed are left out. A plain array.",
    ),
    Operation(
        "post",
        "/events",
        "Create an event",
        "The event (and a Location header)",
        "Event",
        status=201,
        request="EventInput",
        rules=EVENT_RULES,
    ),
    Operation(
        "get",
        "/events/{slug}",
        "One event",
        "The event",
        "Event",
        description="Unpublished events are found only with a coordinator's or admin's token.",
        errors=(401,),
    ),
    Operation(
        "patch",
        "/events/{slug}",
        "Change an event",
        "The event",
        "Event",
        request="EventPatch",
        description="Only the fields given change.",
        rules=EVENT_RULES,
    ),
    Operation(
        "post",
        "/events/{slug}/copy",
        "Copy an event (next year's camp)",
        "The copy, unpublished (and a Location header)",
        "Event",
        status=201,
        request="EventCopyInput",
        description="Every date moves by the same amount (from the original's first day to "
        "`starts_on`): the days, the registration window; the settings, eligibility rules, "
        "translations and cabins are the same; nothing is registered and it is unpublished.",
        rules=(("slug_taken", "slug"),),
    ),
    Operation(
        "get",
        "/events/{slug}/eligibility",
        "Each child's eligibility for the event",
        "Per child",
        {"type": "array", "items": _ref("ChildEligibility")},
        description="One entry per child of the household. Consents and signature are not "
        "asked yet, so `eligible` means: may register once they are given. `event_full` "
        "appears only when the event is full and has no waitlist.",
    ),
    Operation(
        "post",
        "/registrations",
        "Register a child for an event",
        "Registered (and a Location header)",
        "Registration",
        status=201,
        request="RegistrationRequest",
        description="For a child of the caller's own household (another family's child, or "
        "an unknown event: 404). The answer's status is `confirmed`, or `pending_review` when "
        "the event needs a coordinator's review, or `waitlisted` when it is full. 422 lists "
        "every failing eligibility rule (codes as in GET /events/{slug}/eligibility, field "
        "`child_id`, `consents` or `signature`). Not in the contract: a child registered for "
        "an earlier camp whose details were not confirmed in the 270 days before this one "
        "gets 422 `medical_confirmation_required` (POST "
        "/family/children/{child_id}/medical-confirmation first).",
        errors=(404, 409),
        error_notes={409: "`already_registered`"},
        rules=REGISTRATION_RULES,
    ),
    Operation(
        "get",
        "/registrations",
        "The family's registrations",
        "Registrations",
        {"type": "array", "items": _ref("Registration")},
        description="Soonest event first. A plain array.",
    ),
    Operation(
        "get",
        "/registrations/{registration_id}",
        "One registration",
        "The registration",
        "Registration",
        description="A parent sees only their family's (404 otherwise); coordinators, staff "
        "and nurses see any, with `child` as their role may see it (staff: never the "
        "diagnosis, conditions or medications).",
    ),
    Operation(
        "post",
        "/registrations/{registration_id}/cancel",
        "Cancel a registration",
        "The registration, status `cancelled`",
        "Registration",
        description="A parent cancels their family's own (404 otherwise); a coordinator any. A "
        "freed seat goes at once to the first on the waitlist. No body is read. Cancelling a "
        "registration that is already cancelled or declined answers 409 `invalid_transition`.",
        errors=(409,),
    ),
    Operation(
        "post",
        "/registrations/{registration_id}/decision",
        "A coordinator's decision",
        "The registration",
        "Registration",
        request="Decision",
        description="`approve` (a pending or waitlisted registration; a waitlisted one only "
        "while a seat is free, else 409 `event_full`), `decline`, or `waitlist` (a pending "
        "one). Any other change of status answers 409 `invalid_transition`. A freed seat goes "
        "to the first on the waitlist. Approving checks the eligibility rules again as they "
        "stand now (leaving out `registration_not_open`, `registration_closed` and "
        "`event_full`) plus `patient_not_verified` for an event that requires verified "
        "patient details. When any fails and no `override_reason` is given, the answer is 422 "
        "listing every failing rule and `override_reason_required`; with a reason, the "
        "registration is confirmed and the reason kept.",
        errors=(409,),
        error_notes={409: "`event_full` or `invalid_transition`"},
        rules=(
            *_each([*ELIGIBILITY_CODES, "patient_not_verified"], "child_id"),
            *_each([*ELIGIBILITY_CODES, "patient_not_verified"], None),
            ("override_reason_required", "override_reason"),
        ),
    ),
    Operation(
        "get",
        "/events/{slug}/registrations",
        "An event's registrations, in the order received",
        "One page",
        "RegistrationPage",
        description="Unpublished events too.",
        errors=(422,),
        query=(
            query("status", {"type": "string", "enum": STATUSES}, "Only this status."),
            query(
                "q",
                {"type": "string"},
                "Part of the child's name; only its first 200 characters are used.",
            ),
            query(
                "page",
                {"type": "integer", "minimum": 1, "maximum": 999_999, "default": 1},
                "From 1.",
            ),
            query(
                "per_page",
                {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                "Items per page.",
            ),
        ),
    ),
    Operation(
        "get",
        "/events/{slug}/roster.csv",
        "The roster as CSV",
        "CSV, header first",
        {"type": "string"},
        description="A row per active registration (seat holders, then the waitlist); "
        "columns: registration_id, status, child_first_name, child_last_name, date_of_birth, "
        "age_on_first_day, allergies, dietary_needs, photo_release, parent_name, parent_email, "
        "parent_phone, emergency_contact_name, emergency_contact_relationship, "
        "emergency_contact_phone, cabin, health_alerts. Diagnosis, conditions and medications "
        "are not in it. Cells that a spreadsheet would run as a formula are prefixed with '.",
        media="text/csv",
    ),
    Operation(
        "post",
        "/events/{slug}/attendance",
        "Record a child's check-in, check-out or absence for a day",
        "The day's record",
        "AttendanceRecord",
        request="AttendanceAction",
        description="Staff, nurse and coordinator (a nurse checks out a child sent home "
        "from the health center, with the same pickup rules). "
        "Only confirmed registrations and days of the event. At an overnight camp "
        "a check-in is the arrival and a check-out the departure (the days between count as "
        "checked in). Check-in and check-out are refused for a day still to come (422 "
        "`day_in_future`); an absence may be recorded ahead. A refused pickup is recorded in "
        "the child's attendance history. 422 codes: `pickup_not_authorized` (not on the "
        "child's pickup list: call the coordinator), `pickup_restricted` (a person the "
        "family named as never to take the child; recorded), `pickup_required`, `not_checked_in`, "
        "`outside_event_dates`, `not_confirmed`, `day_in_future`. 409: `already_checked_in`, "
        "`already_checked_out`, `already_absent`, `changed_meanwhile`, `later_days_recorded`. "
        "404 for a registration of another event.",
        errors=(409,),
        rules=ATTENDANCE_RULES,
    ),
    Operation(
        "get",
        "/registrations/{registration_id}/pickups",
        "Who may take a child home, and who must never",
        "Allowed people (guardians of the household, then pickup people) and restricted ones",
        _object(
            {
                "allowed": {
                    "type": "array",
                    "items": _object(
                        {
                            "kind": {"type": "string", "enum": ["guardian", "pickup"]},
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "relationship": {"type": "string"},
                            "phone": {"type": "string"},
                            "phone_display": {"type": "string"},
                        }
                    ),
                },
                "restricted": {
                    "type": "array",
                    "items": _object(
                        {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "relationship": {"type": "string"},
                            "note": {"type": "string"},
                        }
                    ),
                },
            }
        ),
        description="Staff, nurse and coordinator. `phone` is E.164 (empty: none), "
        "`phone_display` the way people read it. 422 `not_confirmed` for a registration that "
        "is not confirmed.",
        errors=(404, 422),
        rules=(("not_confirmed", None),),
    ),
    Operation(
        "get",
        "/audit",
        "Search the audit log (admin)",
        "A page of entries, newest first",
        "AuditPage",
        description="Changes, reads of medical details (pages, files, API answers) and "
        "sign-ins, failed ones too. Keyset paging: pass `next` back as `cursor`. A bad "
        "argument is 422 with `invalid_<name>`.",
        errors=(422,),
        query=(
            query("actor_id", ID_SCHEMA, "Only this account's entries."),
            query(
                "record_type",
                {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
                "Only records of this kind (a table, e.g. `children`).",
            ),
            query("record_id", ID_SCHEMA, "Only this record (with `record_type`)."),
            query(
                "since",
                {"type": "string"},
                "From this day (YYYY-MM-DD, camp time) or moment (ISO 8601 with offset).",
            ),
            query("kind", {"type": "string", "enum": AUDIT_KINDS}, "Only this kind."),
            query(
                "action",
                {"type": "string", "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]*)*$", "maxLength": 60},
                "An action, or a prefix ending in a dot (`sign_in.`).",
            ),
            query("cursor", ID_SCHEMA, "The `next` of the page before."),
            query(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                "Entries per page.",
            ),
        ),
        rules=tuple(
            (f"invalid_{name}", name)
            for name in (
                "actor_id",
                "record_type",
                "record_id",
                "since",
                "kind",
                "action",
                "cursor",
                "limit",
            )
        ),
    ),
    Operation(
        "get",
        "/events/{slug}/attendance.csv",
        "Attendance as CSV, a row per confirmed child and day",
        "CSV, header first",
        {"type": "string"},
        description="Header: date, registration_id, child_first_name, child_last_name, status, "
        "check_in_at, check_out_at, picked_up_by. Times are ISO 8601 in the camp's time zone, "
        "with the offset. `from` and `to` default to the event's first and last day and must "
        "lie inside the event (422 `outside_event_dates`; `invalid_range` when from is after "
        "to). Cells that a spreadsheet would run as a formula are prefixed with '.",
        errors=(422,),
        query=(
            query("from", DAY, "First day, YYYY-MM-DD."),
            query("to", DAY, "Last day, YYYY-MM-DD."),
        ),
        media="text/csv",
        rules=(
            ("outside_event_dates", "from"),
            ("outside_event_dates", "to"),
            ("invalid_range", "from"),
            ("invalid_range", "to"),
            ("outside_event_dates", None),
            ("invalid_range", None),
        ),
    ),
    Operation(
        "post",
        "/family/children/{child_id}/documents",
        "Upload a document for a child",
        "Stored, waiting for review",
        "Document",
        status=201,
        form=UPLOAD_FORM,
        description="`multipart/form-data` with `key` and `file`. The file is judged by its "
        "content, never its name: PDF, JPEG or PNG (422 `file_type_not_allowed`, also for an "
        "empty file); over 10 MB: 413 `too_large`. `key` must be a required document of an "
        "event the child holds an active registration for, which has not ended (422 "
        "`unknown_document`). Another family's child: 404. A refused upload stores nothing. "
        "Sending a document again (after a rejection) adds a new one; the newest counts.",
        errors=(413, 422),
        rules=(
            ("file_type_not_allowed", "file"),
            ("required", "file"),
            ("required", "key"),
            ("unknown_document", "key"),
        ),
    ),
    Operation(
        "get",
        "/family/children/{child_id}/documents",
        "A child's documents, newest first",
        "The documents",
        {"type": "array", "items": _ref("Document")},
    ),
    Operation(
        "get",
        "/documents/{document_id}/file",
        "A document's file",
        "The file, as an attachment",
        {"type": "string", "format": "binary"},
        description="The family (another family's: 404), coordinators and nurses; staff 403. "
        "Every read is audited. Served with `Content-Disposition: attachment`, "
        "`Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.",
        media=("application/pdf", "image/jpeg", "image/png"),
    ),
    Operation(
        "post",
        "/documents/{document_id}/review",
        "Accept or reject a document",
        "The document",
        "Document",
        request="DocumentReview",
        description="A rejection needs a `note` (422 `note_required`), which the family "
        "receives by mail; they then upload the document again.",
        rules=(("note_required", "note"),),
    ),
    Operation(
        "post",
        "/family/children/{child_id}/medical-confirmation",
        "Confirm a child's medical details as still current",
        "Confirmed now",
        _object(
            {
                "child_id": {"type": "integer"},
                "medical_confirmed_at": {"type": "string", "format": "date-time"},
            }
        ),
        description="Not in the contract: a returning family confirms the medical details, "
        "medications and contacts (after reading them, GET /family) instead of silently "
        "reusing last year's. The registration pages ask for it when a child came to an "
        "earlier camp and the last confirmation is older than 270 days before the camp's "
        "first day. No body is read.",
    ),
    Operation(
        "get",
        "/events/{slug}/readiness",
        "Who is missing what",
        "A row per active registration",
        {"type": "array", "items": _ref("Readiness")},
        description="Active registrations (pending, confirmed, waitlisted) by the child's "
        "name; each required document key is in `missing`, `submitted` or `accepted` by the "
        "newest document sent for it.",
    ),
]

HEALTH_DAY_QUERY = (query("date", DAY, "A day of the event, YYYY-MM-DD; default today."),)
DOSE_RULES = (
    ("medication_record_overnight_only", None),
    ("not_confirmed", "registration_id"),
    ("not_at_camp", "registration_id"),
    ("medication_not_on_list", "medication_id"),
    ("correction_not_found", "corrects_id"),
    ("correction_mismatch", "medication_id"),
    ("correction_mismatch", "due_at"),
    ("outside_event_dates", "due_at"),
    ("not_a_scheduled_time", "due_at"),
    ("given_in_future", "due_at"),
    ("dose_not_yet_due", "due_at"),
    ("reason_required", "note"),
)
VISIT_RULES = (
    ("health_log_camps_only", None),
    ("not_confirmed", "registration_id"),
    ("in_future", "seen_at"),
    ("outside_event_dates", "seen_at"),
    ("notified_at_without_notice", "guardian_notified_at"),
    ("in_future", "guardian_notified_at"),
)
OPERATIONS += [
    Operation(
        "get",
        "/events/{slug}/medication",
        "The nurse's day: each child's allergies and doses due, with their status",
        "Per child with medications, dose records or allergies; children at camp first",
        {"type": "array", "items": _ref("ChildMedicationDay")},
        description="Nurse, coordinator and admin (staff: 403); overnight camps only (422 "
        "`medication_record_overnight_only`). Doses are due at each medication's `times` "
        "(camp time) on each day of the camp. A child not at camp that day (absent, not "
        "arrived, gone home) has `present: false` and no dose `due`; on the day a child "
        "arrives or leaves, doses are due from arrival (less the overdue window) until "
        "departure. A dose's `status` is its "
        "latest record (`due` when there is none). Each read is audited. 422 "
        "`outside_event_dates` or `invalid_date` for the date.",
        errors=(422,),
        query=HEALTH_DAY_QUERY,
        rules=(
            ("medication_record_overnight_only", None),
            ("outside_event_dates", "date"),
            ("invalid_date", "date"),
        ),
    ),
    Operation(
        "post",
        "/events/{slug}/medication",
        "Record what became of a dose (or correct a record)",
        "The record",
        "DoseRecord",
        status=201,
        request="DoseRecordInput",
        description="Nurse only (coordinator and admin read: 403). Records are never changed "
        "or deleted (PUT, PATCH and DELETE: 405): a correction is a new record whose "
        "`corrects_id` names the dose's current record. `note` is required for refused, held "
        "and missed (422 `reason_required`).",
        errors=(409,),
        error_notes={
            409: "`dose_already_recorded` (the dose has a record: correct it instead) or "
            "`already_corrected` (the record named was corrected meanwhile)"
        },
        rules=DOSE_RULES,
    ),
    Operation(
        "get",
        "/events/{slug}/health-visits",
        "The day's visits to the health center, with their addenda",
        "The visits, oldest first",
        {"type": "array", "items": _ref("HealthVisit")},
        description="Nurse, coordinator and admin (staff: 403). Each read is audited.",
        errors=(422,),
        query=HEALTH_DAY_QUERY,
        rules=(
            ("health_log_camps_only", None),
            ("outside_event_dates", "date"),
            ("invalid_date", "date"),
        ),
    ),
    Operation(
        "post",
        "/events/{slug}/health-visits",
        "Record a visit to the health center",
        "The visit",
        "HealthVisit",
        status=201,
        request="HealthVisitInput",
        description="Nurse only. A visit is locked once written (never changed or deleted: "
        "405); later notes are addenda.",
        rules=VISIT_RULES,
    ),
    Operation(
        "get",
        "/health-visits/{visit_id}",
        "One visit with its addenda",
        "The visit",
        "HealthVisit",
        description="Nurse, coordinator and admin. Audited. PUT, PATCH and DELETE: 405.",
    ),
    Operation(
        "post",
        "/health-visits/{visit_id}/addenda",
        "Add a note to a visit",
        "The visit, listing the addendum with its author and time",
        "HealthVisit",
        status=201,
        request="AddendumInput",
        description="Nurse only.",
    ),
]
