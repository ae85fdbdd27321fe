"""Configuration read from the environment (see shared contract), with safe defaults."""

import os
import secrets
from pathlib import Path

from flask import Flask

from camp_app.branding import load_brand
from camp_app.sealing import instance_encryption_key, parse_keys

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def instance_secret_key(instance_path: str) -> str:
    """A signing key generated once and kept in the instance folder, readable only by us."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, one writes and both use the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting providers hand out postgres:// URLs; SQLAlchemy wants the driver named.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance_path) / 'camp.sqlite3'}"


def trusted_proxies(env) -> int:
    """How many reverse proxies in front of the app set X-Forwarded-* (0: none, trust none)."""
    value = (env.get("TRUSTED_PROXIES") or env.get("PROXY_FIX") or "").strip() or "0"
    if not value.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number of proxies, not {value!r}")
    return int(value)


def positive_int(env, name: str, default: int) -> int:
    value = (env.get(name) or "").strip() or str(default)
    if not value.isdigit() or int(value) == 0:
        raise RuntimeError(f"{name} must be a whole number above 0, not {value!r}")
    return int(value)


def load_config(app: Flask, test_config: dict | None) -> None:
    env = os.environ
    mail_server = env.get("MAIL_SERVER") or None
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        BASE_URL=env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        CAMP_TIMEZONE=env.get("CAMP_TIMEZONE", "America/New_York"),
        # A dose not recorded this many minutes after it was due shows as overdue.
        DOSE_OVERDUE_MINUTES=positive_int(env, "DOSE_OVERDUE_MINUTES", 60),
        MAIL_SERVER=mail_server,
        MAIL_PORT=int(env.get("MAIL_PORT", "25")),
        MAIL_USE_TLS=env_flag("MAIL_USE_TLS"),
        MAIL_USE_SSL=env_flag("MAIL_USE_SSL"),
        MAIL_USERNAME=env.get("MAIL_USERNAME") or None,
        MAIL_PASSWORD=env.get("MAIL_PASSWORD") or None,
        MAIL_DEFAULT_SENDER=env.get("MAIL_DEFAULT_SENDER", "camps@hospital.example"),
        # The development mailbox shows every mail, reset links included, to anyone: only where
        # DEV_MAILBOX=1 is set explicitly (`make run`), never because mail is not configured.
        DEV_MAILBOX=env_flag("DEV_MAILBOX"),
        # Transient failures are retried (backoff 1 min doubling to 1 h) for this long, then
        # the mail is marked failed; a permanent refusal (5xx) fails it at once.
        MAIL_RETRY_HOURS=float(env.get("MAIL_RETRY_HOURS", "24")),
        # Per socket operation, and for one whole exchange (a mail, or connecting): the
        # deadline also stops a server that drips bytes. Keep it well under the lease.
        MAIL_TIMEOUT_SECONDS=float(env.get("MAIL_TIMEOUT_SECONDS", "30")),
        MAIL_SEND_DEADLINE_SECONDS=float(env.get("MAIL_SEND_DEADLINE_SECONDS", "60")),
        MAIL_LEASE_SECONDS=int(env.get("MAIL_LEASE_SECONDS", "300")),
        # Workers that died while holding a mail before it is given up on.
        MAIL_MAX_INTERRUPTIONS=int(env.get("MAIL_MAX_INTERRUPTIONS", "5")),
        # How long the worker retries recording an outcome while the database is away.
        MAIL_DB_RETRY_SECONDS=float(env.get("MAIL_DB_RETRY_SECONDS", "60")),
        # /metrics answers only a request bearing this token (unset: /metrics is off).
        METRICS_TOKEN=env.get("METRICS_TOKEN") or None,
        RATELIMIT_STORAGE_URI=env.get("REDIS_URL", "memory://"),
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
        BABEL_DEFAULT_LOCALE="en",
        LANGUAGES=["en", "es"],
        PASSWORD_MIN_LENGTH=12,
        PASSWORD_HASH_METHOD="scrypt",  # noqa: S106 (a method name, not a password)
        # How long an anonymous answer about published events is kept (camp_app/public_cache.py).
        PUBLIC_READ_CACHE_SECONDS=float(env.get("PUBLIC_READ_CACHE_SECONDS", "1")),
        API_TOKEN_TTL_HOURS=int(env.get("API_TOKEN_TTL_HOURS", "12")),
        # Signed-in sessions end after this long without a request (idle) and this long after
        # signing in (lifetime), whatever happens. Staff roles (everyone but parents) see
        # children's medical details on shared camp devices: shorter. See accounts.sessions.
        SESSION_IDLE_MINUTES_PARENT=positive_int(env, "SESSION_IDLE_MINUTES_PARENT", 120),
        SESSION_LIFETIME_HOURS_PARENT=positive_int(env, "SESSION_LIFETIME_HOURS_PARENT", 7 * 24),
        SESSION_IDLE_MINUTES_STAFF=positive_int(env, "SESSION_IDLE_MINUTES_STAFF", 30),
        SESSION_LIFETIME_HOURS_STAFF=positive_int(env, "SESSION_LIFETIME_HOURS_STAFF", 12),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Uploaded health documents (readiness.storage): file:///path or an fsspec URL such
        # as s3://bucket/documents. Empty: the folder `documents` in the instance folder.
        DOCUMENT_STORAGE_URL=env.get("DOCUMENT_STORAGE_URL", ""),
        SQLALCHEMY_ENGINE_OPTIONS={},
        TRUSTED_PROXIES=trusted_proxies(env),
        # The retention policy (README, "Retention"; camp_app/privacy/retention.py): how long
        # a closed household's camp records are kept after its last camp, an account never
        # confirmed, sent and failed mails, and the audit log.
        PRIVACY_KEEP_CAMP_RECORDS_YEARS=positive_int(env, "PRIVACY_KEEP_CAMP_RECORDS_YEARS", 7),
        PRIVACY_UNVERIFIED_ACCOUNT_DAYS=positive_int(env, "PRIVACY_UNVERIFIED_ACCOUNT_DAYS", 30),
        PRIVACY_SENT_MAIL_DAYS=positive_int(env, "PRIVACY_SENT_MAIL_DAYS", 90),
        PRIVACY_FAILED_MAIL_DAYS=positive_int(env, "PRIVACY_FAILED_MAIL_DAYS", 180),
        PRIVACY_AUDIT_LOG_YEARS=positive_int(env, "PRIVACY_AUDIT_LOG_YEARS", 6),
        # How many demo families `flask seed-demo` registers (tests use fewer: seeding is slow).
        DEMO_FAMILY_COUNT=40,
    )
    secure = app.config["BASE_URL"].startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    if test_config:
        app.config.update(test_config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["CAMP_TIMEZONE"]
    # Checked first: a bad brand setting stops the app before anything is written.
    given = {key: value for key, value in app.config.items() if key.startswith("BRAND_")}
    app.config.update(load_brand(env, given))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env.get("SECRET_KEY") or instance_secret_key(app.instance_path)
    _load_encryption_keys(app, env)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    # A database error's text (and SQL logging, if ever turned on) leaves out the values bound
    # to a statement: they are what people typed, diagnoses and allergies among them.
    options["hide_parameters"] = True
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # After a database restart, pooled connections are dead: test each before use, so a
        # request gets a fresh one instead of an error.
        options.setdefault("pool_pre_ping", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for each other instead of failing at once (see events/locking).
        options.setdefault("connect_args", {}).setdefault("timeout", 30)


def _load_encryption_keys(app: Flask, env) -> None:
    """ENCRYPTION_KEYS as a list, newest first (sealing); else one generated key."""
    configured = app.config.get("ENCRYPTION_KEYS")
    if isinstance(configured, str) or configured is None:
        text = (
            configured or env.get("ENCRYPTION_KEYS") or instance_encryption_key(app.instance_path)
        )
        app.config["ENCRYPTION_KEYS"] = parse_keys(text)
