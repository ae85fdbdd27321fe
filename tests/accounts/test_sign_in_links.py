"""One-time sign-in links by mail: the rightful owner's way in while a stranger's guesses cap
the account. A link works once, for 15 minutes; opening it (GET, as mail scanners do) uses
nothing up; asking for one says nothing about whether the address has an account."""

import threading

from camp_app.accounts.models import SignInAttempt, SignInLink, UserSession
from camp_app.extensions import db
from camp_app.logging_setup import redact
from tests.accounts.helpers import link_path, mails_to, only_mail_to
from tests.factories import login, make_user

LINK_PAGE = "/account/sign-in-link"
SENT_PAGE = "/account/sign-in-link/sent"


def ask_for_link(client, email, address="198.51.100.20"):
    return client.post(LINK_PAGE, data={"email": email}, environ_base={"REMOTE_ADDR": address})


def link_for(client, user) -> str:
    assert ask_for_link(client, user.email).headers["Location"] == SENT_PAGE
    mail = only_mail_to(user.email)
    assert mail.category == "sign_in_link"
    return link_path(mail, "sign-in")


def signed_in(client) -> bool:
    return client.get("/account/settings").status_code == 200


def cap_the_account(client, user) -> None:
    for n in range(10):
        response = client.post(
            "/api/v1/tokens",
            json={"email": user.email, "password": "a stranger's guess"},
            environ_base={"REMOTE_ADDR": f"192.0.2.{n}"},
        )
        assert response.status_code == 401


def test_the_login_page_offers_a_link_by_mail(client):
    page = client.get("/account/login").get_data(as_text=True)
    assert f'href="{LINK_PAGE}"' in page
    assert "Email me a sign-in link" in page


def test_a_link_signs_in_once_and_survives_mail_scanners(client, app_ctx):
    user = make_user()
    path = link_for(client, user)

    for _ in range(3):  # a mail scanner, a preview, the person: GETs use nothing up
        shown = client.get(path)
        assert shown.status_code == 200
        assert b"Press the button to log in" in shown.data
    assert not signed_in(client)

    used = client.post(path)
    assert used.status_code == 302
    assert used.headers["Location"] == "/family"
    assert signed_in(client)
    assert db.session.scalars(db.select(UserSession)).one().user_id == user.id

    client.post("/account/logout")
    again = client.post(path)
    assert again.status_code == 404
    assert b"This link is no longer valid" in again.data
    assert client.get(path).status_code == 404
    assert not signed_in(client)


def test_a_link_expires_after_15_minutes(client, app_ctx, clock):
    user = make_user()
    path = link_for(client, user)
    clock.advance(minutes=14, seconds=59)
    assert client.get(path).status_code == 200
    clock.advance(seconds=2)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not signed_in(client)


def test_a_link_signs_in_while_the_password_is_capped(client, app_ctx):
    user = make_user()
    cap_the_account(client, user)
    refused = login(client, user)
    assert refused.status_code == 429
    # The capped page posts the address typed to the link form.
    assert f'name="email" value="{user.email}"' in refused.get_data(as_text=True)

    path = link_for(client, user)
    assert client.post(path).status_code == 302
    assert signed_in(client)
    # The strangers' failures still count: the link does not hand them new guesses.
    failures = db.select(SignInAttempt).where(SignInAttempt.outcome == "failed")
    assert len(db.session.scalars(failures).all()) == 10


def test_asking_says_nothing_about_whether_an_account_exists(client, app_ctx):
    known = make_user()
    answers = [ask_for_link(client, email) for email in (known.email, "nobody@example.org")]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"] == SENT_PAGE
    assert mails_to("nobody@example.org") == []
    assert len(mails_to(known.email)) == 1
    assert db.session.query(SignInLink).count() == 1


def test_a_malformed_address_is_shown_next_to_the_field(client, app_ctx):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 422
    assert b'id="email-error"' in response.data


def test_asking_for_links_is_rate_limited_like_the_other_mail_forms(client, app_ctx):
    user = make_user()
    statuses = [ask_for_link(client, user.email).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(mails_to(user.email)) == 5


def test_the_mail_is_in_the_persons_language(client, app_ctx):
    user = make_user()
    user.locale = "es"
    db.session.commit()
    ask_for_link(client, user.email)
    mail = only_mail_to(user.email)
    assert mail.subject == "Su enlace para iniciar sesión"
    assert "El enlace funciona durante 15 minutos y una sola vez." in mail.body_text


def test_the_link_is_stored_only_as_a_hash_and_masked_in_logs(client, app_ctx):
    user = make_user()
    path = link_for(client, user)
    token = path.rsplit("/", 1)[1]
    row = db.session.scalars(db.select(SignInLink)).one()
    assert token not in row.token_hash
    assert token not in redact(f'"GET {path} HTTP/1.1" 200')
    assert token not in redact(f"/account/login?next=%2Faccount%2Fsign-in%2F{token}")


def test_a_link_of_a_deactivated_account_opens_nothing(client, app_ctx):
    user = make_user()
    path = link_for(client, user)
    user.active = False
    db.session.commit()
    assert client.post(path).status_code == 404
    assert not signed_in(client)


def test_a_link_confirms_an_unconfirmed_address(client, app_ctx):
    user = make_user(verified=False)
    path = link_for(client, user)
    assert client.post(path).status_code == 302
    db.session.expire_all()
    assert user.is_verified


def test_two_browsers_posting_one_link_at_once_sign_in_only_one(pg_app):
    with pg_app.app_context():
        user = make_user()
        path = link_for(pg_app.test_client(), user)
    start = threading.Barrier(8)
    statuses: list[int] = []

    def use_link() -> None:
        client = pg_app.test_client()
        start.wait()
        statuses.append(client.post(path).status_code)

    threads = [threading.Thread(target=use_link) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [404] * 7
    with pg_app.app_context():
        assert db.session.query(UserSession).count() == 1
