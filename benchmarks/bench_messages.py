"""Messages to families: audience, preview and sending to 5,000 families; the delivery page."""

import time
from contextlib import contextmanager

from benchmarks import data
from benchmarks.support import bench_app, counting_queries, timed
from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.messages import audience, history, services

FAMILIES = 5000
BODY = "Dear families,\n\nThe bus leaves at 9 from the main entrance.\n\nSee you soon!"


def _measure(action) -> dict:
    """Statements of one call (after a warm-up), then its timing."""
    action()
    db.session.expire_all()
    with counting_queries() as counter:
        action()
    return {"statements": len(counter.statements), **timed(action, repeat=3)}


@contextmanager
def _timing_the_lock(held: list):
    """services.event_locked, timed: how long the event's registrations would wait."""
    real = services.event_locked

    @contextmanager
    def timed_lock(event_id):
        start = time.perf_counter()
        with real(event_id) as counter:
            yield counter
        held.append(time.perf_counter() - start)

    services.event_locked = timed_lock
    try:
        yield
    finally:
        services.event_locked = real


def run():
    app = bench_app()
    with app.test_request_context():
        families = data.families(FAMILIES, prefix="msg")
        [event_id] = data.events(1, capacity=FAMILIES // 2, prefix="msg")
        data.registrations(event_id, FAMILIES // 2, families)
        event = db.session.get(Event, event_id)
        sender = db.session.get(User, families[0].user_id)
        f = audience.parse_audience(event, {})

        yield (
            f"audience count + first 50 names, {FAMILIES} families",
            _measure(lambda: audience.audience_for(event, f)),
        )
        yield (
            "preview (counts, names, one rendered copy)",
            _measure(lambda: services.preview(event, f, "Bus times", BODY)),
        )

        result = services.preview(event, f, "Bus times", BODY)
        db.session.expire_all()
        held = []
        with counting_queries() as counter, _timing_the_lock(held):
            start = time.perf_counter()
            sent = services.send(
                sender, event, f, "Bus times", BODY, token=result.token, previewed=result.previewed
            )
            seconds = time.perf_counter() - start
        yield (
            f"send: message + {sent.message.recipient_count} outbox mails, one transaction",
            {
                "mails": sent.message.recipient_count,
                "seconds": round(seconds, 3),
                "mails_per_second": round(sent.message.recipient_count / seconds),
                "statements": len(counter.statements),
                "event_lock_held_seconds": round(sum(held), 3),
            },
        )
        message = sent.message

        def detail_page():
            history.delivery_counts([message.id])
            history.recipients_page(message, 50)

        yield "delivery page: counts + page 50 of recipients", _measure(detail_page)

        def index_page():
            page = history.sent_messages(event)
            history.delivery_counts([m.id for m in page.items])

        yield "sent messages list with delivery counts", _measure(index_page)
