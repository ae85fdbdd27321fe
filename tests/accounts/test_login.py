"""Logging in and out through the pages: refusals, redirects after login, session end."""

import pytest

from camp_app.text_rules import has_forbidden_characters
from tests.factories import PASSWORD, login, make_user


def test_login_then_logout(client, app_ctx):
    user = make_user()
    response = login(client, user)
    assert response.status_code == 302
    settings = client.get("/account/settings")
    assert settings.status_code == 200
    assert user.email.encode() in settings.data
    assert b"Parent or guardian" in settings.data

    with client.session_transaction() as session:
        session["leftover"] = "from this visit"
    out = client.post("/account/logout")
    assert out.status_code == 302
    with client.session_transaction() as session:
        assert "leftover" not in session  # the whole session is gone, not only the user
        assert "_user_id" not in session
    assert client.get("/account/settings").status_code == 302


def test_settings_asks_strangers_to_log_in(client):
    response = client.get("/account/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_unverified_account_is_refused_with_a_resend_link(client, app_ctx):
    user = make_user(verified=False)
    response = login(client, user)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please confirm your email address first" in html
    assert 'href="/account/resend-verification"' in html
    assert client.get("/account/settings").status_code == 302


@pytest.mark.parametrize("wrong", ["password", "email"])
def test_wrong_password_or_unknown_email_get_the_same_answer(client, app_ctx, wrong):
    user = make_user(verified=False)  # even unverified: never revealed without the password
    data = {"email": user.email, "password": "wrong password entirely"}
    if wrong == "email":
        data = {"email": "nobody@example.org", "password": PASSWORD}
    response = client.post("/account/login", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The email address or password is not right" in html
    assert "confirm your email" not in html
    assert client.get("/account/settings").status_code == 302


def test_empty_login_form_names_each_missing_field(client, app_ctx):
    response = client.post("/account/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html
    assert 'id="password-error"' in html


def test_login_returns_to_a_local_next_page(client, app_ctx):
    user = make_user()
    asked = client.get("/account/settings")
    assert asked.headers["Location"] == "/account/login?next=%2Faccount%2Fsettings"
    form = client.get(asked.headers["Location"])
    assert b'value="/account/settings"' in form.data
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD, "next": "/account/settings"},
    )
    assert response.headers["Location"] == "/account/settings"


# Each of these is read by a browser as another site: a tab, line break or backslash after the
# first slash, a scheme, a leading space, an encoded or doubled slash.
FOREIGN_TARGETS = [
    "//evil.example/steal",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:x",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    " //evil.example",
    "/ /evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "/\x0b/evil.example",
]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_refuses_to_redirect_to_another_site(client, app_ctx, target):
    user = make_user(roles=("staff",))
    response = client.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    if has_forbidden_characters(target):  # the text rule refuses the whole form: no redirect
        assert response.status_code == 422
        assert "Location" not in response.headers
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location


def test_login_page_drops_a_foreign_next_before_rendering(client):
    page = client.get("/account/login?next=//evil.example/")
    assert b'id="next" name="next" type="hidden" value=""' in page.data


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_page_never_offers_a_foreign_next(client, target):
    response = client.get("/account/login", query_string={"next": target})
    if has_forbidden_characters(target):  # refused before any view runs
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert b'id="next" name="next" type="hidden" value=""' in response.data


def test_a_tab_encoded_in_the_query_is_not_followed(client, app_ctx):
    """The attack as it was sent: ?next=/%09/evil.example, then the form posted back."""
    user = make_user()
    page = client.get("/account/login?next=/%09/evil.example")
    assert b'value=""' in page.data
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD, "next": "/\t/evil.example"},
    )
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]
