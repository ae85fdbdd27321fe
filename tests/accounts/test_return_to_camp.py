"""Never lose the parent's place: "Create an account" on a camp's page leads, through the
verification mail and signing in, back to that camp; the family page then says what to do
next for it."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest

from camp_app.extensions import db
from tests.accounts.helpers import SIGNUP, link_path, only_mail_to
from tests.factories import login, make_child, make_contact, make_event, make_user


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def camp(app):
    with app.app_context():
        event = make_event(
            name="Sun Camp",
            audience="anyone",
            diagnosis_categories=[],
            treated_at_hospital_required=False,
            translations={"es": {"name": "Campamento Sol"}},
        )
        return f"/events/{event.slug}"


def _sign_up_from(client, camp, **changes):
    page = text_of(client.get(camp))
    signup_link = f"/account/signup?next={camp}"
    assert signup_link in page
    form = text_of(client.get(signup_link))
    assert f'name="next" type="hidden" value="{camp}"' in form
    return client.post("/account/signup", data={**SIGNUP, "next": camp, **changes})


def test_a_parent_who_signs_up_from_a_camp_comes_back_to_it(app, client, camp):
    assert _sign_up_from(client, camp).status_code == 302
    with app.app_context():
        verify = link_path(only_mail_to("rosa@example.org"), "verify")
    assert "?" not in verify  # the contract's /account/verify/<token>: the place is inside

    confirmed = client.post(verify)

    assert confirmed.status_code == 302
    location = urlsplit(confirmed.headers["Location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query) == {"next": [camp]}
    login_page = text_of(client.get(confirmed.headers["Location"]))
    assert f'value="{camp}"' in login_page
    signed_in = client.post(
        "/account/login",
        data={"email": "rosa@example.org", "password": SIGNUP["password"], "next": camp},
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == camp
    assert "Add your children to your family profile" in text_of(client.get(camp))


def test_a_link_to_another_site_is_never_followed(app, client, camp):
    client.post("/account/signup", data={**SIGNUP, "next": "//evil.example/x"})
    with app.app_context():
        verify = link_path(only_mail_to("rosa@example.org"), "verify")
    confirmed = client.post(verify)
    assert confirmed.headers["Location"] == "/account/login"


def test_an_address_that_has_an_account_gets_a_sign_in_link_back_to_the_camp(app, client, camp):
    with app.app_context():
        make_user(email="rosa@example.org")
    _sign_up_from(client, camp)
    with app.app_context():
        mail = only_mail_to("rosa@example.org")
    assert f"/account/login?next={camp.replace('/', '%2F')}" in mail.body_text


def test_the_family_page_says_what_to_do_next_for_the_camp(app, client, camp):
    with app.app_context():
        parent = make_user()
        email = parent.email
    with app.app_context():
        login(client, db.session.merge(parent))
    assert "Next step" not in text_of(client.get("/family"))  # no camp seen yet
    client.get(camp)

    family = text_of(client.get("/family"))
    assert "Add your children below, then come back to register them for Sun Camp." in family

    with app.app_context():
        household = db.session.merge(parent).household
        make_child(household, first_name="Sofía")
        make_contact(household)
    family = text_of(client.get("/family"))
    assert "Your family is ready: register Sofía for Sun Camp." in family
    assert f'href="{camp}/register"' in family

    client.post("/language/es", data={"next": "/family"})
    spanish = text_of(client.get("/family"))
    assert "Su familia está lista: inscriba a Sofía en Campamento Sol." in spanish
    assert email
