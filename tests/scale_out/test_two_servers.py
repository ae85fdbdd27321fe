"""Scale-out proof: two app servers (gunicorn, two workers each) and two mail workers, all
separate processes, on one fresh PostgreSQL database with no Redis, behave as one app.

- seats: families registering at the same moment, alternately on either server, never
  oversell the event, and the waitlist is numbered in order without gaps;
- mail: the two workers send every confirmation and waitlist mail exactly once (counted by
  Message-ID at a real SMTP server) and leave nothing pending;
- sessions and API tokens: started on one server, honoured on the other; ended on the other,
  refused on the first;
- the per-account cap on failed sign-ins (10 per 15 minutes) holds across servers and across
  the pages and the API, one guess after the other and all at once;
- the second factor (an authenticator's code after the password, for every role but parent):
  the password on one server and the code on the other make one session, valid on both; a
  code is accepted once across both servers (replayed, or raced on the pages and the API),
  wrong codes are capped across both, and a sign-in waiting for its code opens nothing.

The per-address limits (Flask-Limiter, memory per process without REDIS_URL) are not shared;
docs/deployment.md ("Running several servers") says so. Each visitor here comes from its own
address, so that only what is shared through the database decides.
"""

import contextlib
import threading
import time
from dataclasses import dataclass
from itertools import cycle

import psycopg
import pyotp
import pytest

from camp_app import create_app
from camp_app.accounts.sign_in_attempts import email_hash
from camp_app.accounts.tokens import issue_token
from camp_app.extensions import db
from camp_app.roles import Role
from tests.conftest import skip_or_fail
from tests.factories import (
    OTP_SECRET,
    PASSWORD,
    make_child,
    make_contact,
    make_event,
    make_user,
)
from tests.scale_out.cluster import (
    ENCRYPTION_KEY,
    Visitor,
    asks_for_code,
    mails_sent_by,
    server_environment,
    start_app_server,
    start_mail_worker,
    wait_until,
)
from tests.support import databases
from tests.support.smtp import SmtpServer

pytestmark = [pytest.mark.postgres, pytest.mark.scale_out]

FAMILIES = 24
SEATS = 8
FAILURE_LIMIT = 10  # the contract's cap (accounts.sign_in_attempts.FAILURE_LIMIT)
MAIL_SECONDS = 45


@dataclass(frozen=True)
class Family:
    email: str
    name: str
    child_id: int
    token: str


@dataclass(frozen=True)
class People:
    event_slug: str
    families: list[Family]
    session_parent: str
    guessed: str  # the account guessed at one attempt at a time
    rushed: str  # the account guessed at all at once
    # Coordinators, whose authenticator shows codes of OTP_SECRET: one account per test, as an
    # account accepts one code per 30-second step.
    coordinator: str  # signs in across the servers, and has its code replayed
    raced: str  # one code sent to both servers and both faces at once
    code_guessed: str  # wrong codes, alternately on either server and face


@dataclass
class Cluster:
    servers: list[str]
    database_url: str  # for psycopg
    smtp: SmtpServer
    workers: list
    people: People

    def rows(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()


def make_people(database_url: str) -> People:
    """The event and the accounts, made through the app's own factories in this process."""
    app = create_app(databases.test_config(database_url, ENCRYPTION_KEYS=ENCRYPTION_KEY))
    with app.app_context():
        event = make_event(slug="scale-out-camp", name="Scale-out Camp", capacity=SEATS)
        families = []
        for n in range(FAMILIES):
            user = make_user(email=f"family{n}@scale-out.test", name=f"Parent Number{n}")
            child = make_child(user.household, first_name=f"Kid{n}")
            make_contact(user.household)
            token, _row = issue_token(user)
            families.append(Family(user.email, user.name, child.id, token))
        accounts = [
            make_user(email=f"{who}@scale-out.test", name="Morgan Avery").email
            for who in ("session", "guessed", "rushed")
        ]
        coordinators = [
            make_user(
                (Role.COORDINATOR,), email=f"{who}@scale-out.test", name="Robin Coordinator"
            ).email
            for who in ("coordinator", "raced", "code-guessed")
        ]
        people = People(event.slug, families, *accounts, *coordinators)
        db.session.remove()
        db.engine.dispose()
    return people


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = databases.postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason, "CAMP_REQUIRE_POSTGRES")
    folder = tmp_path_factory.mktemp("scale-out")
    database = databases.PostgresDatabase()  # fresh and migrated, for this module alone
    smtp = SmtpServer()
    with contextlib.ExitStack() as stack:
        stack.callback(database.drop)
        stack.callback(smtp.stop)
        smtp.start()
        smtp.slow_down(0.05)  # each mail takes a moment, so both workers have some in hand
        people = make_people(database.url)
        env = server_environment(database.url, smtp)
        servers = [start_app_server(stack, env, name, folder) for name in ("server-a", "server-b")]
        workers = [start_mail_worker(stack, env, name, folder) for name in ("worker-1", "worker-2")]
        plain_url = database.url.replace("postgresql+psycopg://", "postgresql://")
        yield Cluster(servers, plain_url, smtp, workers, people)


