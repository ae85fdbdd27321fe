import pytest


@pytest.fixture
def app_ctx(app):
    """An app context inside a request: service messages are translated for the request's
    locale (camp_app.i18n.select_locale reads the session)."""
    with app.test_request_context("/"):
        yield app
