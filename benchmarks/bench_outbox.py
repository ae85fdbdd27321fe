"""Delivering the outbox: 1,000 queued mails to a real local SMTP server (aiosmtpd)."""

import logging
import time

from flask_babel import lazy_gettext

from benchmarks.support import bench_app, counting_queries
from camp_app.extensions import db
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.services import queue_mail
from tests.support.smtp import SmtpServer

MAILS = 1000
BATCH = 100


def _queue(count: int) -> dict:
    start = time.perf_counter()
    for n in range(count):
        queue_mail(
            to=f"parent{n}@example.org",
            template="password_changed",
            subject=lazy_gettext("Your password was changed"),
            context={"name": f"Parent {n}", "forgot_url": "http://localhost/forgot"},
        )
    db.session.commit()
    seconds = time.perf_counter() - start
    return {
        "mails": count,
        "seconds": round(seconds, 3),
        "mails_per_second": round(count / seconds),
    }


def _deliver() -> dict:
    report = DeliveryReport()
    batches = 0
    with counting_queries() as counter:
        start = time.perf_counter()
        while True:
            batch = deliver_due(batch_size=BATCH)
            if not batch.handled:
                break
            report += batch
            batches += 1
        seconds = time.perf_counter() - start
    return {
        "sent": report.sent,
        "retried": report.retried,
        "failed": report.failed,
        "batches": batches,
        "seconds": round(seconds, 3),
        "mails_per_second": round(report.sent / seconds),
        "statements_per_mail": round(len(counter.statements) / max(report.handled, 1), 1),
    }


def run():
    # One "mail sent" line per mail would drown the report.
    logging.getLogger("camp_app.notifications.delivery").setLevel(logging.WARNING)
    server = SmtpServer().start()
    try:
        app = bench_app(server.app_config())
        with app.test_request_context():
            yield f"queue_mail x{MAILS} (rendered text + HTML, one commit)", _queue(MAILS)
            delivered = _deliver()
        delivered["received_by_server"] = len(server.envelopes)
        yield f"deliver_due in batches of {BATCH} to aiosmtpd", delivered
    finally:
        server.stop()
