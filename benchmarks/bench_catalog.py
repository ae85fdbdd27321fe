"""Public pages: the catalog `/` and an event page, with 50 events and 5,000 registrations."""

from sqlalchemy import select

from benchmarks import data
from benchmarks.support import bench_app, counting_queries, timed
from camp_app.events.models import Event
from camp_app.extensions import db

EVENTS = 50
REGISTRATIONS_PER_EVENT = 100  # 5,000 in all
CAPACITY = 60  # so each event has both seat holders and a waitlist


def _build() -> str:
    """The data; returns an event page's URL."""
    event_ids = data.events(EVENTS, capacity=CAPACITY)
    everyone = data.families(REGISTRATIONS_PER_EVENT * EVENTS)
    for n, event_id in enumerate(event_ids):
        start = n * REGISTRATIONS_PER_EVENT
        chosen = everyone[start : start + REGISTRATIONS_PER_EVENT]
        data.registrations(event_id, CAPACITY, chosen)
    slug = db.session.scalar(select(Event.slug).where(Event.id == event_ids[EVENTS // 2]))
    return f"/events/{slug}"


def _page(app, url: str) -> dict:
    client = app.test_client()

    def get():
        response = client.get(url)
        if response.status_code != 200:  # a broken page would make the timing meaningless
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    get()  # warm-up: template compilation, first connection
    with app.app_context(), counting_queries() as counter:
        get()
    return {**timed(get, repeat=15), "statements": len(counter.statements)}


def run():
    app = bench_app()
    with app.app_context():
        event_url = _build()
    yield (
        f"GET / ({EVENTS} events, {EVENTS * REGISTRATIONS_PER_EVENT} registrations)",
        _page(app, "/"),
    )
    yield "GET /events/<slug> (100 registrations, 60 seats)", _page(app, event_url)
