"""In-process evidence for the rush (`python -m benchmarks.profile_rush`): statements per
registration inside and outside the event lock, and ms per request for registering and for the
anonymous reads, on a fresh PostgreSQL database (BENCH_POSTGRES_URL). No HTTP server: the
numbers do not depend on how busy the machine's other processes keep gunicorn.
"""

import os
import time
import uuid

import psycopg
from sqlalchemy import event, insert

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}


def _split_at_lock(statements: list[str]) -> tuple[int, int]:
    """(before the lock or after its commit, inside the lock): the lock is the UPDATE of
    events.registration_counter; it ends at the next COMMIT."""
    inside, outside, locked = 0, 0, False
    for statement in statements:
        if "registration_counter" in statement and statement.lstrip().startswith("UPDATE"):
            locked = True
        if locked:
            inside += 1
        else:
            outside += 1
        if statement == "COMMIT":
            locked = False
    return outside, inside


def main() -> None:
    name = f"prof_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
    os.environ["BENCH_DATABASE_URL"] = f"{server}/{name}"
    try:
        _measure()
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _measure() -> None:
    from benchmarks import data
    from benchmarks.support import bench_app
    from camp_app.accounts.models import ApiToken
    from camp_app.accounts.tokens import hash_token
    from camp_app.extensions import db
    from camp_app.timeutil import utcnow

    app = bench_app({"RATELIMIT_ENABLED": True})
    with app.app_context():
        data.events(1, capacity=150, prefix="p")
        families = data.families(400, prefix="p-")
        tokens = [f"token-{i}" for i in range(len(families))]
        expires = utcnow().replace(year=utcnow().year + 3)
        rows = [
            {"user_id": f.user_id, "token_hash": hash_token(t), "expires_at": expires}
            for f, t in zip(families, tokens, strict=True)
        ]
        db.session.execute(insert(ApiToken), rows)
        db.session.commit()
    client = app.test_client()

    def register(i: int) -> None:
        body = {"event": "p-0", "child_id": families[i].child_id, "consents": CONSENTS}
        body["signature"] = f"Parent {i}"  # the family's guardian (benchmarks.data)
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        response = client.post("/api/v1/registrations", json=body, headers=headers)
        assert response.status_code == 201, response.data

    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def note_commit(conn):
        statements.append("COMMIT")

    for i in range(20):
        register(i)
    with app.app_context():
        engine = db.engine
    for label, index in (("seat", 20), ("waitlist", 200)):
        if label == "waitlist":
            for i in range(21, 200):
                register(i)
        statements.clear()
        event.listen(engine, "before_cursor_execute", note)
        event.listen(engine, "commit", note_commit)
        register(index)
        event.remove(engine, "before_cursor_execute", note)
        event.remove(engine, "commit", note_commit)
        outside, inside = _split_at_lock(statements)
        print(f"register ({label}): {outside} statements outside the lock, {inside} inside")
        for statement in statements:
            print("    ", " ".join(statement.split())[:100])
    started = time.perf_counter()
    held = _lock_hold(engine)
    for i in range(201, 400):
        register(i)
    print(f"register, ms per request: {(time.perf_counter() - started) / 199 * 1000:.1f}")
    held.stop()
    print(f"register, ms holding the event's lock (median): {held.median_ms():.2f}")
    for path in ("/api/v1/events/p-0", "/api/v1/events", "/events/p-0", "/"):
        client.get(path)
        statements.clear()
        event.listen(engine, "before_cursor_execute", note)
        client.get(path)
        event.remove(engine, "before_cursor_execute", note)
        started = time.perf_counter()
        for _ in range(200):
            assert client.get(path).status_code == 200
        spent = (time.perf_counter() - started) / 200 * 1000
        print(f"GET {path}: {len(statements)} statements, {spent:.2f} ms per request")
    _page_registrations(app, engine)
    if os.environ.get("PROFILE_READS"):
        _profile(client, os.environ["PROFILE_READS"])
    with app.app_context():
        db.engine.dispose()


PAGE_PASSWORD = "rush-Passphrase-5521-heron"


def _page_registrations(app, engine) -> None:
    """Statements and ms of registering through the form (signed in, CSRF off), 60 families
    for 150 seats of their own event."""
    from sqlalchemy import update

    from benchmarks import data
    from camp_app.accounts.models import User
    from camp_app.accounts.passwords import hash_password
    from camp_app.extensions import db

    with app.app_context():
        data.events(1, capacity=150, prefix="q")
        families = data.families(60, prefix="q-")
        ids = [f.user_id for f in families]
        db.session.execute(
            update(User).where(User.id.in_(ids)).values(password_hash=hash_password(PAGE_PASSWORD))
        )
        db.session.commit()
    signed_in = []
    for n, family in enumerate(families):
        client = app.test_client()
        form = {"email": f"q-{n}@example.org", "password": PAGE_PASSWORD}
        assert client.post("/account/login", data=form).status_code == 302
        signed_in.append((client, family, n))

    def register(client, family, n) -> None:
        form = {
            "children": str(family.child_id),
            "consent-medical_treatment": "yes",
            "consent-liability_waiver": "yes",
            "consent-photo_release": "yes",
            "signature": f"Parent {n}",
        }
        response = client.post("/events/q-0/register", data=form)
        assert response.status_code in (302, 303), response.status_code

    for entry in signed_in[:10]:
        register(*entry)
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    register(*signed_in[10])
    event.remove(engine, "before_cursor_execute", note)
    started = time.perf_counter()
    for entry in signed_in[11:]:
        register(*entry)
    spent = (time.perf_counter() - started) / len(signed_in[11:]) * 1000
    print(f"register through the page: {len(statements)} statements, {spent:.1f} ms per request")


class _LockClock:
    """How long each registration holds the event's lock: from its UPDATE to the COMMIT."""

    def __init__(self, engine):
        self.engine, self.taken, self.spans = engine, None, []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("UPDATE") and "registration_counter" in statement:
            self.taken = time.perf_counter()

    def _commit(self, conn):
        if self.taken is not None:
            self.spans.append(time.perf_counter() - self.taken)
            self.taken = None

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)

    def median_ms(self) -> float:
        return sorted(self.spans)[len(self.spans) // 2] * 1000 if self.spans else float("nan")


def _lock_hold(engine) -> _LockClock:
    return _LockClock(engine)


def _profile(client, path: str) -> None:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(300):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
