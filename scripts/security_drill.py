"""Try the holes of the attacker's review against a production-style start, and count.

    .venv/bin/python scripts/security_drill.py

Starts gunicorn with 4 workers against a fresh PostgreSQL database (127.0.0.1:5432, trust
auth), with no Redis, no mail server and no DEV_MAILBOX, as a hospital might start it; then
sends what an attacker sent and prints what came back. Everything it sends goes to 127.0.0.1.
The tests hold each of these for good; this is the drill the note's counts come from.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("CAMP_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
PASSWORD = "drill-Passphrase-7342-kestrel"  # noqa: S105


class PlainHttpPolicy(http.cookiejar.DefaultCookiePolicy):
    """BASE_URL is https (for HSTS) but the drill talks plain HTTP to gunicorn on loopback, as
    a TLS proxy in front of it would: send the Secure cookies anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A cookie jar and no automatic redirects: every answer is seen as it was sent."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar(PlainHttpPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def send(self, method, path, data=None, json_body=None, headers=None):
        body, head = None, dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            head["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        url = self.base + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=body, method=method, headers=head)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def csrf(self, path) -> str:
        _status, _headers, page = self.send("GET", path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        return match.group(1) if match else ""

    def post_form(self, path, fields):
        return self.send("POST", path, data={"csrf_token": self.csrf(path), **fields})


@contextlib.contextmanager
def fresh_database():
    name = f"drill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flask(env, *args):
    subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "camp_app", *args],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


@contextlib.contextmanager
def gunicorn(env, port, log_path):
    log = open(log_path.with_suffix(".out"), "w")  # noqa: SIM115 (closed after the server stops)
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            # Files, not stdout: logging flushes each line to a file, a pipe keeps a buffer.
            "--access-logfile",
            str(log_path),
            "--error-logfile",
            str(log_path),
            "camp_app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        time.sleep(1.5)  # every worker booted
        yield
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def report(name, ok, detail):
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return ok


def run_drill(base: str, log_path: Path) -> bool:
    results = []
    visitor = Browser(base)

    # 1. The development mailbox: a reset link for the coordinator, then look for it.
    visitor.post_form("/account/forgot", {"email": "coordinator@drill.example"})
    codes = [visitor.send("GET", p)[0] for p in ("/dev/mailbox", "/dev/mailbox/1")]
    results.append(report("dev mailbox", codes == [404, 404], f"/dev/mailbox answers {codes}"))

    # 2. Hostile input: NUL in a slug, in the sign-in form, and a JSON body.
    answers = [
        visitor.send("GET", "/api/v1/events/%00")[0],
        visitor.send("GET", "/events/%00")[0],
        visitor.post_form("/account/login", {"email": "a\x00@b.example", "password": "x\x00"})[0],
        visitor.send("POST", "/api/v1/tokens", json_body={"email": "\x00", "password": "\x00"})[0],
        visitor.send(
            "POST",
            "/api/v1/accounts",
            json_body={"email": "n@drill.example", "password": PASSWORD, "name": "Nul\x00Name"},
        )[0],
    ]
    results.append(report("NUL bytes", all(a < 500 for a in answers), f"answers {answers}"))

    # 3. Open redirect after sign-in.
    signed = Browser(base)
    signed.send("GET", "/account/login?next=/%09/evil.example")
    status, headers, _ = signed.post_form(
        "/account/login",
        {"email": "parent@drill.example", "password": PASSWORD, "next": "/\t/evil.example"},
    )
    where = headers.get("Location", "")
    results.append(report("open redirect", "evil" not in where, f"{status} to {where!r}"))

    # 4. A copied session cookie after sign-out.
    family_before = signed.send("GET", "/family")[0]
    copy = Browser(base)
    for cookie in signed.jar:
        copy.jar.set_cookie(cookie)
    token = signed.csrf("/family")
    signed.send("POST", "/account/logout", data={"csrf_token": token})
    family_after = copy.send("GET", "/family")[0]
    results.append(
        report(
            "cookie after sign-out",
            family_before == 200 and family_after != 200,
            f"/family with the copied cookie: {family_before} before, "
            f"{family_after} after sign-out",
        )
    )

    # 5. Guessing: 40 wrong passwords for one account, alternating pages and API, several
    #    connections (so several gunicorn workers).
    answered = 0
    for attempt in range(40):
        guesser = Browser(base)
        if attempt % 2:
            code = guesser.send(
                "POST",
                "/api/v1/tokens",
                json_body={"email": "victim@drill.example", "password": f"guess-{attempt}"},
            )[0]
        else:
            code = guesser.post_form(
                "/account/login", {"email": "victim@drill.example", "password": f"guess-{attempt}"}
            )[0]
        answered += code != 429
    results.append(
        report(
            "password guessing", answered <= 10, f"{answered} of 40 guesses answered (the rest 429)"
        )
    )

    # 6. Weak passwords.
    weak = {}
    for n, password in enumerate(("Password1234", "aaaaaaaaaaaa", "123456789012")):
        status, _h, body = visitor.send(
            "POST",
            "/api/v1/accounts",
            json_body={"email": f"weak{n}@drill.example", "password": password, "name": "Weak"},
        )
        weak[password] = (status, "password_too_weak" in body)
    results.append(
        report("weak passwords", all(v == (422, True) for v in weak.values()), f"{weak}")
    )

    # 7. Smaller: HSTS, access log, search wildcards.
    _s, headers, _b = visitor.send("GET", "/")
    results.append(
        report(
            "HSTS",
            "Strict-Transport-Security" in headers,
            headers.get("Strict-Transport-Security", "absent"),
        )
    )
    deadline = time.monotonic() + 5  # gunicorn writes the line after the answer is sent
    while True:
        log = log_path.read_text()
        access_lines = len(re.findall(r'"GET / HTTP/1\.[01]" 200', log))
        if access_lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    type_errors = log.count("TypeError")
    results.append(
        report(
            "gunicorn access log",
            access_lines >= 1 and type_errors == 0,
            f"{access_lines} access lines for GET /, {type_errors} TypeErrors",
        )
    )
    leaked = [w for w in ("Nul\x00Name", "a\x00@b.example", PASSWORD, "guess-1") if w in log]
    results.append(report("log holds no submitted value", not leaked, f"found {leaked}"))
    return all(results)


def main() -> int:
    with fresh_database() as url, tempfile.TemporaryDirectory() as instance:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DEV_MAILBOX", "MAIL_SERVER", "REDIS_URL")
        }
        env.update(
            DATABASE_URL=url,
            SECRET_KEY="drill-" + uuid.uuid4().hex,
            BASE_URL="https://camp.drill.example",
        )
        flask(env, "db", "upgrade")
        for email, role in (
            ("parent@drill.example", "parent"),
            ("victim@drill.example", "parent"),
            ("coordinator@drill.example", "coordinator"),
        ):
            flask(
                env,
                "users",
                "create",
                "--email",
                email,
                "--password",
                PASSWORD,
                "--name",
                "Morgan Avery",
                "--role",
                role,
                "--verified",
            )
        port = free_port()
        log_path = Path(instance) / "gunicorn.log"
        with gunicorn(env, port, log_path):
            ok = run_drill(f"http://127.0.0.1:{port}", log_path)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
