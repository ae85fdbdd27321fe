"""Camp registration for a children's hospital."""

from pathlib import Path

from flask import Flask

from camp_app.config import load_config
from camp_app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled_or_source(name: str) -> str:
    """templates/ and migrations/ live at the top of the source tree and inside the wheel."""
    bundled = PACKAGE_DIR / name
    return str(bundled if bundled.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_bundled_or_source("templates"),
    )
    load_config(app, test_config)
    _trust_proxies(app)
    _init_extensions(app)
    _register_features(app)
    _warn_when_mail_waits(app)
    return app


def _warn_when_mail_waits(app: Flask) -> None:
    """A server started without mail settings sends nothing: say so where operators look."""
    if app.config.get("MAIL_SERVER"):
        return
    where = " and show at /dev/mailbox (DEV_MAILBOX=1)" if app.config.get("DEV_MAILBOX") else ""
    app.logger.warning(
        "MAIL_SERVER is not set: no mail is sent. Mails wait in the outbox%s until a mail "
        "server is configured and the mail worker runs.",
        where,
    )


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client's address, scheme and host from the headers
    those proxies set (and only from the last N of them: a client can forge the others)."""
    n = int(app.config.get("TRUSTED_PROXIES") or 0)
    if n > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _init_extensions(app: Flask) -> None:
    from camp_app import models  # noqa: F401  (every table known before anything queries)
    from camp_app.database import enforce_sqlite_foreign_keys, render_migration_item
    from camp_app.i18n import select_locale, select_timezone
    from camp_app.logging_setup import install_redaction

    install_redaction()
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            enforce_sqlite_foreign_keys(engine)
    migrate.init_app(
        app,
        db,
        directory=_bundled_or_source("migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)


def _register_features(app: Flask) -> None:
    from camp_app import request_checks, web
    from camp_app.accounts import cli as accounts_cli
    from camp_app.accounts import routes as accounts_routes
    from camp_app.accounts import second_factor_routes
    from camp_app.api import routes as api_routes
    from camp_app.attendance import routes as attendance_routes
    from camp_app.audit_log import routes as audit_routes
    from camp_app.demo import cli as demo_cli
    from camp_app.errors import register_error_handlers
    from camp_app.events import hooks as events_hooks
    from camp_app.families import hooks as families_hooks
    from camp_app.families import routes as families_routes
    from camp_app.health_center import routes as health_center_routes
    from camp_app.messages import hooks as messages_hooks
    from camp_app.messages import routes as messages_routes
    from camp_app.notifications import cli as notifications_cli
    from camp_app.notifications import routes as notifications_routes
    from camp_app.ops import metrics as ops_metrics
    from camp_app.ops import routes as ops_routes
    from camp_app.privacy import cli as privacy_cli
    from camp_app.privacy import hooks as privacy_hooks
    from camp_app.privacy import routes as privacy_routes
    from camp_app.readiness import cli as readiness_cli
    from camp_app.readiness import hooks as readiness_hooks
    from camp_app.readiness import routes as readiness_routes
    from camp_app.registrations import event_routes as events_routes
    from camp_app.registrations import hooks as registrations_hooks
    from camp_app.registrations import (  # noqa: F401  (their routes join workspace.bp)
        review_routes,
        verification_routes,
        waitlist_routes,
        workspace,
    )
    from camp_app.registrations import routes as registrations_routes
    from camp_app.roster import cabin_routes, export_routes
    from camp_app.roster import hooks as roster_hooks
    from camp_app.roster import routes as roster_routes

    # What each feature answers for the layers below it (camp_app/hooks.py).
    for feature_hooks in (
        families_hooks,
        events_hooks,
        registrations_hooks,
        readiness_hooks,
        roster_hooks,
        messages_hooks,
        privacy_hooks,
    ):
        feature_hooks.connect()
    request_checks.init_app(app)  # first: its <int:...> converter is for every route
    readiness_routes.init_app(app)  # uploads' own size limit, before the CSRF check reads them
    web.init_app(app)
    ops_metrics.init_app(app)
    for blueprint in (
        ops_routes.bp,
        events_routes.bp,
        accounts_routes.bp,
        second_factor_routes.bp,
        families_routes.bp,
        registrations_routes.bp,
        notifications_routes.bp,
        api_routes.bp,
        attendance_routes.bp,
        health_center_routes.bp,  # under /attendance/health-center
        # The coordinator's event workspace (templates/manage/_event_nav.html links them).
        roster_routes.bp,
        workspace.bp,
        cabin_routes.bp,
        messages_routes.bp,
        export_routes.bp,
        readiness_routes.bp,
        audit_routes.bp,
        privacy_routes.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_routes.bp)  # bearer tokens, no cookies: nothing for CSRF to protect
    for command in (
        accounts_cli.users_cli,
        notifications_cli.mail_worker_command,
        demo_cli.seed_demo_command,
        privacy_cli.privacy_cli,
        readiness_cli.reminders_command,
    ):
        app.cli.add_command(command)
    register_error_handlers(app)
