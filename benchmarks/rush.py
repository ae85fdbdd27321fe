"""`make bench-rush`: the registration rush measured against the hardware's limit.

Starts, on a fresh PostgreSQL database (BENCH_POSTGRES_URL, default 127.0.0.1:5432/test's
server), the app under `gunicorn -w 4` and a bare Flask app (benchmarks/bare_app.py: one INSERT
or one SELECT per request) under the same gunicorn, warms both up, and drives them with the same
client: 32 clients registering 300 families for 150 seats (API, then the registration page),
reads of an event and the catalog (API and pages, anonymous), and 200 clients at once for 100
seats. Prints throughput, p50/p95, errors and the ratios against the bare app; checks that no
event was oversold. Everything goes to 127.0.0.1; every loop is bounded.
"""

import contextlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import insert, update

from benchmarks import data
from benchmarks.bare_app import SCHEMA
from benchmarks.support import bench_app
from camp_app.accounts.models import ApiToken, User
from camp_app.accounts.passwords import hash_password
from camp_app.accounts.tokens import hash_token
from camp_app.extensions import db
from camp_app.timeutil import utcnow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
WORKERS = os.environ.get("BENCH_RUSH_WORKERS", "4")
READ_SECONDS = float(os.environ.get("BENCH_RUSH_READ_SECONDS", "5"))
REQUEST_TIMEOUT = 30.0
PASSWORD = "rush-Passphrase-5521-heron"


# --- measuring ---------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # no answer at all (refused, reset, timed out)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, status: int | None, latency: float) -> None:
        with self.lock:
            if status is None:
                self.errors += 1
                return
            self.latencies.append(latency)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def line(self) -> str:
        p50 = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"  {self.label:<44} {self.rate:8.1f}/s  p50 {p50:7.1f} ms  "
            f"p95 {self.percentile(0.95):7.1f} ms  n={self.count} "
            f"statuses={dict(sorted(self.statuses.items()))} no-answer={self.errors}"
        )


