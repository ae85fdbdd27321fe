"""Behind a reverse proxy (TRUSTED_PROXIES=n): the client's address and scheme come from the
X-Forwarded-* headers the last n proxies set; without it, those headers are ignored."""

import pytest
from flask import request, url_for

from camp_app import create_app
from camp_app.access import public
from camp_app.config import trusted_proxies
from tests.support import databases

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "camps.hospital.example"}  # fmt: skip
PROXY = {"REMOTE_ADDR": "10.0.0.2"}


def _app(**overrides):
    app = create_app(databases.test_config("sqlite://", **overrides))

    @public
    def seen():
        return {"addr": request.remote_addr, "url": url_for("events.catalog", _external=True)}

    app.add_url_rule("/_test/seen", "seen", seen)
    return app


def test_with_one_trusted_proxy_the_forwarded_client_is_seen():
    client = _app(TRUSTED_PROXIES=1).test_client()
    seen = client.get("/_test/seen", headers=FORWARDED, environ_base=PROXY).get_json()
    assert seen == {"addr": "203.0.113.7", "url": "https://camps.hospital.example/"}


def test_only_the_last_proxy_is_trusted_not_what_the_client_wrote():
    client = _app(TRUSTED_PROXIES=1).test_client()
    headers = {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}  # the first one is the client's lie
    seen = client.get("/_test/seen", headers=headers, environ_base=PROXY).get_json()
    assert seen["addr"] == "203.0.113.7"


def test_without_trusted_proxies_the_headers_are_ignored():
    client = _app().test_client()
    seen = client.get("/_test/seen", headers=FORWARDED, environ_base=PROXY).get_json()
    assert seen == {"addr": "10.0.0.2", "url": "http://localhost/"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, 0),
        ({"TRUSTED_PROXIES": "2"}, 2),
        ({"PROXY_FIX": "1"}, 1),
        ({"TRUSTED_PROXIES": " "}, 0),
    ],
)
def test_the_number_comes_from_the_environment(env, expected):
    assert trusted_proxies(env) == expected


@pytest.mark.parametrize("value", ["yes", "-1", "1.5"])
def test_a_bad_number_stops_the_app_with_a_clear_message(value):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be a whole number"):
        trusted_proxies({"TRUSTED_PROXIES": value})
