"""Forms every feature shares."""

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A POST button (confirm, remove, check in, publish…): only its CSRF token."""
