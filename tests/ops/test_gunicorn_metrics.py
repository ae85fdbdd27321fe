"""The documented production start, for real: gunicorn with docs/deploy/gunicorn.conf.py, two
workers and PROMETHEUS_MULTIPROC_DIR. Whichever worker answers a scrape counts every worker's
requests, and a previous run's metric files are cleared at start."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "gunicorn-scrape-token"


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def healthz_count(text: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "camp_http_requests_total"
                and sample.labels.get("endpoint") == "ops.healthz"
            ):
                total += sample.value
    return total


def start_gunicorn(sqlite_app, metrics_dir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "gunicorn-test-key",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "docs/deploy/gunicorn.conf.py", "camp_app:create_app()"]
    return subprocess.Popen(  # noqa: S603  (our own executable and arguments)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_gunicorn_workers_counts_add_up_in_one_scrape(sqlite_app, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left over from the last run")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(sqlite_app, metrics_dir, port)
    answered = 0
    lock = threading.Lock()

    def ask(times: int) -> None:
        nonlocal answered
        for _ in range(times):
            status, _body = get(base + "/healthz")
            assert status == 200
            with lock:
                answered += 1

    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                if get(base + "/healthz")[0] == 200:
                    answered += 1
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        assert not (metrics_dir / "counter_1.db").exists()  # cleared by on_starting

        deadline = time.monotonic() + 20
        while len(list(metrics_dir.glob("counter_*.db"))) < 2:  # both workers have served
            threads = [threading.Thread(target=ask, args=(5,)) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert time.monotonic() < deadline, "only one worker ever answered"

        bearer = {"Authorization": f"Bearer {TOKEN}"}
        scrapes = [get(base + "/metrics", bearer) for _ in range(4)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    for status, body in scrapes:
        assert status == 200
        assert healthz_count(body.decode()) == answered  # every worker's, whoever answered
