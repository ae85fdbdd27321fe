"""Each sign-up with a taken address mails its owner, so sign-ups are rate limited."""

from camp_app.notifications.models import OutboxMail
from tests.factories import make_user


def _sign_up(client, email, n):
    return client.post(
        "/account/signup",
        data={
            "name": f"Someone {n}",
            "email": email,
            "password": "a long enough password",
            "password_confirm": "a long enough password",
            "locale": "en",
        },
    )


def test_repeated_sign_ups_for_one_address_are_limited_and_stop_mailing(client, app_ctx):
    owner = make_user(email="owner@example.org")
    answers = [_sign_up(client, owner.email, n).status_code for n in range(7)]
    assert answers[:5] == [302] * 5
    assert answers[5:] == [429, 429]
    mails = OutboxMail.query.filter_by(to_address=owner.email, category="account_exists").count()
    assert mails == 5


def test_api_sign_ups_share_the_per_email_limit(client, app_ctx):
    body = {"email": "new@example.org", "password": "a long enough password", "name": "New"}
    answers = [client.post("/api/v1/accounts", json=body).status_code for _ in range(6)]
    assert answers[:5] == [202] * 5
    assert answers[5] == 429
    assert client.post("/api/v1/accounts", json=body).get_json()["errors"][0]["code"] == (
        "rate_limited"
    )
