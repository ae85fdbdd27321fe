"""The Spanish catalog: the site and eligibility reasons speak Spanish, placeholders stay intact."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from camp_app.registrations.eligibility import evaluate
from tests.factories import make_child, make_event, make_user

CATALOG = Path(__file__).resolve().parent.parent / "camp_app/translations/es/LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read_spanish_catalog():
    with open(CATALOG / "messages.po", "rb") as po:
        return read_po(po, locale="es")


@pytest.fixture
def app_config(tmp_path) -> dict:
    # Compile the committed .po ourselves so the test does not depend on `make install`.
    target = tmp_path / "translations" / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, read_spanish_catalog())
    return {"BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}


def test_visitor_who_chooses_spanish_sees_the_home_page_in_spanish(client):
    english = client.get("/").get_data(as_text=True)
    assert "Upcoming events" in english

    client.post("/language/es", data={"next": "/"})
    page = client.get("/", follow_redirects=True).get_data(as_text=True)

    assert "Próximos eventos" in page
    assert "Upcoming events" not in page


def test_eligibility_reason_is_spanish_under_force_locale(app_ctx):
    parent = make_user()
    child = make_child(parent.household, first_name="Sofía")
    event = make_event(name="Campamento Sol")

    with force_locale("es"):
        reasons = evaluate(
            event, child, parent.household, datetime.now(UTC), consents={}, signature=""
        )
    messages = {reason.code: reason.message for reason in reasons}

    assert messages["signature_missing"] == (
        "Escriba su nombre completo para firmar la inscripción de Sofía, por favor."
    )


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    mismatched = []
    for message in read_spanish_catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for text in strings:
            if text and placeholders(text) != expected:
                mismatched.append((ids[0], text))
    assert mismatched == []
