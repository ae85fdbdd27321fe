"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the API, written out by hand.

A test checks that every /api/v1 route is described here (and nothing else), and that the
document is valid OpenAPI 3.1. Where the interface contract is silent, the choice made is
said in the description of the operation or schema concerned.
"""

from flask import jsonify

from camp_app.api.blueprint import bp
from camp_app.api.core import api_public

JSON = "application/json"
BEARER = [{"bearer": []}]
ANYONE = [{}, {"bearer": []}]  # a token is optional; when sent, it must be valid

STATUSES = ["pending_review", "confirmed", "waitlisted", "declined", "cancelled"]
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


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def text(description: str | None = None, **extra) -> dict:
    schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def nullable_text(**extra) -> dict:
    return {"type": ["string", "null"], **extra}


def obj(properties: dict, required=(), description: str | None = None, extra=True) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def body(schema: dict, description: str | None = None) -> dict:
    request_body = {"required": True, "content": {JSON: {"schema": schema}}}
    if description:
        request_body["description"] = description
    return request_body


def answer(description: str, schema: dict | None = None, media: str = JSON) -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = {media: {"schema": schema}}
    return response


def errors(*statuses: int) -> dict:
    return {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[s][0]}"} for s in statuses}


def operation(summary, *, security, responses, description=None, request=None, params=None):
    # Any operation may meet the database being down for a moment.
    op = {"summary": summary, "security": security, "responses": {**responses, **errors(503)}}
    if description:
        op["description"] = description
    if request:
        op["requestBody"] = request
    if params:
        op["parameters"] = params
    return op


def path_param(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def query_param(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2147483647}
SLUG = path_param("slug", text(), "The event's slug, e.g. `camp-uots`.")
CHILD_ID = path_param("child_id", ID_SCHEMA, "A child of the caller's household.")
REGISTRATION_ID = path_param("registration_id", ID_SCHEMA, "The registration's id.")

# status -> (component name, description)
ERROR_RESPONSES = {
    400: (
        "BadRequest",
        "Malformed body: not JSON (`malformed_json`; also for a Content-Type "
        "other than application/json) or not a JSON object (`body_not_object`).",
    ),
    401: (
        "Unauthorized",
        "Missing, unknown, expired or revoked token (`unauthorized`); the "
        "answer carries a `WWW-Authenticate: Bearer` header.",
    ),
    403: ("Forbidden", "The account's roles do not allow this (`forbidden`)."),
    404: (
        "NotFound",
        "Not found (`not_found`) — also for another family's child or "
        "registration, so that nothing reveals that it exists.",
    ),
    409: ("Conflict", "The request clashes with the current state."),
    422: (
        "Unprocessable",
        "Validation or eligibility failure: every problem is listed, each "
        "with the `field` it concerns where one applies. A field of the wrong JSON type "
        "answers `invalid_type`, a missing one `required`.",
    ),
    429: ("RateLimited", "Too many attempts (`rate_limited`); see the `Retry-After` header."),
    503: (
        "ServiceUnavailable",
        "The database cannot be reached for a moment (`service_unavailable`); nothing was "
        "done. Try again after the `Retry-After` header's seconds.",
    ),
}


# --- schemas -----------------------------------------------------------------------------

MEDICATION = obj(
    {"name": text(maxLength=120), "dose": text(maxLength=80), "schedule": text(maxLength=120)},
    required=("name", "dose", "schedule"),
)

CHILD_FIELDS = {
    "first_name": text(maxLength=80),
    "last_name": text(maxLength=80),
    "date_of_birth": text("YYYY-MM-DD.", format="date"),
    "relationship": text(
        "`patient`: treated for the condition; `sibling`: a brother or sister of a patient.",
        enum=["patient", "sibling"],
    ),
    "diagnosis_category": {
        "type": ["string", "null"],
        "enum": ["cancer", "blood_disorder", "other", None],
        "description": "Required for a patient; cleared (null) for a sibling.",
    },
    "diagnosis": text(maxLength=2000),
    "treated_at_hospital": {"type": "boolean"},
    "allergies": text(maxLength=2000),
    "dietary_needs": text(maxLength=2000),
    "medical_conditions": text(maxLength=2000),
    "medications": {
        "type": "array",
        "items": ref("Medication"),
        "maxItems": 30,
        "description": "When given, replaces the whole list.",
    },
    "physician_name": text(maxLength=120),
    "physician_phone": text("Stored in E.164 form (+13055550100); US numbers may omit +1."),
    "gender": text(
        'Not in the contract: optional, used to plan cabins. `""` (the default): not given.',
        enum=["", "female", "male", "nonbinary"],
    ),
}

CONTACT_FIELDS = {
    "kind": text(enum=["emergency", "pickup"]),
    "name": text(maxLength=120),
    "relationship": text(maxLength=80),
    "phone": text("Stored in E.164 form."),
    "child_ids": {
        "type": "array",
        "items": ID_SCHEMA,
        "description": "Not in the contract: limits a pickup person to some children of the "
        "household. Empty or absent: every child.",
    },
}

ELIGIBILITY_RULES = obj(
    {
        "min_age": {"type": ["integer", "null"], "description": "Age on `starts_on`."},
        "max_age": {"type": ["integer", "null"]},
        "audience": text(enum=["patients", "siblings", "patients_and_siblings", "anyone"]),
        "diagnosis_categories": {
            "type": "array",
            "items": text(enum=["cancer", "blood_disorder", "other"]),
        },
        "treated_at_hospital_required": {"type": "boolean"},
    }
)

EVENT_FIELDS = {
    "slug": text("Lowercase letters, digits and single hyphens.", maxLength=80),
    "name": text(maxLength=160),
    "kind": text(enum=["overnight_camp", "day_camp", "event"]),
    "summary": text(maxLength=500),
    "description": text(),
    "location": text(maxLength=200),
    "contact_email": text("Not in the contract: how families reach the camp."),
    "contact_phone": text("Not in the contract: how families reach the camp."),
    "starts_on": text(format="date"),
    "ends_on": text(format="date"),
    "registration_opens_at": text(
        "ISO 8601; a time without an offset is read in the camp's time zone.", format="date-time"
    ),
    "registration_closes_at": text(format="date-time"),
    "capacity": {"type": "integer", "minimum": 0},
    "waitlist_enabled": {"type": "boolean"},
    "requires_review": {"type": "boolean"},
    "requires_verification": {
        "type": "boolean",
        "description": "Not in the contract: a patient's seat is confirmed only once the "
        "medical team has verified the child. Default false.",
    },
    "published": {"type": "boolean"},
    "eligibility": ref("EligibilityRules"),
}

REGISTRATION = obj(
    {
        "id": {"type": "integer"},
        "event": text("The event's slug."),
        "child_id": {"type": "integer"},
        "status": text(enum=STATUSES),
        "waitlist_position": {
            "type": ["integer", "null"],
            "description": "1 = next to get a seat; null unless waitlisted.",
        },
        "created_at": text(format="date-time"),
    },
    required=("id", "event", "child_id", "status", "waitlist_position", "created_at"),
)

SCHEMAS = {
    "Error": obj(
        {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "code": text("Stable, machine-readable."),
                        "message": text("A plain sentence for a person, in the user's language."),
                        "field": text("The request field concerned, where one applies."),
                    },
                    required=("code", "message"),
                ),
            }
        },
        required=("errors",),
    ),
    "Message": obj({"message": text()}, required=("message",)),
    "SignUp": obj(
        {
            "email": text(format="email"),
            "password": text(
                "At least 12 characters, neither common nor easy to guess, without the "
                "person's name or email address; otherwise 422 `password_too_weak`.",
                minLength=12,
                maxLength=256,
            ),
            "name": text(maxLength=120),
            "phone": nullable_text(),
            "locale": text(enum=["en", "es"], default="en"),
        },
        required=("email", "password", "name"),
    ),
    "Verify": obj(
        {"token": text("The last part of the emailed /account/verify/<token> link.")},
        required=("token",),
    ),
    "Credentials": obj({"email": text(), "password": text()}, required=("email", "password")),
    "Token": obj(
        {
            "token": text("Send as `Authorization: Bearer <token>`. Shown only once."),
            "expires_at": text(format="date-time"),
        },
        required=("token", "expires_at"),
    ),
    "User": obj(
        {
            "id": {"type": "integer"},
            "email": text(),
            "name": text(),
            "roles": {
                "type": "array",
                "items": text(enum=["parent", "coordinator", "staff", "admin"]),
            },
        },
        required=("id", "email", "name", "roles"),
    ),
    "Guardian": obj(
        {"id": {"type": "integer"}, "name": text(), "email": text()},
        required=("id", "name", "email"),
    ),
    "Medication": MEDICATION,
    "ChildInput": obj(
        CHILD_FIELDS,
        required=("first_name", "last_name", "date_of_birth", "relationship"),
        description="Unknown fields are ignored.",
    ),
    "ChildPatch": obj(CHILD_FIELDS, description="Only the fields given change."),
    "Child": obj({"id": {"type": "integer"}, **CHILD_FIELDS}, required=("id", *CHILD_FIELDS)),
    "ContactInput": obj(CONTACT_FIELDS, required=("kind", "name", "relationship", "phone")),
    "Contact": obj({"id": {"type": "integer"}, **CONTACT_FIELDS}, required=("id", *CONTACT_FIELDS)),
    "Family": obj(
        {
            "guardians": {"type": "array", "items": ref("Guardian")},
            "children": {"type": "array", "items": ref("Child")},
            "contacts": {"type": "array", "items": ref("Contact")},
        },
        required=("guardians", "children", "contacts"),
    ),
    "EligibilityRules": ELIGIBILITY_RULES,
    "EventInput": obj(
        EVENT_FIELDS,
        required=(
            "slug",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
        ),
        description="Read-only fields (seats_taken, seats_left, waitlist_length) are ignored; "
        "unknown fields are refused (422 `unknown_field`).",
    ),
    "EventPatch": obj(EVENT_FIELDS, description="Only the fields given change."),
    "Event": obj(
        {
            **EVENT_FIELDS,
            "seats_taken": {"type": "integer", "description": "pending_review + confirmed."},
            "seats_left": {"type": "integer"},
            "waitlist_length": {"type": "integer"},
        },
        required=(*EVENT_FIELDS, "seats_taken", "seats_left", "waitlist_length"),
    ),
    "Reason": obj(
        {"code": text(enum=ELIGIBILITY_CODES), "message": text()}, required=("code", "message")
    ),
    "ChildEligibility": obj(
        {
            "child_id": {"type": "integer"},
            "eligible": {"type": "boolean"},
            "reasons": {"type": "array", "items": ref("Reason")},
        },
        required=("child_id", "eligible", "reasons"),
    ),
    "RegistrationInput": obj(
        {
            "event": text("The event's slug."),
            "child_id": ID_SCHEMA,
            "consents": obj(
                {
                    "medical_treatment": {"type": "boolean", "description": "Must be true."},
                    "liability_waiver": {"type": "boolean", "description": "Must be true."},
                    "photo_release": {"type": "boolean", "description": "Yes or no."},
                }
            ),
            "signature": text("The parent's typed full name.", maxLength=200),
        },
        required=("event", "child_id"),
        description="Missing consents or signature are reported as eligibility failures "
        "(`consent_missing`, `signature_missing`) together with every other failing rule. "
        "One child per request (the HTML form may register several at once).",
    ),
    "Registration": REGISTRATION,
    "RegistrationListItem": {
        "allOf": [
            ref("Registration"),
            obj(
                {"child_first_name": text(), "child_last_name": text()},
                required=("child_first_name", "child_last_name"),
            ),
        ],
        "description": "Not in the contract: the child's name, which `q` searches.",
    },
    "RegistrationPage": obj(
        {
            "items": {"type": "array", "items": ref("RegistrationListItem")},
            "total": {"type": "integer", "description": "How many match, over all pages."},
        },
        required=("items", "total"),
    ),
    "Decision": obj(
        {
            "action": text(enum=["approve", "decline", "waitlist"]),
            "note": text("For the family (shown in the decline mail).", maxLength=2000),
            "override_reason": text(
                "Why a rule the registration fails may be overridden; required to `approve` "
                "a registration that fails a rule now, kept with it. Ignored otherwise.",
                maxLength=2000,
            ),
        },
        required=("action",),
    ),
}


# --- paths -------------------------------------------------------------------------------

PATHS = {
    "/openapi.json": {
        "get": operation(
            "This document",
            security=ANYONE,
            responses={"200": answer("OpenAPI 3.1", {"type": "object"})},
        )
    },
    "/accounts": {
        "post": operation(
            "Sign up as a parent",
            description="Answers 202 whether or not the email is taken (a taken address gets "
            "an email saying so); a new address gets a verification email whose link ends in "
            "`/account/verify/<token>`. Invalid values answer 422. Limited to 5 attempts per "
            "email and 30 per client address in a window (429), since each attempt may send mail.",
            security=ANYONE,
            request=body(ref("SignUp")),
            responses={"202": answer("Accepted", ref("Message")), **errors(400, 422, 429)},
        )
    },
    "/accounts/verify": {
        "post": operation(
            "Confirm an email address",
            description="Safe to repeat. Answers the account (as GET /me).",
            security=ANYONE,
            request=body(ref("Verify")),
            responses={
                "200": answer("Verified", ref("User")),
                **errors(400),
                "422": answer("`invalid_token`: unknown, tampered or expired", ref("Error")),
            },
        )
    },
    "/tokens": {
        "post": operation(
            "Sign in: get a bearer token",
            description="Tokens expire after API_TOKEN_TTL_HOURS (12 by default). Failed "
            "sign-ins are limited per client address and per account (10 per 15 minutes); "
            "only failures count. The per-account cap is shared with the pages and every "
            "server process; while it holds, even the right password gets 429.",
            security=ANYONE,
            request=body(ref("Credentials")),
            responses={
                "201": answer("Signed in", ref("Token")),
                **errors(400),
                "401": answer("`invalid_credentials`", ref("Error")),
                "403": answer(
                    "`email_not_verified` (told only with the right password)", ref("Error")
                ),
                **errors(422, 429),
            },
        )
    },
    "/tokens/current": {
        "delete": operation(
            "Sign out: revoke the token used for this request",
            security=BEARER,
            responses={"204": answer("Revoked"), **errors(401)},
        )
    },
    "/me": {
        "get": operation(
            "Who the token belongs to",
            security=BEARER,
            responses={"200": answer("The account", ref("User")), **errors(401)},
        )
    },
    "/family": {
        "get": operation(
            "The caller's household",
            description="Parents only. A parent without a household gets a new, empty one.",
            security=BEARER,
            responses={"200": answer("The family", ref("Family")), **errors(401, 403)},
        )
    },
    "/family/children": {
        "post": operation(
            "Add a child",
            security=BEARER,
            request=body(ref("ChildInput")),
            responses={
                "201": answer("The child, with its id (and a Location header)", ref("Child")),
                **errors(400, 401, 403, 422),
            },
        )
    },
    "/family/children/{child_id}": {
        "get": operation(
            "One child of the household",
            security=BEARER,
            params=[CHILD_ID],
            responses={"200": answer("The child", ref("Child")), **errors(401, 403, 404)},
        ),
        "patch": operation(
            "Change a child's details",
            description="A partial update: only the fields given change; `medications`, when "
            "given, replaces the whole list.",
            security=BEARER,
            params=[CHILD_ID],
            request=body(ref("ChildPatch")),
            responses={
                "200": answer("The child", ref("Child")),
                **errors(400, 401, 403, 404, 422),
            },
        ),
    },
    "/family/contacts": {
        "post": operation(
            "Add an emergency contact or authorized pickup person",
            security=BEARER,
            request=body(ref("ContactInput")),
            responses={
                "201": answer("The contact, with its id", ref("Contact")),
                **errors(400, 401, 403, 422),
            },
        )
    },
    "/events": {
        "get": operation(
            "Published events, soonest first",
            description="Events whose last day has passed are left out. A plain array.",
            security=ANYONE,
            responses={
                "200": answer("The events", {"type": "array", "items": ref("Event")}),
                **errors(401),
            },
        ),
        "post": operation(
            "Create an event",
            description="Coordinators and admins.",
            security=BEARER,
            request=body(ref("EventInput")),
            responses={
                "201": answer("The event (and a Location header)", ref("Event")),
                **errors(400, 401, 403, 422),
            },
        ),
    },
    "/events/{slug}": {
        "get": operation(
            "One event",
            description="Unpublished events are found only with a coordinator's or admin's token.",
            security=ANYONE,
            params=[SLUG],
            responses={"200": answer("The event", ref("Event")), **errors(401, 404)},
        ),
        "patch": operation(
            "Change an event",
            description="Coordinators and admins. Only the fields given change. Lowering the "
            "capacity below the seats taken is refused (422 `capacity_below_taken`).",
            security=BEARER,
            params=[SLUG],
            request=body(ref("EventPatch")),
            responses={
                "200": answer("The event", ref("Event")),
                **errors(400, 401, 403, 404, 422),
            },
        ),
    },
    "/events/{slug}/eligibility": {
        "get": operation(
            "Each child's eligibility for the event",
            description="Parents only; one entry per child of the household. Consents and "
            "signature are not asked yet, so `eligible` means: may register once they are "
            "given. `event_full` appears only when the event is full and has no waitlist.",
            security=BEARER,
            params=[SLUG],
            responses={
                "200": answer("Per child", {"type": "array", "items": ref("ChildEligibility")}),
                **errors(401, 403, 404),
            },
        )
    },
    "/registrations": {
        "post": operation(
            "Register a child for an event",
            description="Parents only, for a child of their own household (another family's "
            "child: 404). The answer's status is `confirmed`, or `pending_review` when the "
            "event needs a coordinator's review, or `waitlisted` when it is full. "
            "422 lists every failing eligibility rule (codes as in GET "
            "/events/{slug}/eligibility, field `child_id`, `consents` or `signature`).",
            security=BEARER,
            request=body(ref("RegistrationInput")),
            responses={
                "201": answer("Registered (and a Location header)", ref("Registration")),
                **errors(400, 401, 403, 404),
                "409": answer("`already_registered`", ref("Error")),
                **errors(422),
            },
        ),
        "get": operation(
            "The family's registrations",
            description="Parents only; soonest event first. A plain array.",
            security=BEARER,
            responses={
                "200": answer("Registrations", {"type": "array", "items": ref("Registration")}),
                **errors(401, 403),
            },
        ),
    },
    "/registrations/{registration_id}": {
        "get": operation(
            "One registration",
            description="A parent sees only their family's (404 otherwise); coordinators and "
            "staff see any.",
            security=BEARER,
            params=[REGISTRATION_ID],
            responses={
                "200": answer("The registration", ref("Registration")),
                **errors(401, 403, 404),
            },
        )
    },
    "/registrations/{registration_id}/cancel": {
        "post": operation(
            "Cancel a registration",
            description="A parent cancels their family's own (404 otherwise); a coordinator "
            "any. A freed seat goes at once to the first on the waitlist. No body is read. "
            "Cancelling a registration that is already cancelled or declined answers 409 "
            "`invalid_transition`.",
            security=BEARER,
            params=[REGISTRATION_ID],
            responses={
                "200": answer("The registration, status `cancelled`", ref("Registration")),
                **errors(401, 403, 404, 409),
            },
        )
    },
    "/registrations/{registration_id}/decision": {
        "post": operation(
            "A coordinator's decision",
            description="`approve` (a pending or waitlisted registration; a waitlisted one "
            "only while a seat is free, else 409 `event_full`), `decline`, or `waitlist` "
            "(a pending one). Any other change of status answers 409 `invalid_transition`. "
            "A freed seat goes to the first on the waitlist. Approving checks the "
            "eligibility rules again as they stand now (leaving out `registration_not_open`, "
            "`registration_closed` and `event_full`, which concern the moment of registering) "
            "plus `patient_not_verified` for an event that requires verified patient details "
            "(a sibling needs a verified patient in the family). When any fails and no "
            "`override_reason` is given, the answer is 422 listing every failing rule and "
            "`override_reason_required` (field `override_reason`); with a reason, the "
            "registration is confirmed and the reason and the overridden codes are kept "
            "(not part of the answer).",
            security=BEARER,
            params=[REGISTRATION_ID],
            request=body(ref("Decision")),
            responses={
                "200": answer("The registration", ref("Registration")),
                **errors(400, 401, 403, 404),
                "409": answer("`event_full` or `invalid_transition`", ref("Error")),
                "422": answer(
                    "Invalid values, or rules that fail without an `override_reason`: every "
                    "failing rule's code and `override_reason_required`",
                    ref("Error"),
                ),
            },
        )
    },
    "/events/{slug}/registrations": {
        "get": operation(
            "An event's registrations, in the order received",
            description="Coordinators and staff; unpublished events too.",
            security=BEARER,
            params=[
                SLUG,
                query_param("status", text(enum=STATUSES), "Only this status."),
                query_param("q", text(maxLength=200), "Part of the child's name."),
                query_param("page", {"type": "integer", "minimum": 1, "default": 1}, "From 1."),
                query_param(
                    "per_page",
                    {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                    "Items per page.",
                ),
            ],
            responses={
                "200": answer("One page", ref("RegistrationPage")),
                **errors(401, 403, 404, 422),
            },
        )
    },
    "/events/{slug}/roster.csv": {
        "get": operation(
            "The roster as CSV",
            description="Coordinators and staff. A row per active registration (seat holders, "
            "then the waitlist); columns: registration_id, status, child_first_name, "
            "child_last_name, date_of_birth, age_on_first_day, allergies, dietary_needs, "
            "photo_release, parent_name, parent_email, parent_phone, emergency_contact_name, "
            "emergency_contact_relationship, emergency_contact_phone. Diagnosis and "
            "medications are not in it. Cells that a spreadsheet would run as a formula are "
            "prefixed with '.",
            security=BEARER,
            params=[SLUG],
            responses={
                "200": answer("CSV, header first", {"type": "string"}, media="text/csv"),
                **errors(401, 403, 404),
            },
        )
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Camp registration API",
        "version": "1.0.0",
        "description": "The JSON API of the hospital's camp registration. Bodies are JSON "
        "objects (Content-Type: application/json); dates are YYYY-MM-DD, datetimes ISO 8601 "
        "with an offset (answers use UTC). Every error has the body "
        '{"errors": [{"code", "message", "field"?}]}; bad input never yields a 500. '
        "Answers carry `Cache-Control: no-store`.",
    },
    "servers": [{"url": "/api/v1"}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from POST /tokens. Missing or bad: 401.",
            }
        },
        "schemas": SCHEMAS,
        "responses": {
            name: answer(description, ref("Error"))
            for name, description in ERROR_RESPONSES.values()
        },
    },
}


@bp.get("/openapi.json")
@api_public
def openapi_document():
    return jsonify(DOCUMENT)
