"""Who may use a page. Every view declares it; tests check that none forgets."""

from functools import wraps

from flask import abort
from flask_login import current_user

from camp_app.extensions import login_manager

PUBLIC = ("public",)
SIGNED_IN = ("signed_in",)


def public(view):
    """Anyone, signed in or not."""
    view.access = PUBLIC
    return view


def signed_in(view):
    """Any signed-in person, whatever their roles."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = SIGNED_IN
    return wrapped


def roles_required(*roles: str):
    """Signed-in people holding at least one of `roles`; others get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = tuple(roles)
        return wrapped

    return decorate
