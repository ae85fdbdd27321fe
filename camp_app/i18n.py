"""Locale and time zone choice for Flask-Babel."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    if not has_request_context():
        # CLI commands and workers: callers who write to a person use force_locale.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return header_language()


def header_language() -> str:
    """The language the request's Accept-Language chooses among ours, English by default."""
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def select_timezone() -> str:
    return current_app.config["CAMP_TIMEZONE"]
