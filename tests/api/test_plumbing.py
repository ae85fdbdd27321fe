"""What every API answer promises: declared access, the error format, and never a 500 on bad
input, whatever the body."""

import json
import random
import re

import pytest

from camp_app.api.core import api_public, api_roles, api_signed_in
from camp_app.events import services as event_services
from tests.api.conftest import codes_of, errors_of
from tests.factories import make_child, make_event

# Endpoints that read a JSON body, with a role allowed to call them. "{child}", "{slug}" and
# "{registration}" are filled in with real records of that role's reach.
BODY_ENDPOINTS = [
    ("POST", "/accounts", None),
    ("POST", "/accounts/verify", None),
    ("POST", "/tokens", None),
    ("POST", "/family/children", "parent"),
    ("PATCH", "/family/children/{child}", "parent"),
    ("POST", "/family/contacts", "parent"),
    ("POST", "/events", "coordinator"),
    ("PATCH", "/events/{slug}", "coordinator"),
    ("POST", "/registrations", "parent"),
    ("POST", "/registrations/{registration}/decision", "coordinator"),
]


@pytest.fixture
def records(api, people):
    parent, token = people["parent"]
    child = make_child(parent.household)
    event = make_event()
    body = {
        "event": event.slug,
        "child_id": child.id,
        "consents": {"medical_treatment": True, "liability_waiver": True, "photo_release": True},
        "signature": "Paula Parent",
    }
    registration = api.post("/registrations", token, json=body).get_json()
    return {"child": child.id, "slug": event.slug, "registration": registration["id"]}


def call(api, people, records, method, path, role, **kwargs):
    token = people[role][1] if role else None
    response = api.call(method, path.format(**records), token, **kwargs)
    response.get_data()  # read streamed answers (the roster) to the end, inside the test
    return response


def test_every_api_route_declares_its_access(app):
    declared = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            declared[rule.rule + " " + ",".join(sorted(rule.methods))] = getattr(
                app.view_functions[rule.endpoint], "access", None
            )
    assert len(declared) >= 22
    assert all(declared.values()), [name for name, access in declared.items() if not access]


def test_access_decorators_name_who_may_call():
    def view():
        return None

    assert api_public(view).access == ("public",)
    assert api_signed_in(view).access == ("signed_in",)
    assert api_roles("coordinator", "staff")(view).access == ("coordinator", "staff")


# Who may call what, as the contract's tables say. "public": anyone; "signed_in": any token.
CONTRACT_ACCESS = {
    ("POST", "/accounts"): "public",
    ("POST", "/accounts/verify"): "public",
    ("POST", "/tokens"): "public",
    ("DELETE", "/tokens/current"): "signed_in",
    ("GET", "/me"): "signed_in",
    ("GET", "/openapi.json"): "public",
    ("GET", "/family"): {"parent"},
    ("POST", "/family/children"): {"parent"},
    ("GET", "/family/children/{child}"): {"parent"},
    ("PATCH", "/family/children/{child}"): {"parent"},
    ("POST", "/family/contacts"): {"parent"},
    ("GET", "/events"): "public",
    ("GET", "/events/{slug}"): "public",
    ("POST", "/events"): {"coordinator", "admin"},
    ("PATCH", "/events/{slug}"): {"coordinator", "admin"},
    ("GET", "/events/{slug}/eligibility"): {"parent"},
    ("POST", "/registrations"): {"parent"},
    ("GET", "/registrations"): {"parent"},
    # v1.1: the nurse reads registrations too (what each role sees of the child differs).
    ("GET", "/registrations/{registration}"): {"parent", "coordinator", "staff", "nurse"},
    ("POST", "/registrations/{registration}/cancel"): {"parent", "coordinator"},
    ("POST", "/registrations/{registration}/decision"): {"coordinator"},
    ("GET", "/events/{slug}/registrations"): {"coordinator", "staff", "nurse"},
    ("GET", "/events/{slug}/roster.csv"): {"coordinator", "staff", "nurse"},
}
ROLES = ("parent", "coordinator", "staff", "admin")


@pytest.mark.parametrize(("method", "path"), list(CONTRACT_ACCESS))
def test_every_role_gets_what_the_contract_says(api, people, records, method, path):
    allowed = CONTRACT_ACCESS[(method, path)]
    anonymous = call(api, people, records, method, path, None, json={})
    if allowed == "public":
        assert anonymous.status_code not in (401, 403), anonymous.data
    else:
        assert anonymous.status_code == 401 and codes_of(anonymous) == ["unauthorized"]
    for role in ROLES:
        response = call(api, people, records, method, path, role, json={})
        if allowed in ("public", "signed_in") or role in allowed:
            assert response.status_code not in (401, 403), (role, response.data)
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert codes_of(response) == ["forbidden"]