def send(port, method, path, body=None, headers=None) -> tuple[int | None, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (OSError, http.client.HTTPException):
        return None, {}, b""
    finally:
        connection.close()


def timed_send(run: Run, port, method, path, body=None, headers=None):
    started = time.perf_counter()
    status, head, data = send(port, method, path, body, headers)
    run.note(status, time.perf_counter() - started)
    return status, head, data


def in_threads(clients: int, jobs: list, work) -> float:
    """Run work(job) for every job on `clients` threads; returns the wall time."""
    queue = list(reversed(jobs))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            work(job)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def for_seconds(clients: int, seconds: float, work) -> float:
    """Call work() from `clients` threads until `seconds` have passed."""
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            work()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


# --- the servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def fresh_database():
    name = f"rush_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, log_path: Path):
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", WORKERS, "-b", f"127.0.0.1:{port}", app_spec]
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while send(port, "GET", "/healthz-or-anything")[0] is None:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{app_spec} did not start; see {log_path}")
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(15)


# --- the data ----------------------------------------------------------------------------


@dataclass
class Prepared:
    slug: str
    families: list[dict]  # {child_id, token, email, name}


def prepare(url: str) -> dict[str, Prepared]:
    """Migrate, then build each scenario's event and families in bulk, with API tokens."""
    os.environ["BENCH_DATABASE_URL"] = url.replace("postgresql://", "postgresql+psycopg://")
    app = bench_app({"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    scenarios = {"warmup": (40, 20), "api": (300, 150), "page": (300, 150), "crowd": (400, 100)}
    prepared = {}
    with app.app_context():
        password_hash = hash_password(PASSWORD)  # cheap parameters: sign-in is not measured
        for name, (families, seats) in scenarios.items():
            data.events(1, capacity=seats, prefix=f"rush-{name}")
            made = data.families(families, prefix=f"{name}-")
            tokens = [f"rush-{name}-{uuid.uuid4().hex}" for _ in made]
            expires = utcnow().replace(year=utcnow().year + 1)
            db.session.execute(
                insert(ApiToken),
                [
                    {"user_id": f.user_id, "token_hash": hash_token(t), "expires_at": expires}
                    for f, t in zip(made, tokens, strict=True)
                ],
            )
            db.session.execute(
                update(User)
                .where(User.id.in_([f.user_id for f in made]))
                .values(password_hash=password_hash)
            )
            db.session.commit()
            prepared[name] = Prepared(
                slug=f"rush-{name}-0",
                families=[
                    {
                        "child_id": f.child_id,
                        "token": t,
                        "email": f"{name}-{n}@example.org",
                        "name": f"Parent {n}",
                    }
                    for n, (f, t) in enumerate(zip(made, tokens, strict=True))
                ],
            )
        db.engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SCHEMA)
        conn.execute(
            "INSERT INTO bare_rows (family, payload) "
            "SELECT n, 'seed' FROM generate_series(1, 500) n"
        )
    return prepared


# --- the scenarios -----------------------------------------------------------------------


def api_registration(run: Run, port: int, slug: str):
    def register(family: dict):
        body = {
            "event": slug,
            "child_id": family["child_id"],
            "consents": {
                "medical_treatment": True,
                "liability_waiver": True,
                "photo_release": True,
            },
            "signature": family["name"],
        }
        headers = {"Authorization": f"Bearer {family['token']}", "Content-Type": "application/json"}
        timed_send(run, port, "POST", "/api/v1/registrations", json.dumps(body), headers)

    return register


def signed_in_page_session(port: int, family: dict, slug: str) -> dict | None:
    """Sign in through the pages and read the register form's CSRF token (not measured)."""
    status, headers, page = send(port, "GET", "/account/login")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not token:
        return None
    form = {"csrf_token": token.group(1).decode(), "email": family["email"], "password": PASSWORD}
    status, headers, _ = send(
        port,
        "POST",
        "/account/login",
        urllib.parse.urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0] or cookie
    status, headers, page = send(
        port, "GET", f"/events/{slug}/register", headers={"Cookie": cookie}
    )
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if status != 200 or not token:
        return None
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0] or cookie
    return {**family, "cookie": cookie, "csrf": token.group(1).decode()}


def page_registration(run: Run, port: int, slug: str):
    def register(session: dict):
        form = {
            "csrf_token": session["csrf"],
            "children": str(session["child_id"]),
            "consent-medical_treatment": "yes",
            "consent-liability_waiver": "yes",
            "consent-photo_release": "yes",
            "signature": session["name"],
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": session["cookie"],
        }
        status, _h, _b = timed_send(
            run, port, "POST", f"/events/{slug}/register", urllib.parse.urlencode(form), headers
        )
        if status not in (302, 303):
            with run.lock:
                run.statuses[-status] = run.statuses.get(-status, 0) + 1  # a refusal, not a seat

    return register


def seat_check(url: str, slug: str) -> tuple[int, int]:
    """(seats held, capacity) of the event: held must never exceed capacity."""
    with psycopg.connect(url) as conn:
        capacity, held = conn.execute(
            "SELECT e.capacity, count(r.id) FROM events e LEFT JOIN registrations r "
            "ON r.event_id = e.id AND r.status IN ('pending_review', 'confirmed') "
            "WHERE e.slug = %s GROUP BY e.capacity",
            (slug,),
        ).fetchone()
    return held, capacity


def read_run(label: str, port: int, path: str, clients: int = 32) -> Run:
    run = Run(label)
    run.seconds = for_seconds(clients, READ_SECONDS, lambda: timed_send(run, port, "GET", path))
    return run


def bare_insert_run(port: int, clients: int = 32, count: int = 3000) -> Run:
    run = Run("bare app: one INSERT")
    headers = {"Content-Type": "application/json"}

    def insert(n):
        body = json.dumps({"family": n, "child_id": n, "signature": "Parent", "consents": {}})
        timed_send(run, port, "POST", "/insert", body, headers)

    run.seconds = in_threads(clients, list(range(count)), insert)
    return run


def main() -> int:
    runs: dict[str, Run] = {}
    with fresh_database() as url:
        print(f"preparing {url.rsplit('/', 1)[1]} ...", flush=True)
        prepared = prepare(url)
        logs = Path(tempfile.mkdtemp(prefix="bench-rush-"))
        env = {k: v for k, v in os.environ.items() if k not in ("DEV_MAILBOX", "MAIL_SERVER")}
        env.update(
            DATABASE_URL=url,
            BARE_DATABASE_URL=url,
            SECRET_KEY="bench-rush-" + uuid.uuid4().hex,
            BASE_URL="http://127.0.0.1",
        )
        with gunicorn("benchmarks.bare_app:app", env, logs / "bare.log") as bare:
            read_run("warm-up", bare, "/select/1", clients=8)
            bare_insert_run(bare, count=500)
            runs["bare_insert"] = bare_insert_run(bare)
            runs["bare_select"] = read_run("bare app: one SELECT", bare, "/select/7")
        with gunicorn("camp_app:create_app()", env, logs / "app.log") as app:
            warm = prepared["warmup"]
            in_threads(8, warm.families, api_registration(Run("warm-up"), app, warm.slug))
            for path in (
                "/api/v1/events",
                f"/api/v1/events/{warm.slug}",
                "/",
                f"/events/{warm.slug}",
            ):
                read_run("warm-up", app, path, clients=8)
            api = prepared["api"]
            run = runs["api_register"] = Run("register, API (32 clients, 300 for 150 seats)")
            run.seconds = in_threads(32, api.families, api_registration(run, app, api.slug))
            page = prepared["page"]
            sessions = [signed_in_page_session(app, f, page.slug) for f in page.families]
            ready = [s for s in sessions if s]
            run = runs["page_register"] = Run("register, page (32 clients, 300 for 150 seats)")
            run.seconds = in_threads(32, ready, page_registration(run, app, page.slug))
            slug = api.slug
            runs["api_event"] = read_run("read event, API", app, f"/api/v1/events/{slug}")
            runs["api_catalog"] = read_run("read catalog, API", app, "/api/v1/events")
            runs["page_event"] = read_run("read event, page", app, f"/events/{slug}")
            runs["page_catalog"] = read_run("read catalog, page", app, "/")
            crowd = prepared["crowd"]
            run = runs["crowd"] = Run("register, API (200 clients, 400 for 100 seats)")
            run.seconds = in_threads(200, crowd.families, api_registration(run, app, crowd.slug))
        oversold = {name: seat_check(url, prepared[name].slug) for name in ("api", "page", "crowd")}
    report(runs, oversold, len(ready), len(prepared["page"].families))
    failed = any(held > capacity for held, capacity in oversold.values())
    return 1 if failed else 0


def report(runs: dict[str, Run], oversold: dict, page_ready: int, page_families: int) -> None:
    print(f"\nbench-rush: gunicorn -w {WORKERS} sync workers, PostgreSQL, one machine")
    for run in runs.values():
        print(run.line())
    insert, select = runs["bare_insert"].rate, runs["bare_select"].rate
    print("\nratios (the issue's goals in brackets):")
    for key, goal in (("api_register", 0.5), ("page_register", 0.5)):
        print(f"  {runs[key].label:<48} {runs[key].rate / insert:5.2f} x bare INSERT  [>= {goal}]")
    for key in ("api_event", "api_catalog", "page_event", "page_catalog"):
        print(f"  {runs[key].label:<48} {runs[key].rate / select:5.2f} x bare SELECT  [>= 0.7]")
    crowd = runs["crowd"]
    print(
        f"  200 clients: p95 {crowd.percentile(0.95):.0f} ms [< 1000], "
        f"{crowd.server_errors} server errors, {crowd.errors} without an answer [0]"
    )
    for name, (held, capacity) in oversold.items():
        verdict = "OVERSOLD" if held > capacity else "ok"
        print(f"  seats {name}: {held} held of {capacity} ({verdict})")
    if page_ready < page_families:
        print(f"  note: only {page_ready} of {page_families} page sessions could sign in")


if __name__ == "__main__":
    sys.exit(main())
