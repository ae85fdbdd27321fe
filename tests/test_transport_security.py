"""HSTS: a site served over https tells browsers to keep to https; one on http says nothing."""

import pytest

HSTS = "max-age=31536000; includeSubDomains"
# A page, the API, a redirect, an error page, an API error and a static file.
PATHS = [
    "/",
    "/api/v1/events",
    "/account/settings",
    "/no-such-page",
    "/api/v1/me",
    "/static/app.css",
]


@pytest.fixture
def app_config() -> dict:
    return {"BASE_URL": "https://camps.hospital.example"}


def test_every_response_of_an_https_site_carries_hsts(client):
    statuses = set()
    for path in PATHS:
        response = client.get(path)
        statuses.add(response.status_code)
        assert response.headers.get("Strict-Transport-Security") == HSTS, path
    assert statuses == {200, 302, 404, 401}


def test_an_http_site_sends_no_hsts(app):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    client = app.test_client()
    for path in PATHS:
        assert "Strict-Transport-Security" not in client.get(path).headers, path
