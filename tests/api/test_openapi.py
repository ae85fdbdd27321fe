"""The OpenAPI document: valid OpenAPI 3.1, and exactly the API's routes.

Validation uses openapi-spec-validator (a test-only dependency)."""

import re

from openapi_spec_validator import validate

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def flask_rule_as_openapi_path(rule: str) -> str:
    """/family/children/<int(min=1):child_id> -> /family/children/{child_id}"""
    return re.sub(r"<(?:[^>]*:)?([^>:]+)>", r"{\1}", rule[len(PREFIX) :])


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            for method in rule.methods - IGNORED_METHODS:
                found.add((method.lower(), flask_rule_as_openapi_path(rule.rule)))
    return found


def test_the_document_is_served_and_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_route_is_documented_and_nothing_else(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert routes(app) == documented
    assert len(documented) >= 23


def test_every_operation_has_responses_and_declared_path_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)
            if method in {"post", "patch"} and "requestBody" in operation:
                # JSON, except a file upload (multipart: the contract's documents)
                content = operation["requestBody"]["content"]
                assert "application/json" in content or list(content) == ["multipart/form-data"]


def test_errors_share_one_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    item = error["properties"]["errors"]["items"]
    assert set(item["required"]) == {"code", "message"}
    assert "field" in item["properties"]
    for name, response in document["components"]["responses"].items():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, name


def conforms(document: dict, schema_name: str, instance) -> None:
    """Check an answer against a schema of the document (its $refs resolved in place)."""
    from jsonschema import Draft202012Validator

    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    Draft202012Validator(schema).validate(instance)


def test_real_answers_match_their_schemas(client, api, people):
    from tests.factories import make_child, make_event

    document = client.get("/api/v1/openapi.json").get_json()
    parent, token = people["parent"]
    child = make_child(parent.household, medications=[{"name": "A", "dose": "1", "schedule": "d"}])
    event = make_event()
    body = {
        "event": event.slug,
        "child_id": child.id,
        "consents": {"medical_treatment": True, "liability_waiver": True, "photo_release": True},
        "signature": "Paula Parent",
    }
    registration = api.post("/registrations", token, json=body).get_json()
    conforms(document, "Registration", registration)
    conforms(document, "User", api.get("/me", token).get_json())
    conforms(document, "Family", api.get("/family", token).get_json())
    conforms(document, "Child", api.get(f"/family/children/{child.id}", token).get_json())
    for item in api.get("/events").get_json():
        conforms(document, "Event", item)
    for item in api.get(f"/events/{event.slug}/eligibility", token).get_json():
        conforms(document, "ChildEligibility", item)
    page = api.get(f"/events/{event.slug}/registrations", people["staff"][1]).get_json()
    conforms(document, "RegistrationPage", page)
    conforms(document, "Error", api.get("/me").get_json())
