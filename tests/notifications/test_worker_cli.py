"""`flask mail-worker`: --once through the CLI runner, and the long-running worker as a real
process that stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail
from tests.notifications.helpers import queue_test_mail

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_once_delivers_what_is_due_and_prints_a_summary(app_ctx, runner, smtp_server):
    mails = [queue_test_mail(f"family{n}@example.org") for n in range(3)]

    result = runner.invoke(args=["mail-worker", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Mail worker: 3 sent, 0 to retry, 0 failed."
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in mails)


def test_once_twice_does_not_send_again(app_ctx, runner, smtp_server):
    mail = queue_test_mail()

    first = runner.invoke(args=["mail-worker", "--once"])
    second = runner.invoke(args=["mail-worker", "--once"])

    assert first.exit_code == 0 and second.exit_code == 0
    assert "1 sent" in first.output
    assert "0 sent" in second.output
    assert smtp_server.message_ids() == [mail.message_id]


def test_once_drains_more_than_one_batch(app_ctx, runner, smtp_server):
    for n in range(5):
        queue_test_mail(f"family{n}@example.org")

    result = runner.invoke(args=["mail-worker", "--once", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "5 sent" in result.output
    assert len(smtp_server.envelopes) == 5


def test_once_with_the_server_down_keeps_mails_for_later(app_ctx, runner, smtp_server):
    mail = queue_test_mail()
    smtp_server.stop()

    result = runner.invoke(args=["mail-worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "0 sent, 1 to retry" in result.output
    db.session.expire_all()
    assert db.session.get(OutboxMail, mail.id).status == MailStatus.PENDING


def test_worker_runs_until_sigterm_then_exits_cleanly(app, smtp_server):
    with app.app_context():
        first = queue_test_mail("first@example.org").message_id
    worker = start_worker(app, smtp_server)
    try:
        wait_until(lambda: len(smtp_server.envelopes) == 1, worker)
        with app.app_context():  # a mail written while the worker sleeps
            second = queue_test_mail("second@example.org").message_id
        wait_until(lambda: len(smtp_server.envelopes) == 2, worker)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=30)

    assert worker.returncode == 0, errors
    assert "Mail worker stopped." in output
    assert smtp_server.message_ids() == [first, second]
    assert "first@example.org" not in output + errors  # addresses never logged


def start_worker(app, smtp_server) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "worker-test-key",
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "camp_app", "mail-worker"]
    return subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [*command, "--interval", "0.1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, worker: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.poll() is None, f"worker exited: {worker.communicate()}"
        assert time.monotonic() < deadline, "timed out waiting for the worker"
        time.sleep(0.05)
