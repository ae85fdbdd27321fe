"""The app under a real gunicorn writes its access log, with one-time tokens masked.

gunicorn hands its access-log atoms to logging as one mapping; the redaction filter once
turned that into a tuple of its keys, and every request then logged a TypeError instead of
its access line."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "tok3n-S3CRET.value"


def _wait_for(predicate, process, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        assert process.poll() is None, "gunicorn exited early"
        time.sleep(0.1)
    raise AssertionError("gunicorn did not get there in time")


def test_gunicorn_writes_a_redacted_access_line_and_no_logging_error(sqlite_template, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_template.fresh_url(tmp_path),  # a migrated copy of its own
        "SECRET_KEY": "gunicorn-test-secret",
        "BASE_URL": "http://127.0.0.1",
    }
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "camp_app:create_app()"),
        *("--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket"),
        *("--access-logfile", str(access_log), "--error-logfile", str(error_log)),
    ]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)  # noqa: S603 (our own command)
    try:

        def port():
            text = error_log.read_text() if error_log.exists() else ""
            listening = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
            return listening and "Booting worker" in text and listening.group(1)

        url = f"http://127.0.0.1:{_wait_for(port, server)}/account/verify/{TOKEN}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        _wait_for(
            lambda: access_log.exists() and "GET /account/verify/" in access_log.read_text(), server
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    access, errors = access_log.read_text(), error_log.read_text()
    (line,) = [line for line in access.splitlines() if "/account/verify/" in line]
    assert '"GET /account/verify/[redacted] HTTP/1.1" 200' in line
    assert TOKEN not in access + errors
    assert "TypeError" not in errors and "Logging error" not in errors, errors
