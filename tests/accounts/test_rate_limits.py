"""Password guessing is slowed per client address and per email; good logins never count."""

from tests.factories import PASSWORD, make_user

ATTEMPTS = 10  # failed logins allowed per 15 minutes


def _post_login(client, email, password, address="198.51.100.7"):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_eleventh_failed_login_from_one_address_gets_a_429_page(client, app_ctx):
    user = make_user()
    for n in range(ATTEMPTS):
        assert _post_login(client, f"guess{n}@example.org", "wrong").status_code == 422
    limited = _post_login(client, user.email, PASSWORD)  # even the right password waits
    assert limited.status_code == 429
    assert b"Too many attempts" in limited.data
    assert b"Traceback" not in limited.data
    # Another address is not held up by this one.
    assert _post_login(client, user.email, PASSWORD, address="203.0.113.9").status_code == 302


def test_failed_logins_for_one_email_are_limited_across_addresses(client, app_ctx):
    user = make_user()
    for n in range(ATTEMPTS):
        response = _post_login(client, user.email.upper(), "wrong", address=f"192.0.2.{n + 1}")
        assert response.status_code == 422
    assert _post_login(client, user.email, PASSWORD, address="192.0.2.200").status_code == 429


def test_successful_logins_do_not_count(client, app_ctx):
    user = make_user()
    for _ in range(ATTEMPTS + 5):
        assert _post_login(client, user.email, PASSWORD).status_code == 302
    assert _post_login(client, user.email, "wrong").status_code == 422


def test_the_forgot_password_form_is_limited_too(client, app_ctx):
    statuses = [
        client.post(
            "/account/forgot",
            data={"email": "someone@example.org"},
            environ_base={"REMOTE_ADDR": "198.51.100.8"},
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]
