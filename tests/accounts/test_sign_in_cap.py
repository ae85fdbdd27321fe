"""Failed sign-ins are capped at 10 per account per 15 minutes, counted in the database: the
pages and the API share the count, and so do separate server processes (here: two apps on one
PostgreSQL database) and 30 threads guessing at once. While capped even the right password is
refused (without being checked), and an unknown address is capped the same way.

Each guess comes from its own client address, so Flask-Limiter's per-address limit (per
process without Redis) never answers here: every 429 is the database's."""

import threading

import pytest

from camp_app import create_app
from camp_app.accounts import services
from camp_app.accounts.models import SignInAttempt
from camp_app.accounts.sign_in_attempts import SignInsCapped, email_hash
from camp_app.extensions import db
from tests.factories import PASSWORD, make_user
from tests.support import databases

WRONG = "not the password at all"
LIMIT = 10


def by_page(client, email, password, address):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def by_api(client, email, password, address):
    return client.post(
        "/api/v1/tokens",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


FAILED = {by_page: 422, by_api: 401}
SIGNED_IN = {by_page: 302, by_api: 201}


@pytest.fixture
def password_checks(monkeypatch) -> list[int]:
    """Counts the passwords actually checked (thread-safe: list.append is atomic)."""
    checks: list[int] = []
    real = services.verify_password

    def counting(password_hash, password):
        checks.append(1)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    return checks


def assert_capped_page(response) -> None:
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts. Please wait a few minutes and try again." in html
    assert 'action="/account/sign-in-link"' in html  # the way in for the rightful owner
    assert int(response.headers["Retry-After"]) > 0


def assert_capped_api(response) -> None:
    assert response.status_code == 429
    assert [e["code"] for e in response.get_json()["errors"]] == ["rate_limited"]
    assert int(response.headers["Retry-After"]) > 0


def test_the_right_password_is_refused_while_capped_on_both_faces(
    client, app_ctx, clock, password_checks
):
    user = make_user()
    for n in range(LIMIT):  # from ten addresses, half through each face
        face = by_page if n % 2 else by_api
        assert face(client, user.email, WRONG, f"192.0.2.{n}").status_code == FAILED[face]
    assert len(password_checks) == LIMIT

    assert_capped_page(by_page(client, user.email, PASSWORD, "203.0.113.1"))
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.2"))
    assert len(password_checks) == LIMIT  # refused without looking at the password
    assert client.get("/account/settings").status_code == 302


def test_the_cap_lifts_15_minutes_after_the_failures_and_refusals_do_not_extend_it(
    client, app_ctx, clock
):
    user = make_user()
    for n in range(LIMIT):
        by_page(client, user.email, WRONG, f"192.0.2.{n}")
    clock.advance(minutes=5)
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.1"))
    with pytest.raises(SignInsCapped) as capped:
        services.authenticate(user.email, PASSWORD, address="203.0.113.1")
    # Ten minutes left. (The Retry-After header says at least this: Flask-Limiter raises it
    # to its own per-address window when that ends later.)
    assert 595 <= capped.value.retry_after <= 600
    clock.advance(minutes=9, seconds=59)
    assert_capped_page(by_page(client, user.email, PASSWORD, "203.0.113.1"))
    clock.advance(seconds=2)  # 15 minutes after the failures, the refusals do not count
    assert by_page(client, user.email, PASSWORD, "203.0.113.1").status_code == 302


def test_the_failures_slide_out_of_the_window_one_by_one(client, app_ctx, clock):
    user = make_user()
    for n in range(LIMIT):
        by_api(client, user.email, WRONG, f"192.0.2.{n}")
        clock.advance(minutes=1)
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.1"))
    clock.advance(minutes=5)  # the first failure is now 15 minutes old: one more try
    assert by_api(client, user.email, WRONG, "203.0.113.1").status_code == 401
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.1"))


def test_successful_sign_ins_do_not_count_as_failures(client, app_ctx):
    user = make_user()
    for n in range(LIMIT - 1):
        by_page(client, user.email, WRONG, f"192.0.2.{n}")
    for _ in range(5):
        assert by_api(client, user.email, PASSWORD, "203.0.113.1").status_code == 201
    assert by_api(client, user.email, WRONG, "203.0.113.1").status_code == 401  # the 10th
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.1"))


def test_an_unknown_address_is_capped_the_same_way(client, app_ctx):
    known = make_user()
    answers = {}
    for email in (known.email, "nobody@example.org"):
        statuses = [by_page(client, email, WRONG, f"192.0.2.{n}").status_code for n in range(11)]
        assert statuses == [422] * LIMIT + [429]
        page = by_page(client, email, PASSWORD, "203.0.113.1")
        assert_capped_page(page)
        answers[email] = page.get_data(as_text=True).replace(email, "EMAIL")
        assert_capped_api(by_api(client, email, PASSWORD, "203.0.113.2"))
    assert answers[known.email] == answers["nobody@example.org"]


def test_the_cap_follows_the_account_not_the_spelling_and_spares_others(client, app_ctx):
    user, other = make_user(), make_user()
    for n in range(LIMIT):
        by_page(client, f"  {user.email.upper()} ", WRONG, f"192.0.2.{n}")
    assert_capped_api(by_api(client, user.email, PASSWORD, "203.0.113.1"))
    assert by_api(client, other.email, PASSWORD, "203.0.113.1").status_code == 201


def test_attempts_are_recorded_for_the_admins_without_the_password(client, app_ctx):
    user = make_user()
    for n in range(LIMIT + 1):
        by_page(client, user.email, f"guess-number-{n}", f"192.0.2.{n}")
    by_api(client, "nobody@example.org", "guess-elsewhere", "198.51.100.1")
    rows = db.session.scalars(db.select(SignInAttempt).order_by(SignInAttempt.id)).all()
    assert [r.outcome for r in rows] == ["failed"] * LIMIT + ["refused", "failed"]
    assert {r.email_hash for r in rows[:-1]} == {email_hash(user.email)}
    assert [r.address for r in rows[:3]] == ["192.0.2.0", "192.0.2.1", "192.0.2.2"]
    stored = " ".join(str(value) for r in rows for value in vars(r).values())
    assert "guess" not in stored and user.email not in stored and "nobody" not in stored


# --- across processes and under concurrency (PostgreSQL) ---------------------------------


@pytest.fixture
def second_process(pg_app, postgres_database):
    """Another app on the same database, as a second gunicorn worker would be."""
    other = create_app(databases.test_config(postgres_database.url))
    yield other
    with other.app_context():
        db.engine.dispose()


def test_the_eleventh_failure_is_refused_across_two_processes_and_both_faces(
    pg_app, second_process, password_checks
):
    with pg_app.app_context():
        user = make_user()
        email = user.email
    clients = [pg_app.test_client(), second_process.test_client()]
    for n in range(LIMIT):
        client, face = clients[n % 2], (by_page, by_api)[(n // 2) % 2]
        assert face(client, email, WRONG, f"192.0.2.{n}").status_code == FAILED[face]

    for client in clients:
        assert_capped_page(by_page(client, email, PASSWORD, "203.0.113.1"))
        assert_capped_api(by_api(client, email, PASSWORD, "203.0.113.2"))
    assert len(password_checks) == LIMIT


def test_thirty_threads_guessing_at_once_get_at_most_ten_checks(pg_app, password_checks):
    with pg_app.app_context():
        email = make_user().email
    threads_count = 30
    start = threading.Barrier(threads_count)
    statuses: list[int] = []

    def guess(n: int) -> None:
        client = pg_app.test_client()
        face = by_page if n % 2 else by_api
        start.wait()
        statuses.append(face(client, email, WRONG, f"10.1.{n}.1").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == threads_count
    checked = len(password_checks)
    assert checked <= LIMIT, statuses
    assert sorted(statuses).count(429) == threads_count - checked
    # Guessing on, one at a time, the account gets exactly ten checks in all.
    client = pg_app.test_client()
    for n in range(LIMIT - checked):
        assert by_api(client, email, WRONG, f"10.2.{n}.1").status_code == 401
    assert_capped_api(by_api(client, email, PASSWORD, "10.3.0.1"))
    assert len(password_checks) == LIMIT
