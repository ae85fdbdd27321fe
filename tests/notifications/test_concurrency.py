"""Several workers at once on PostgreSQL: real threads, each with its own app context and
connection, never claim or send the same mail twice."""

import threading
from collections import Counter

from sqlalchemy import select, text

from camp_app.extensions import db
from camp_app.notifications import claims
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.timeutil import utcnow
from tests.notifications.helpers import queue_test_mail


def run_in_threads(app, count: int, work) -> list:
    """Start `count` threads together (a barrier), each in its own app context; return what
    each returned, re-raising the first error."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                results[index] = work()
        except BaseException as error:
            errors.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    if errors:
        raise errors[0]
    return results


def queue_many(app, count: int) -> list[str]:
    with app.app_context():
        return [queue_test_mail(f"family{n}@example.org").message_id for n in range(count)]


def test_concurrent_workers_deliver_each_mail_exactly_once(pg_app, smtp_server):
    message_ids = queue_many(pg_app, 200)
    smtp_server.slow_down(0.002)  # keep batches in flight long enough for workers to overlap

    def worker() -> DeliveryReport:
        total = DeliveryReport()
        while (report := deliver_due(batch_size=10)).handled:
            total += report
        return total

    reports = run_in_threads(pg_app, 4, worker)

    received = Counter(smtp_server.message_ids())
    assert set(received) == set(message_ids)
    assert all(times == 1 for times in received.values()), received.most_common(3)
    assert sum(r.sent for r in reports) == 200
    assert sum(1 for r in reports if r.sent) >= 2, "the workers did not run concurrently"
    with pg_app.app_context():
        statuses = Counter(db.session.scalars(select(OutboxMail.status)))
    assert statuses == {MailStatus.SENT: 200}


def test_simultaneous_claims_are_disjoint(pg_app):
    queue_many(pg_app, 100)
    now = utcnow()

    claimed = run_in_threads(pg_app, 5, lambda: [m.id for m in claims.claim_due(30, now=now).mails])

    everything = [mail_id for ids in claimed for mail_id in ids]
    assert len(everything) == len(set(everything)) == 100
    assert sum(1 for ids in claimed if ids) >= 4  # 100 rows, 30 each: at least four got some


def test_claim_skips_rows_another_worker_has_locked_without_waiting(pg_app):
    with pg_app.app_context():
        ids = [queue_test_mail(f"f{n}@example.org").id for n in range(3)]
        with db.engine.connect() as other_worker:
            other_worker.execute(
                text("SELECT id FROM outbox_mails WHERE id = :id FOR UPDATE"), {"id": ids[0]}
            )
            # Waiting for that lock would fail here instead of hanging the test.
            db.session.execute(text("SET lock_timeout = '2s'"))
            first = claims.claim_due(10, now=utcnow())
            assert [m.id for m in first.mails] == ids[1:]
            other_worker.rollback()
        second = claims.claim_due(10, now=utcnow())
        assert [m.id for m in second.mails] == ids[:1]


def test_a_claim_takes_no_more_than_its_batch_size(pg_app):
    # Regression: as `UPDATE ... WHERE id IN (SELECT ... LIMIT 10 FOR UPDATE SKIP LOCKED)`,
    # PostgreSQL re-ran the subquery per updated row and one claim took all 200 mails.
    queue_many(pg_app, 200)
    with pg_app.app_context():
        claim = claims.claim_due(10, now=utcnow())
        assert [m.id for m in claim.mails] == list(range(1, 11))
        sending = db.session.scalars(
            select(OutboxMail.id).where(OutboxMail.status == MailStatus.SENDING)
        ).all()
        assert len(sending) == 10
