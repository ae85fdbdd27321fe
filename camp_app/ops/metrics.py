"""Prometheus metrics (prometheus_client, the project's maintained exporter).

Counted in each process: requests by endpoint and status, their latency, failed sign-ins. Read
from the database at each scrape: the outbox's depth by status, its failed mails, and the age
of its oldest due mail (all workers and app servers share one outbox).

Under gunicorn with several workers every worker process counts on its own; with
PROMETHEUS_MULTIPROC_DIR set (before the app starts) prometheus_client keeps the counts in files
there and /metrics adds up all workers' (see docs/deployment.md: the directory is emptied at
each start, and gunicorn's child_exit hook marks dead workers).
"""

import os
import time

from flask import Flask, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from sqlalchemy.exc import SQLAlchemyError

from camp_app.ops.health import read_outbox_state

REQUESTS = Counter(
    "camp_http_requests", "HTTP requests answered.", ["method", "endpoint", "status"]
)
LATENCY = Histogram(
    "camp_http_request_duration_seconds",
    "Time from receiving a request to its response.",
    ["method", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SIGN_IN_FAILURES = Counter(
    "camp_sign_in_failures", "Sign-ins refused for a wrong email or password (pages and API)."
)

STARTED = "camp_app.metrics.started"  # in the WSGI environ: strictly per request
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def note_failed_sign_in() -> None:
    SIGN_IN_FAILURES.inc()


def _start_timer() -> None:
    request.environ[STARTED] = time.perf_counter()


def _count(response):
    started = request.environ.get(STARTED)
    # Labels from the route, never the path: a path can carry a token or an id.
    endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(method, endpoint).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_count)


class _OutboxCollector:
    """Gauges read from the database at scrape time (one process answers each scrape)."""

    def collect(self):
        up = GaugeMetricFamily("camp_database_up", "1 when the database answered this scrape.")
        try:
            outbox = read_outbox_state()
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "camp_outbox_waiting", "Mails not yet sent (pending or being sent).", outbox.waiting
        )
        yield GaugeMetricFamily(
            "camp_outbox_failed", "Mails given up on, waiting for a person.", outbox.failed
        )
        yield GaugeMetricFamily(
            "camp_outbox_oldest_due_seconds",
            "How long the longest-waiting due mail has waited (0: none is due).",
            outbox.oldest_due_seconds,
        )


class _Process:
    """This process's own metrics (single-process mode)."""

    def collect(self):
        return REGISTRY.collect()


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition(accept: str | None) -> tuple[bytes, str]:
    """One scrape: every worker's counts and the outbox's gauges, in the format the scraper's
    Accept header asks for (the classic text format by default, or OpenMetrics)."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Process())
    registry.register(_OutboxCollector())
    encode, content_type = choose_encoder(accept)
    return encode(registry), content_type
