"""The same preview submitted several times AT ONCE (a double click that really races):
real threads, each with its own session and connection, released together."""

import threading

import pytest
from sqlalchemy import func, select

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.messages import audience, services
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import OutboxMail
from tests.factories import make_event
from tests.messages.helpers import CATEGORY, coordinator, family

THREADS = 8


@pytest.fixture
def app_config():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 2, "max_overflow": 0}}


def _send_together(app, sender_id, event_id, token, previewed):
    barrier = threading.Barrier(THREADS)
    results, crashes, lock = [], [], threading.Lock()

    def worker():
        with app.app_context():
            try:
                sender, event = db.session.get(User, sender_id), db.session.get(Event, event_id)
                f = audience.parse_audience(event, {})
                barrier.wait(timeout=30)
                sent = services.send(
                    sender, event, f, "Bus", "At 9.", token=token, previewed=previewed
                )
                with lock:
                    results.append((sent.message.id, sent.already_sent))
            except Exception as error:  # reported by the test
                with lock:
                    crashes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results, crashes


@pytest.mark.parametrize("app_name", ["pg_app", "sqlite_app"])
def test_simultaneous_submissions_of_one_preview_send_once(request, app_name):
    app = request.getfixturevalue(app_name)
    with app.app_context():
        event = make_event()
        family(event, guardians=2)
        family(event)
        sender = coordinator()
        f = audience.parse_audience(event, {})
        preview = services.preview(event, f, "Bus", "At 9.")
        ids = (sender.id, event.id)
        db.session.remove()

    results, crashes = _send_together(app, *ids, preview.token, preview.previewed)

    assert crashes == []
    assert len(results) == THREADS
    assert len({message_id for message_id, _ in results}) == 1
    assert sorted(already for _, already in results) == [False] + [True] * (THREADS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(EventMessage.id))) == 1
        copies = select(func.count(OutboxMail.id)).where(OutboxMail.category == CATEGORY)
        assert db.session.scalar(copies) == 3


def test_a_guardian_swapped_while_the_copies_render_gets_the_right_copy(app_ctx, monkeypatch):
    """The copies are rendered before the event's lock is taken. Between the two, one family's
    guardian closes their account and another family registers: the counts are unchanged, so
    the message goes, with a copy rendered for the newcomer and none for the closed account."""
    event = make_event(capacity=10)
    [staying], _ = family(event, name="Rivera")
    [leaving], _ = family(event, name="Okafor")
    sender = coordinator()
    f = audience.parse_audience(event, {})
    preview = services.preview(event, f, "Bus", "At 9.")
    newcomer, rendered, rendered_before_lock = [], [], []
    real_lock, real_render = services.event_locked, services.render_outbox_mail

    def counted_render(**fields):
        rendered.append(fields["to"])
        return real_render(**fields)

    def swap_then_lock(event_id):
        rendered_before_lock.extend(rendered)
        leaving.active = False
        [arriving], _ = family(db.session.get(Event, event_id), name="Nakamura", locale="es")
        newcomer.append(arriving)
        return real_lock(event_id)

    monkeypatch.setattr(services, "render_outbox_mail", counted_render)
    monkeypatch.setattr(services, "event_locked", swap_then_lock)
    services.send(sender, event, f, "Bus", "At 9.", token=preview.token, previewed="2,2")

    copies = {m.to_address: m for m in db.session.scalars(select(OutboxMail))
              if m.category == CATEGORY}  # fmt: skip
    assert sorted(copies) == sorted([staying.email, newcomer[0].email])
    arriving_copy = copies[newcomer[0].email].body_text
    assert newcomer[0].name in arriving_copy and "Hola" in arriving_copy  # their name, Spanish
    assert leaving.email not in copies
    # Both previewed copies were rendered before the lock; only the newcomer's under it.
    assert sorted(rendered_before_lock) == sorted([staying.email, leaving.email])
    assert rendered[len(rendered_before_lock) :] == [newcomer[0].email]
