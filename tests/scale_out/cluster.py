"""Several app servers and mail workers as separate processes on one PostgreSQL database,
and a visitor that can talk to any of them.

Each server is the documented production start (gunicorn with docs/deploy/gunicorn.conf.py,
sync workers) with the same DATABASE_URL, SECRET_KEY and ENCRYPTION_KEYS and no Redis; each
mail worker is `flask mail-worker`. They run as the hospital would run them behind nginx:
TRUSTED_PROXIES=1, and every visitor sends its own X-Forwarded-For, as nginx would set it.
Everything listens on 127.0.0.1 on free ports, every wait has a deadline, and every process is
stopped by the ExitStack that started it, whatever happened in between.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REQUEST_TIMEOUT = 30
START_SECONDS = 60
STOP_SECONDS = 20
# Every process opens what another sealed (sealing: the authenticators' secrets); the test
# process that makes the accounts uses it too (make_people).
ENCRYPTION_KEY = "90pVId_VssQzPzwWRn95Xjw65t1X4AkkNSUog83u-44="
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


# --- processes ---------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM (gunicorn and the mail worker both finish what they hold), then SIGKILL."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(STOP_SECONDS)


def start_process(stack: contextlib.ExitStack, name, command, env, log_path: Path) -> Process:
    """Start `command`, logging to `log_path`; the stack stops it (and closes the log)."""
    log = stack.enter_context(open(log_path, "w"))  # noqa: SIM115 (closed by the stack)
    popen = subprocess.Popen(  # noqa: S603 (our own executables, fixed arguments)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    process = Process(name, popen, log_path)
    stack.callback(process.stop)  # runs before the log is closed: callbacks unwind in reverse
    return process


def wait_until(what: str, ready, process: Process | None = None, seconds=START_SECONDS):
    """Poll `ready()` until it is true, the process exits, or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = ready()
        if found:
            return found
        if process is not None and process.popen.poll() is not None:
            raise AssertionError(f"{process.name} exited while {what}:\n{process.log_tail()}")
        time.sleep(0.1)
    tail = f":\n{process.log_tail()}" if process else ""
    raise AssertionError(f"gave up after {seconds} s {what}{tail}")


def server_environment(database_url: str, smtp: SmtpServer) -> dict:
    """What every server and worker shares: one database, one signing key, one sealing key,
    one mail relay, and no Redis (the per-address limits then count in each process)."""
    left_out = {
        "DEV_MAILBOX",
        "REDIS_URL",
        "PROMETHEUS_MULTIPROC_DIR",
        "METRICS_TOKEN",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
    }
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="scale-out-test-key-shared-by-every-process",
        ENCRYPTION_KEYS=ENCRYPTION_KEY,
        BASE_URL="http://camp.scale-out.test",
        TRUSTED_PROXIES="1",
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        MAIL_USE_TLS="0",
        MAIL_TIMEOUT_SECONDS="5",
        MAIL_SEND_DEADLINE_SECONDS="10",
        PYTHONUNBUFFERED="1",  # the workers' summaries reach their logs as they happen
    )
    return env


def start_app_server(stack, env: dict, name: str, folder: Path, workers: int = 2) -> str:
    """gunicorn as documented, on a free port; returns its base URL once it answers."""
    port = free_port()
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    command = [str(GUNICORN), "-c", "docs/deploy/gunicorn.conf.py", "camp_app:create_app()"]
    process = start_process(stack, name, command, server_env, folder / f"{name}.log")
    base = f"http://127.0.0.1:{port}"
    wait_until(f"waiting for {name}", lambda: healthy(base), process)
    return base


def healthy(base: str) -> bool:
    try:
        return Visitor().send(base, "GET", "/healthz").status == 200
    except OSError:  # not listening yet
        return False


def start_mail_worker(stack, env: dict, name: str, folder: Path) -> Process:
    """`flask mail-worker` polling often, in small batches, so that two workers overlap."""
    command = [
        *(sys.executable, "-m", "flask", "--app", "camp_app", "mail-worker"),
        *("--interval", "0.2", "--batch-size", "2"),
    ]
    process = start_process(stack, name, command, env, folder / f"{name}.log")
    wait_until(f"waiting for {name}", lambda: "Mail worker started." in process.log(), process)
    return process


SUMMARY = re.compile(r"Mail worker: (\d+) sent")


def mails_sent_by(worker: Process) -> int:
    """What the worker's own summaries say it sent."""
    return sum(int(n) for n in SUMMARY.findall(worker.log()))


# --- a visitor ---------------------------------------------------------------------------

SECOND_FACTOR_PATH = "/account/second-factor"


def asks_for_code(answer: "Answer") -> bool:
    """Whether a sign-in answer sends the visitor on to the second factor's code page."""
    return answer.status == 302 and answer.headers.get("Location", "").endswith(SECOND_FACTOR_PATH)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    text: str

    def __iter__(self):  # status, headers, text = answer
        return iter((self.status, self.headers, self.text))

    def json(self):
        return json.loads(self.text)


class Visitor:
    """One browser (or API client) from one address. Its cookie jar is shared by every server
    it talks to, as a browser's is behind a load balancer; redirects are not followed, so each
    answer is seen as sent."""

    def __init__(self, address: str = "198.51.100.1"):
        self.address = address  # what nginx would put in X-Forwarded-For
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects
        )

    def copy(self, address: str) -> "Visitor":
        """Another client, at `address`, holding a copy of this one's cookies."""
        other = Visitor(address)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other

    def send(self, base, method, path, *, form=None, json_body=None, headers=None) -> Answer:
        head = {"X-Forwarded-For": self.address, **(headers or {})}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            head["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(base + path, data=body, method=method, headers=head)  # noqa: S310 (loopback)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def csrf_token(self, base, path) -> str:
        status, _headers, page = self.send(base, "GET", path)
        found = CSRF_FIELD.search(page)
        assert found, f"no CSRF token on {path} ({status})"
        return found.group(1)

    def post_form(self, base, path, fields: dict, *, token_from: str | None = None) -> Answer:
        """Post a form as a browser would: its CSRF token read from the page on `base`."""
        token = self.csrf_token(base, token_from or path)
        return self.send(base, "POST", path, form={"csrf_token": token, **fields})

    def sign_in(self, base, email, password, *, code=None, code_on=None) -> Answer:
        """Sign in through the pages as a person does, on the server `base`; returns the answer
        that ends the sign-in (a redirect to the person's home when it worked). Every step of
        signing in goes through here. An account with a second factor is sent on to the code
        page after its password: with `code`, it is typed there, on the server `code_on` (a
        load balancer may send the next request anywhere; `base` by default); without it, the
        sign-in stops at that redirect, pending."""
        answer = self.post_form(base, "/account/login", {"email": email, "password": password})
        if code is None or not asks_for_code(answer):
            return answer
        return self.enter_code(code_on or base, code)

    def enter_code(self, base, code: str) -> Answer:
        """The code page's form, on the server `base` (the pending sign-in is in the cookie)."""
        return self.post_form(base, SECOND_FACTOR_PATH, {"code": code})

    def api(self, base, method, path, token: str | None = None, json_body=None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.send(base, method, "/api/v1" + path, json_body=json_body, headers=headers)
