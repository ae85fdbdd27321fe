"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated.

Request schemas come from the declared resources (camp_app.schemas: the same models that
validate the input); answers reuse their properties. Each operation is one entry of the route
table in api/operations.py; who may call it is read from the view's access declaration. A test
checks that every /api/v1 route is described (and nothing else) and that the document is valid;
Schemathesis checks that the app behaves as it says (tests/api/test_schemathesis.py).
"""

from functools import cache

from flask import current_app, jsonify
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from camp_app.access import PUBLIC, SIGNED_IN
from camp_app.api import operations
from camp_app.api.blueprint import bp
from camp_app.api.core import api_public
from camp_app.schemas.validation import patch_model

JSON = "application/json"
PREFIX = "/api/v1"
BEARER = [{"bearer": []}]
ANYONE = [{}, {"bearer": []}]  # a token is optional; when sent, it must be valid

# status -> (component name, description)
ERROR_RESPONSES = {
    400: (
        "BadRequest",
        "Malformed body: not JSON (`malformed_json`; also for a Content-Type other than "
        "application/json) or not a JSON object (`body_not_object`).",
    ),
    401: (
        "Unauthorized",
        "Missing, unknown, expired or revoked token (`unauthorized`); the answer carries a "
        "`WWW-Authenticate: Bearer` header.",
    ),
    403: ("Forbidden", "The account's roles do not allow this (`forbidden`)."),
    404: (
        "NotFound",
        "Not found (`not_found`) — also for another family's child or registration, so that "
        "nothing reveals that it exists.",
    ),
    409: ("Conflict", "The request clashes with the current state."),
    413: ("TooLarge", "The body is larger than the server takes (`too_large`)."),
    422: (
        "Unprocessable",
        "Validation or eligibility failure: every problem is listed, each with the `field` it "
        "concerns where one applies. Codes of the schema's rules: `required`, `invalid_type` "
        "(the wrong JSON type), `invalid_text` (control characters), `too_long`, `too_many`, "
        "`out_of_range`, `invalid_choice`, `invalid_date`, `date_out_of_range`, "
        "`invalid_datetime`, `invalid_phone`, `invalid_email`, `unknown_field`; the operation "
        "names its own.",
    ),
    429: ("RateLimited", "Too many attempts (`rate_limited`); see the `Retry-After` header."),
    503: (
        "ServiceUnavailable",
        "The database cannot be reached for a moment (`service_unavailable`); try again after "
        "the `Retry-After` header's seconds.",
    ),
}


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema 2020-12 without a title on every property."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _model_schemas() -> dict:
    models = [*operations.INPUT_MODELS, *(patch_model(m) for m in operations.PATCHED_MODELS)]
    _refs, top = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
        schema_generator=_Generator,
    )
    schemas = top["$defs"]
    for name, schema in schemas.items():
        schema.pop("title", None)
        if name.endswith("Patch"):  # nothing is filled in for a field a PATCH leaves out
            for prop in schema["properties"].values():
                prop.pop("default", None)
    return schemas


def _answer_of(schemas: dict, name: str, *, add: dict, drop=(), refs=None) -> dict:
    """An answer's schema from an input schema: the same properties (every one present),
    plus `add`, minus `drop`; `refs` replaces properties with references."""
    properties = {
        key: {k: v for k, v in value.items() if k != "default"}
        for key, value in schemas[name]["properties"].items()
        if key not in drop
    }
    properties.update(refs or {})
    properties.update(add)
    return {"type": "object", "properties": properties, "required": list(properties)}


def _schemas() -> dict:
    schemas = _model_schemas()
    nullable_id = {"type": ["integer", "null"]}
    schemas.update(
        {
            "Child": _answer_of(
                schemas,
                "ChildInput",
                add={"id": {"type": "integer"}},
                refs={"medications": {"type": "array", "items": _ref("Medication")}},
            ),
            "Contact": _answer_of(schemas, "ContactInput", add={"id": {"type": "integer"}}),
            "Event": _answer_of(
                schemas,
                "EventInput",
                drop=("id", "seats_taken", "seats_left", "waitlist_length"),
                refs={
                    "eligibility": _ref("EligibilityRules"),
                    "consent_documents": {"type": "array", "items": _ref("ConsentDocument")},
                },
                add={
                    "seats_taken": {
                        "type": "integer",
                        "description": "pending_review + confirmed.",
                    },
                    "seats_left": {"type": "integer"},
                    "waitlist_length": {"type": "integer"},
                },
            ),
            **operations.ANSWER_SCHEMAS,
            "AttendanceRecord": {
                "type": "object",
                "properties": {
                    "registration_id": {"type": "integer"},
                    "date": {"type": "string", "format": "date"},
                    "status": {
                        "type": "string",
                        "enum": ["expected", "checked_in", "checked_out", "absent"],
                    },
                    "check_in_at": {"type": ["string", "null"], "format": "date-time"},
                    "checked_in_by_id": nullable_id,
                    "check_out_at": {"type": ["string", "null"], "format": "date-time"},
                    "checked_out_by_id": nullable_id,
                    "picked_up_by_contact_id": nullable_id,
                    "picked_up_by_guardian_id": nullable_id,
                    "picked_up_by": {"type": ["string", "null"]},
                    "absence_reason": {"type": "string"},
                },
                "required": ["registration_id", "date", "status"],
            },
        }
    )
    return schemas


def _security(access: tuple) -> tuple[list, str]:
    if access == PUBLIC:
        return ANYONE, ""
    if access == SIGNED_IN:
        return BEARER, "Any signed-in account."
    return BEARER, "Roles: " + ", ".join(access) + "."


def _responses(op: operations.Operation, access: tuple) -> dict:
    statuses = set(op.errors)
    statuses.add(401)  # public too: a token, when sent, must be valid
    statuses.add(503)  # any operation may meet the database being down for a moment
    statuses.add(400)  # a query argument with control characters is refused before any view
    if access not in (PUBLIC, SIGNED_IN):
        statuses.add(403)
    if op.request:
        statuses |= {400, 413, 422}
    if op.form:
        statuses |= {413, 422}
    if "{" in op.path:
        statuses.add(404)
    responses = {str(op.status): _answer(op)}
    for status in sorted(statuses):
        described = op.error_notes.get(status)
        if described:
            responses[str(status)] = {
                "description": described,
                "content": {JSON: {"schema": _ref("Error")}},
            }
        else:
            responses[str(status)] = {
                "$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"
            }
    return responses


def _answer(op: operations.Operation) -> dict:
    answer = {"description": op.answer_note}
    if op.answer is not None:
        schema = op.answer if isinstance(op.answer, dict) else _ref(op.answer)
        media = op.media if isinstance(op.media, tuple) else (op.media,)
        answer["content"] = {kind: {"schema": schema} for kind in media}
    return answer


def _operation(op: operations.Operation, access: tuple) -> dict:
    security, who = _security(access)
    description = " ".join(part for part in (who, op.description) if part)
    document = {"summary": op.summary, "security": security, "responses": _responses(op, access)}
    if description:
        document["description"] = description
    parameters = [*op.path_parameters(), *op.query]
    if parameters:
        document["parameters"] = parameters
    if op.request:
        document["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": _ref(op.request)}},
        }
    if op.form:
        document["requestBody"] = {"required": True, "content": op.form}
    if op.rules:
        document["x-rule-failures"] = [{"code": c, "field": f} for c, f in op.rules]
    return document


def _access_by_operation(app) -> dict[tuple[str, str], tuple]:
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = operations.openapi_path(rule.rule.removeprefix(PREFIX))
            access = getattr(app.view_functions[rule.endpoint], "access", PUBLIC)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found[(method.lower(), path)] = access
    return found


@cache
def _document(app) -> dict:
    access = _access_by_operation(app)
    paths: dict[str, dict] = {}
    for op in operations.OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, access[(op.method, op.path)])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Camp registration API",
            "version": "1.0.0",
            "description": "The JSON API of the hospital's camp registration. Bodies are JSON "
            "objects (Content-Type: application/json); dates are YYYY-MM-DD, datetimes ISO 8601 "
            "with an offset (answers use UTC). Every error has the body "
            '{"errors": [{"code", "message", "field"?}]}; bad input never yields a 500. '
            "Unknown fields in a body are refused (422 `unknown_field`). Answers carry "
            "`Cache-Control: no-store`. `x-rule-failures` lists the 422 codes an operation "
            "gives for rules beyond the request's schema (business rules).",
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /tokens. Missing or bad: 401.",
                }
            },
            "schemas": _schemas(),
            "responses": {
                name: {"description": text, "content": {JSON: {"schema": _ref("Error")}}}
                for name, text in ERROR_RESPONSES.values()
            },
        },
    }


@bp.get("/openapi.json")
@api_public
def openapi_document():
    return jsonify(_document(current_app._get_current_object()))
