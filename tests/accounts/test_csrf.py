"""With CSRF on (as in production), the login form needs its token."""

import re

import pytest

from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _csrf_token(page) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(True))
    assert match, "the form carries a CSRF token"
    return match.group(1)


def test_login_without_the_token_is_refused(client, app_ctx):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"form expired" in response.data
    assert client.get("/account/settings").status_code == 302


def test_login_with_the_token_from_the_form_works(client, app_ctx):
    user = make_user()
    token = _csrf_token(client.get("/account/login"))
    response = client.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/account/settings").status_code == 200


def test_logout_without_the_token_keeps_the_session(client, app_ctx):
    user = make_user()
    token = _csrf_token(client.get("/account/login"))
    client.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/account/logout").status_code == 400
    assert client.get("/account/settings").status_code == 200