def test_the_access_declarations_match_the_contract(app):
    declared = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^>]*:)?([^>:]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        path = path.replace("{child_id}", "{child}").replace("{registration_id}", "{registration}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            declared[(method, path)] = app.view_functions[rule.endpoint].access
    for (method, path), allowed in CONTRACT_ACCESS.items():
        access = declared[(method, path)]
        expected = (allowed,) if isinstance(allowed, str) else allowed
        assert set(access) == set(expected), (method, path)


# --- malformed bodies ----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
def test_a_body_that_is_not_json_is_400(api, people, records, method, path, role):
    response = call(
        api,
        people,
        records,
        method,
        path,
        role,
        data=b"{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert codes_of(response) == ["malformed_json"]


@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
def test_a_form_body_is_400(api, people, records, method, path, role):
    response = call(api, people, records, method, path, role, data={"email": "a@example.org"})
    assert response.status_code == 400
    assert codes_of(response) == ["malformed_json"]


@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
@pytest.mark.parametrize("raw", [b"[]", b"[1, 2]", b'"text"', b"12", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_400(api, people, records, method, path, role, raw):
    response = call(
        api, people, records, method, path, role, data=raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert codes_of(response) == ["body_not_object"]


@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
def test_an_empty_body_is_400(api, people, records, method, path, role):
    response = call(
        api, people, records, method, path, role, data=b"", content_type="application/json"
    )
    assert response.status_code == 400
    assert codes_of(response) == ["malformed_json"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b"\xff\xfe{}",
        b'{"a": "\xc3"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
# Deep nesting makes json.loads raise RecursionError, which Flask's get_json(silent=True)
# does not catch: any code that reads the body that way (e.g. a rate-limit key) must catch it.
@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
def test_odd_json_is_400_not_500(api, people, records, raw, method, path, role):
    response = call(
        api, people, records, method, path, role, data=raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert codes_of(response)[0] in {"malformed_json", "body_not_object"}


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
def test_text_that_cannot_be_stored_is_422(api, people, records, text):
    child = {
        "first_name": text,
        "last_name": "L",
        "date_of_birth": "2016-01-01",
        "relationship": "sibling",
    }
    raw = json.dumps(child).encode()  # ensure_ascii: the surrogate travels as \ud800
    response = api.post(
        "/family/children", people["parent"][1], data=raw, content_type="application/json"
    )
    assert response.status_code == 422
    assert errors_of(response)[0] == {
        "code": "invalid_text",
        "field": "first_name",
        "message": errors_of(response)[0]["message"],
    }


def test_json_with_a_charset_and_vendor_types_is_accepted(api, people, records):
    response = api.post(
        "/accounts/verify",
        data=b'{"token": "x"}',
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 422 and codes_of(response) == ["invalid_token"]
    vendor = api.post(
        "/accounts/verify", data=b'{"token": "x"}', content_type="application/vnd.api+json"
    )
    assert vendor.status_code == 422


# --- random junk ---------------------------------------------------------------------------

FIELD_NAMES = [
    "email", "password", "name", "phone", "locale", "token", "first_name", "last_name",
    "date_of_birth", "relationship", "diagnosis_category", "treated_at_hospital", "medications",
    "physician_phone", "kind", "child_ids", "slug", "starts_on", "ends_on", "capacity",
    "registration_opens_at", "registration_closes_at", "eligibility", "min_age", "max_age",
    "audience", "diagnosis_categories", "event", "child_id", "consents", "signature", "action",
    "note", "medical_treatment", "photo_release", "published", "waitlist_enabled",
]  # fmt: skip
ODD_SCALARS = [
    None, True, False, 0, -1, 1, 2**31, 2**63, 10**40, -(10**40), 1.5, 1e308, -0.0, "",
    " ", "x" * 5000, "2016-05-01", "2016-02-30", "9999-12-31", "0001-01-01",
    "2027-01-01T09:00:00+14:00", "2027-01-01T09:00:00", "patient", "sibling", "cancer",
    "emergency", "approve", "decline", "waitlist", "ünïcødé ✓", "'; DROP TABLE users; --",
    "=cmd|' /C calc'!A0", "+13055550100", "camp-1", "a@example.org", "<script>",
]  # fmt: skip


def junk(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 2 or roll < 0.55:
        return rng.choice(ODD_SCALARS)
    if roll < 0.75:
        return [junk(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return junk_object(rng, depth + 1)


def junk_object(rng: random.Random, depth: int = 0) -> dict:
    keys = rng.sample(FIELD_NAMES, rng.randint(0, 8))
    if rng.random() < 0.2:
        keys.append(rng.choice(["", "unknown", "__proto__", "ä"]))
    return {key: junk(rng, depth) for key in keys}


@pytest.mark.parametrize(("method", "path", "role"), BODY_ENDPOINTS)
def test_random_junk_never_yields_a_500(api, people, records, method, path, role):
    rng = random.Random(f"{method} {path}")  # the same junk on every run
    for _ in range(40):
        body = junk_object(rng)
        response = call(api, people, records, method, path, role, json=body)
        assert response.status_code < 500, (body, response.data)
        if response.status_code >= 400:
            errors_of(response)


# --- the app's own errors, in the API's format ---------------------------------------------


def test_unknown_paths_are_json_404(api, app_ctx):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert codes_of(response) == ["not_found"]


def test_wrong_methods_are_json_405(api, app_ctx):
    for method, path in [("GET", "/tokens"), ("PUT", "/me"), ("DELETE", "/events")]:
        response = api.call(method, path)
        assert response.status_code == 405
        assert codes_of(response) == ["method_not_allowed"]


def test_a_too_large_body_is_json_413(api, people):
    big = {"first_name": "x" * (3 * 1024 * 1024)}
    response = api.post("/family/children", people["parent"][1], json=big)
    assert response.status_code == 413
    assert codes_of(response) == ["too_large"]


@pytest.fixture
def app_config():
    # As in production: unexpected errors are answered, not raised into the test.
    return {"PROPAGATE_EXCEPTIONS": False}


def test_an_unexpected_failure_is_a_json_500_without_details(api, app_ctx, monkeypatch):
    def broken(now=None):
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(event_services, "published_events", broken)
    response = api.get("/events")
    assert response.status_code == 500
    assert codes_of(response) == ["server_error"]
    assert b"secret detail" not in response.data and b"Traceback" not in response.data


def test_answers_are_never_cached(api, people):
    for response in (api.get("/me", people["parent"][1]), api.get("/me"), api.get("/events")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.mimetype == "application/json"
