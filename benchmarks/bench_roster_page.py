"""The coordinator's roster page (first page, a search, a sort), event dashboard and downloads
(roster CSV and XLSX, medical summary PDF) at 5,000 and 10,000 registrations, through the test
client as a signed-in coordinator: whole requests (queries, template or file, and the audit
entry of the read), with the SQL statements each one runs."""

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, text, update

from benchmarks import data
from benchmarks.support import QueryCounter, bench_app, timed
from camp_app.accounts.services import create_account
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.roles import Role
from camp_app.roster.models import CampGroup

SIZES = (5000, 10000)
CAPACITY_SHARE = 0.6  # the rest waits
GROUPS = 12
PASSWORD = "tundra violet quarry 41 lantern"
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a coordinator signs in with a second factor
STATUS_MIX = (  # every 10th of the seat holders is still pending, one in 25 cancelled
    (10, RegistrationStatus.PENDING_REVIEW),
    (25, RegistrationStatus.CANCELLED),
)


def _groups(event_id: int) -> list[int]:
    rows = [{"event_id": event_id, "name": f"Cabin {n}", "capacity": 40} for n in range(GROUPS)]
    ids = list(db.session.scalars(insert(CampGroup).returning(CampGroup.id), rows))
    db.session.commit()
    return ids


def _spread(event_id: int) -> None:
    """Received over 60 days, a mix of statuses, two thirds of the seat holders in a cabin:
    so that the dashboard's charts and the filters have something to chew on."""
    groups = _groups(event_id)
    start = datetime.now(UTC) - timedelta(days=60)
    query = select(Registration.id, Registration.sequence, Registration.status)
    changes = []
    for reg_id, sequence, status in db.session.execute(
        query.where(Registration.event_id == event_id)
    ):
        change = {"id": reg_id, "created_at": start + timedelta(minutes=sequence * 7)}
        if status == RegistrationStatus.CONFIRMED:
            for every, other in STATUS_MIX:
                if sequence % every == 0:
                    change["status"] = other
            if sequence % 3:
                change["group_id"] = groups[sequence % GROUPS]
        changes.append(change)
    # Rows of the same shape in one executemany each (ORM bulk UPDATE by primary key).
    by_shape: dict[tuple, list[dict]] = {}
    for change in changes:
        by_shape.setdefault(tuple(sorted(change)), []).append(change)
    for rows in by_shape.values():
        db.session.execute(update(Registration), rows)
    db.session.commit()


def _coordinator_client(app):
    create_account(
        email="bench-coordinator@example.org",
        password=PASSWORD,
        name="Bench Coordinator",
        roles=(Role.COORDINATOR,),
        verified=True,
        otp_secret=OTP_SECRET,
    )
    client = app.test_client()
    response = client.post(
        "/account/login", data={"email": "bench-coordinator@example.org", "password": PASSWORD}
    )
    assert response.location == "/account/second-factor", "the coordinator could not sign in"
    response = client.post("/account/second-factor", data={"code": pyotp.TOTP(OTP_SECRET).now()})
    assert response.status_code == 302, "the coordinator's code was refused"
    return client


def _page(client, engine, path: str) -> dict:
    """Each request in its own app context, as in production (nothing cached between them)."""

    def fetch():
        response = client.get(path)
        response.get_data()
        assert response.status_code == 200, (path, response.status_code)

    counter = QueryCounter()
    sa_event.listen(engine, "before_cursor_execute", counter)
    try:
        fetch()
    finally:
        sa_event.remove(engine, "before_cursor_execute", counter)
    return {**timed(fetch, repeat=5), "statements": len(counter.statements)}


def run():
    app = bench_app()
    with app.app_context():
        families = data.families(max(SIZES), prefix="roster-page")
        event_ids = data.events(len(SIZES), capacity=1, prefix="roster-page")
        for event_id, size in zip(event_ids, SIZES, strict=True):
            capacity = int(size * CAPACITY_SHARE)
            db.session.execute(update(Event).where(Event.id == event_id).values(capacity=capacity))
            data.registrations(event_id, capacity, families[:size])
            _spread(event_id)
        if db.engine.dialect.name == "postgresql":
            # Fresh planner statistics, as autovacuum would have gathered by the time a camp
            # has thousands of registrations (the bulk load outruns it).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        client = _coordinator_client(app)
        slugs = list(db.session.scalars(select(Event.slug).where(Event.id.in_(event_ids))))
        engine = db.engine

    for slug, size in zip(sorted(slugs), SIZES, strict=True):
        base = f"/manage/events/{slug}"
        yield f"roster page 1 ({size} registrations)", _page(client, engine, f"{base}/roster")
        yield (
            f"roster search q=family4 + active ({size})",
            _page(client, engine, f"{base}/roster?q=family4&status=active"),
        )
        yield (
            f"roster sorted by child name, page 20 ({size})",
            _page(client, engine, f"{base}/roster?sort=child&dir=desc&page=20"),
        )
        yield (
            f"roster waitlisted aged 9-10 by age ({size})",
            _page(client, engine, f"{base}/roster?status=waitlisted&min_age=9&max_age=10&sort=age"),
        )
        yield f"dashboard ({size} registrations)", _page(client, engine, f"{base}/dashboard")
        # The downloads through their routes, with the access recorded as a coordinator sees
        # it (issue 12: the audit entry of each read).
        yield f"roster CSV download ({size})", _page(client, engine, f"{base}/roster.csv")
        yield f"roster XLSX download ({size})", _page(client, engine, f"{base}/roster.xlsx")
        yield (
            f"medical summary PDF download ({size})",
            _page(client, engine, f"{base}/medical-summary.pdf?include_pending=1"),
        )
