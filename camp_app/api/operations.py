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
from camp_app.events.schema import EventCopyInput, EventInput
from camp_app.families.schema import ChildInput, ContactInput
from camp_app.registrations.eligibility import CONSENT_NAMES
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
        "child": {
            "type": "object",
            "description": "GET /registrations/{id} for staff, nurse and coordinator: what the "
            "role sees of the child. Staff: first_name, last_name, age, cabin, allergies, "
            "dietary_needs, health_alerts, health_alert_note. Nurse and coordinator also: "
            "diagnosis_category, diagnosis, medical_conditions, medications, physician_name, "
            "physician_phone (each such read is audited). Absent for a parent.",
        },
    },
    required=["id", "event", "child_id", "status", "waitlist_position", "created_at"],
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
                "items": {"type": "string", "enum": ["parent", "coordinator", "staff", "admin"]},
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
    "Reason": _object({"code": {"type": "string", "enum": ELIGIBILITY_CODES}, "message": _text()}),
    "ChildEligibility": _object(
        {
            "child_id": {"type": "integer"},
            "eligible": {"type": "boolean"},
            "reasons": {"type": "array", "items": _ref("Reason")},
        }
    ),
    "Registration": REGISTRATION,
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

PATH_PARAMETERS = {
    "slug": ({"type": "string"}, "The event's slug, e.g. `camp-uots`."),
    "child_id": (ID_SCHEMA, "A child of the caller's household."),
    "registration_id": (ID_SCHEMA, "The registration's id."),
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
    media: str = "application/json"

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
    *((code, f"consents.{name}") for code in ("consent_missing",) for name in CONSENT_NAMES),
    ("consent_missing", "consents"),
    ("signature_missing", "signature"),
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
        "`child_id`, `consents` or `signature`).",
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
        description="Only confirmed registrations and days of the event. At an overnight camp "
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
]