def in_threads(jobs: list, work) -> list:
    """Run work(job) for every job, each on its own thread, all released at once; returns the
    results in the jobs' order (an exception in a thread fails the test with it)."""
    results: list = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index, job):
        start.wait(timeout=30)
        try:
            results[index] = work(job)
        except Exception as error:  # handed to the test below
            results[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never ended"
    failures = [r for r in results if isinstance(r, Exception)]
    assert not failures, failures
    return results


# --- seats -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rush(cluster):
    """Every family registers at the same moment, family n on server n % 2, through the API.
    Returns [(family, server, answer)]."""
    a, b = cluster.servers
    jobs = [(n, family, (a, b)[n % 2]) for n, family in enumerate(cluster.people.families)]

    def register(job):
        n, family, server = job
        body = {
            "event": cluster.people.event_slug,
            "child_id": family.child_id,
            "consents": {
                "medical_treatment": True,
                "liability_waiver": True,
                "photo_release": True,
            },
            "signature": family.name,
        }
        answer = Visitor(f"203.0.113.{n + 1}").api(
            server, "POST", "/registrations", family.token, body
        )
        return family, server, answer

    return in_threads(jobs, register)


def test_no_seat_is_oversold_and_the_waitlist_has_no_gaps_whichever_server_answers(cluster, rush):
    a, b = cluster.servers
    assert [answer.status for _f, _s, answer in rush] == [201] * FAMILIES, [
        answer.text for _f, _s, answer in rush if answer.status != 201
    ]
    assert sum(server == a for _f, server, _a in rush) == sum(
        server == b for _f, server, _a in rush
    )
    answers = [answer.json() for _f, _s, answer in rush]
    confirmed = [r for r in answers if r["status"] == "confirmed"]
    waitlisted = [r for r in answers if r["status"] == "waitlisted"]
    assert len(confirmed) == SEATS
    assert len(waitlisted) == FAMILIES - SEATS
    assert sorted(r["waitlist_position"] for r in waitlisted) == list(range(1, len(waitlisted) + 1))

    rows = cluster.rows(
        "SELECT r.id, r.status, r.sequence FROM registrations r JOIN events e "
        "ON e.id = r.event_id WHERE e.slug = %s ORDER BY r.sequence",
        cluster.people.event_slug,
    )
    # Numbered 1..N in the order the event's lock was taken: the seats went to the first
    # SEATS, the waitlist is the rest in that order, and no number was lost or given twice.
    assert [sequence for _id, _status, sequence in rows] == list(range(1, FAMILIES + 1))
    assert [status for _id, status, _seq in rows] == ["confirmed"] * SEATS + ["waitlisted"] * (
        FAMILIES - SEATS
    )
    [(counter,)] = cluster.rows(
        "SELECT registration_counter FROM events WHERE slug = %s", cluster.people.event_slug
    )
    assert counter == FAMILIES
    sequence_of = {id_: sequence for id_, _status, sequence in rows}
    for registration in waitlisted:
        assert registration["waitlist_position"] == sequence_of[registration["id"]] - SEATS


def test_the_other_server_reports_the_same_waitlist_position(cluster, rush):
    a, b = cluster.servers
    for family, server, answer in rush:
        registered = answer.json()
        other = b if server == a else a
        status, _h, _text = mine = Visitor().api(other, "GET", "/registrations", family.token)
        assert status == 200
        [seen] = [r for r in mine.json() if r["id"] == registered["id"]]
        assert (seen["status"], seen["waitlist_position"]) == (
            registered["status"],
            registered["waitlist_position"],
        )


# --- mail --------------------------------------------------------------------------------


def outbox(cluster) -> list[tuple]:
    return cluster.rows("SELECT message_id, status, to_address, category FROM outbox_mails")


def drained(cluster) -> bool:
    rows = outbox(cluster)
    return (
        bool(rows)
        and all(status == "sent" for _m, status, _t, _c in rows)
        and len(cluster.smtp.message_ids()) >= len(rows)
    )


def test_two_workers_send_every_registration_mail_exactly_once(cluster, rush):
    wait_until(
        "waiting for the workers to drain the outbox",
        lambda: drained(cluster),
        seconds=MAIL_SECONDS,
    )
    time.sleep(1.0)  # five more polls of each worker: a duplicate would arrive now
    rows = outbox(cluster)
    received = [message_id.strip("<>") for message_id in cluster.smtp.message_ids()]

    assert [status for _m, status, _t, _c in rows] == ["sent"] * len(rows)  # none pending
    assert len(received) == len(set(received)), "a Message-ID arrived twice"
    assert sorted(received) == sorted(message_id.strip("<>") for message_id, *_ in rows)
    # One mail per family, the one its registration called for.
    status_of = {family.email: answer.json()["status"] for family, _s, answer in rush}
    category_of = {to: category for _m, _s, to, category in rows}
    assert len(rows) == FAMILIES
    position_of = {family.email: answer.json()["waitlist_position"] for family, _s, answer in rush}
    for family in cluster.people.families:
        [mail] = cluster.smtp.messages_to(family.email)
        assert category_of[family.email] == f"registration_{status_of[family.email]}"
        if position_of[family.email]:  # the mail names the place the family was given
            text = mail.get_body(("plain",)).get_content()
            assert f"Position on the waitlist: {position_of[family.email]}." in text
    # Both workers took part: the mails were shared, not sent by one while the other idled.
    sent_by = [mails_sent_by(worker) for worker in cluster.workers]
    assert sum(sent_by) == FAMILIES and min(sent_by) > 0, sent_by


# --- sessions and tokens -----------------------------------------------------------------


def test_a_session_started_on_one_server_works_on_the_other_and_ends_on_both(cluster):
    a, b = cluster.servers
    browser = Visitor("198.51.100.20")
    signed_in = browser.sign_in(a, cluster.people.session_parent, PASSWORD)
    assert signed_in.status == 302 and signed_in.headers["Location"].endswith("/family")
    for server in (b, a, b, a):  # several requests: either gunicorn worker of either server
        status, _h, page = browser.send(server, "GET", "/family")
        assert status == 200 and "Morgan Avery" in page
    # Someone who copied the cookie (from the same address: Flask-Login's "strong" session
    # protection refuses a copy used elsewhere anyway) gets in, until the sign-out.
    copied = browser.copy(browser.address)
    assert [copied.send(server, "GET", "/family").status for server in (a, b)] == [200, 200]

    signed_out = browser.post_form(b, "/account/logout", {}, token_from="/family")
    assert signed_out.status == 302

    for visitor in (copied, browser):
        for server in (a, b):
            status, headers, _page = visitor.send(server, "GET", "/family")
            assert status == 302 and "/account/login" in headers["Location"]


def test_an_api_token_issued_by_one_server_is_revoked_by_the_other(cluster):
    a, b = cluster.servers
    client = Visitor("198.51.100.21")
    issued = client.api(
        a,
        "POST",
        "/tokens",
        json_body={"email": cluster.people.session_parent, "password": PASSWORD},
    )
    assert issued.status == 201
    token = issued.json()["token"]
    assert client.api(b, "GET", "/me", token).status == 200
    assert client.api(b, "DELETE", "/tokens/current", token).status == 204
    assert [client.api(server, "GET", "/me", token).status for server in (a, b)] == [401, 401]


# --- the cap on failed sign-ins ----------------------------------------------------------


def guess(server: str, face: str, email: str, password: str, address: str) -> int:
    """One sign-in attempt from its own address, on the pages or through the API."""
    visitor = Visitor(address)
    if face == "page":
        return visitor.sign_in(server, email, password).status
    credentials = {"email": email, "password": password}
    return visitor.api(server, "POST", "/tokens", json_body=credentials).status


WRONG = {"page": 422, "api": 401}  # a wrong password, on each face


def test_failed_sign_ins_are_capped_per_account_across_servers_and_faces(cluster):
    a, b = cluster.servers
    email = cluster.people.guessed
    ways = cycle([(a, "page"), (b, "api"), (a, "api"), (b, "page")])
    attempts = [next(ways) for _ in range(24)]
    statuses = [
        guess(server, face, email, f"wrong-guess-{n}", f"203.0.113.{100 + n}")
        for n, (server, face) in enumerate(attempts)
    ]

    assert statuses[:FAILURE_LIMIT] == [WRONG[face] for _s, face in attempts[:FAILURE_LIMIT]]
    assert statuses[FAILURE_LIMIT:] == [429] * (len(attempts) - FAILURE_LIMIT)
    assert {way for way in attempts[FAILURE_LIMIT:]} == {
        (a, "page"),
        (b, "api"),
        (a, "api"),
        (b, "page"),
    }
    # The right password is not even checked now, on either server or face.
    right = [guess(s, f, email, PASSWORD, "203.0.113.200") for s in (a, b) for f in WRONG]
    assert right == [429] * 4


def test_guesses_all_at_once_on_both_servers_get_at_most_ten_answers(cluster):
    a, b = cluster.servers
    email = cluster.people.rushed
    ways = cycle([(a, "page"), (b, "api"), (a, "api"), (b, "page")])
    jobs = [(n, *next(ways)) for n in range(24)]

    def attempt(job):
        n, server, face = job
        return guess(server, face, email, f"wrong-guess-{n}", f"198.18.0.{n + 1}")

    statuses = in_threads(jobs, attempt)
    answered = [status for status in statuses if status != 429]
    assert len(answered) <= FAILURE_LIMIT, statuses
    assert set(answered) <= {401, 422}, statuses
    [(counted,)] = cluster.rows(
        "SELECT count(*) FROM sign_in_attempts WHERE outcome = 'failed' AND email_hash = %s",
        email_hash(email),
    )
    assert counted == len(answered)


# --- the second factor -------------------------------------------------------------------

MANAGER_HOME = "/manage/events"  # where a coordinator lands (accounts.routes._home_for)
WRONG_CODE = {"page": 422, "api": 401}


def current_code() -> str:
    """What the coordinators' authenticator app shows now (the servers keep real time)."""
    return pyotp.TOTP(OTP_SECRET).now()


def wrong_code() -> str:
    """A code that no step near now has (the servers accept the step before and after)."""
    totp = pyotp.TOTP(OTP_SECRET)
    near = {totp.at(time.time() + 30 * k) for k in range(-3, 4)}
    return next(c for c in (f"{n:06d}" for n in range(1000, 10**6, 7919)) if c not in near)


def signed_in_on(visitor: Visitor, server: str) -> bool:
    """Whether `visitor` holds a coordinator's session that `server` honours."""
    status, _h, page = visitor.send(server, "GET", "/account/settings")
    if status != 200:
        return False
    assert "Robin Coordinator" in page  # whose session it is
    return visitor.send(server, "GET", MANAGER_HOME).status == 200


def assert_nothing_opens(visitor: Visitor, servers) -> None:
    """A sign-in waiting for its code is not a session, on any server: the pages send it to
    the login page, the API does not know it, and enrolling again is not a way round."""
    for server in servers:
        for path in (MANAGER_HOME, "/account/settings"):
            status, headers, _page = visitor.send(server, "GET", path)
            assert status == 302 and "/account/login" in headers["Location"], (server, path)
        assert visitor.send(server, "GET", "/api/v1/me").status == 401
        status, headers, _page = visitor.send(server, "GET", "/account/second-factor/enrol")
        assert status == 302 and headers["Location"].endswith("/account/second-factor")
        assert visitor.send(server, "GET", "/account/second-factor").status == 200


def test_the_password_on_one_server_and_the_code_on_the_other_make_one_session(cluster):
    a, b = cluster.servers
    email = cluster.people.coordinator
    browser = Visitor("198.51.100.30")

    pending = browser.sign_in(a, email, PASSWORD)  # the password alone
    assert asks_for_code(pending), pending
    assert_nothing_opens(browser, (a, b))

    code = current_code()
    signed_in = browser.enter_code(b, code)  # the code, on the other server
    assert signed_in.status == 302 and signed_in.headers["Location"].endswith(MANAGER_HOME)
    assert [signed_in_on(browser, server) for server in (a, b, a, b)] == [True] * 4

    # The same code again, from someone else who has the password: refused on either
    # server, on the pages and through the API.
    thief = Visitor("198.51.100.31")
    for password_on, code_on in ((b, a), (a, b)):
        replayed = thief.sign_in(password_on, email, PASSWORD, code=code, code_on=code_on)
        assert replayed.status == 422 and "was used already" in replayed.text
        assert not any(signed_in_on(thief, server) for server in (a, b))
    for server in (a, b):
        answer = thief.api(
            server, "POST", "/tokens", json_body={"email": email, "password": PASSWORD, "otp": code}
        )
        assert answer.status == 401 and answer.json()["errors"][0]["code"] == "invalid_otp"
    # The session the code opened is untouched.
    assert [signed_in_on(browser, server) for server in (a, b)] == [True, True]


def test_one_code_sent_to_both_servers_at_once_is_accepted_once(cluster):
    a, b = cluster.servers
    email = cluster.people.raced
    ways = [(a, "page"), (b, "page"), (a, "api"), (b, "api"), (b, "page"), (a, "page")]
    visitors = [Visitor(f"198.51.100.{40 + n}") for n in range(len(ways))]
    for n, (server, face) in enumerate(ways):  # each page visitor at its code page
        if face == "page":
            other = b if server == a else a
            assert asks_for_code(visitors[n].sign_in(other, email, PASSWORD))
    code = current_code()

    def send(job):
        n, server, face = job
        if face == "page":
            return visitors[n].enter_code(server, code).status
        body = {"email": email, "password": PASSWORD, "otp": code}
        return visitors[n].api(server, "POST", "/tokens", json_body=body).status

    statuses = in_threads([(n, *way) for n, way in enumerate(ways)], send)
    accepted = [s for s in statuses if s in (201, 302)]
    assert len(accepted) == 1, statuses
    for (_server, face), status in zip(ways, statuses, strict=True):
        assert status in (201, 302, WRONG_CODE[face]), statuses
    sessions = [
        signed_in_on(visitor, server)
        for visitor, (_s, face) in zip(visitors, ways, strict=True)
        if face == "page"
        for server in (a, b)
    ]
    assert sum(sessions) == (2 if 302 in statuses else 0), statuses


def test_wrong_codes_are_capped_per_account_across_servers_and_faces(cluster):
    a, b = cluster.servers
    email = cluster.people.code_guessed
    other = {a: b, b: a}
    ways = cycle([(a, "page"), (b, "api"), (a, "api"), (b, "page")])
    attempts = [next(ways) for _ in range(16)]
    statuses = []
    for n, (server, face) in enumerate(attempts):
        visitor = Visitor(f"203.0.113.{150 + n}")
        if face == "page":
            pending = visitor.sign_in(other[server], email, PASSWORD)
            assert asks_for_code(pending), pending  # the password still passes
            statuses.append(visitor.enter_code(server, wrong_code()).status)
            assert_nothing_opens(visitor, (a, b))
        else:
            body = {"email": email, "password": PASSWORD, "otp": wrong_code()}
            statuses.append(visitor.api(server, "POST", "/tokens", json_body=body).status)

    assert statuses[:FAILURE_LIMIT] == [WRONG_CODE[f] for _s, f in attempts[:FAILURE_LIMIT]]
    assert statuses[FAILURE_LIMIT:] == [429] * (len(attempts) - FAILURE_LIMIT)
    assert set(attempts[FAILURE_LIMIT:]) == {(a, "page"), (b, "api"), (a, "api"), (b, "page")}
    # The right code is not even checked now, on either server or face.
    right = []
    for n, server in enumerate((a, b)):
        visitor = Visitor(f"203.0.113.{220 + n}")
        right.append(
            visitor.sign_in(
                other[server], email, PASSWORD, code=current_code(), code_on=server
            ).status
        )
        assert not any(signed_in_on(visitor, s) for s in (a, b))
        body = {"email": email, "password": PASSWORD, "otp": current_code()}
        right.append(visitor.api(server, "POST", "/tokens", json_body=body).status)
    assert right == [429] * 4
