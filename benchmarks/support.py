"""A migrated database for a benchmark, a query counter and a timer."""

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask_migrate
from sqlalchemy import event

from camp_app import create_app
from camp_app.extensions import db


def bench_app(config: dict | None = None):
    """An app on a fresh SQLite file, or on BENCH_DATABASE_URL (an empty PostgreSQL database).
    `config` adds or overrides settings (a benchmark's mail server, say)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        folder = tempfile.mkdtemp(prefix="camp-bench-")
        url = f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": None,
            "RATELIMIT_ENABLED": False,
            **(config or {}),
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


@contextmanager
def counting_queries():
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def timed(action, repeat: int = 5) -> dict:
    """Median and best wall time of `action()` over `repeat` runs, in milliseconds, and the
    median CPU time of this process (the steadier figure on a busy machine)."""
    samples, cpu = [], []
    for _ in range(repeat):
        start, started_cpu = time.perf_counter(), time.process_time()
        action()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "best_ms": round(min(samples), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
    }
