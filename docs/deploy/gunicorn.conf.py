"""Gunicorn settings for the camp app: `gunicorn -c docs/deploy/gunicorn.conf.py
"camp_app:create_app()"` (see docs/deployment.md). Each value can be changed from the
environment without editing this file."""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: 2-4 per core. Each holds one database connection per request it serves.
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
# A request that takes longer is killed and logged; the slowest pages (exports, the medical
# PDF) finish well within it. nginx's proxy_read_timeout must be longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # SIGTERM: finish what is in hand, then stop
keepalive = 5  # behind nginx on the same host
max_requests = 2000  # recycle workers now and then (memory), staggered by the jitter
max_requests_jitter = 200
# Trust X-Forwarded-Proto only from nginx on this host; the app's TRUSTED_PROXIES does the
# same for the client's address (set it to the number of proxies, 1 here).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"  # to the journal; the app masks one-time tokens in paths
errorlog = "-"


def _metrics_dir() -> Path | None:
    value = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(value) if value else None


def on_starting(server):
    """The workers' metric files from a previous run would be added to this run's counts."""
    directory = _metrics_dir()
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if _metrics_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
