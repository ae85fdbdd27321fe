"""The Spanish catalog: the site and eligibility reasons speak Spanish, placeholders stay intact."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from camp_app.extensions import db
from camp_app.registrations import mails
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


# What gives a named child a gender: a participle said of them ("Sofía está confirmado",
# "quedó marcado como ausente"), a pronoun ("recogerlo") or "al niño". ("Ha verificado" is a
# tense, and "la inscripción … confirmada" agrees with the registration: both are fine.)
PARTICIPLES = (
    r"(registrad|inscrit|confirmad|admitid|aceptad|verificad|marcad|recogid|rechazad|"
    r"entregad|anotad|asignad|ubicad)os?"  # the feminine agrees with "la inscripción" etc.
)
GENDERED_ABOUT_A_CHILD = re.compile(
    rf"\b(est[aá]|estar[aá]|qued[oó]|queda|fue|sigue|como|ya)\s+(ya\s+|no\s+)?{PARTICIPLES}\b"
    r"|^(Recogid|Inscrit|Confirmad|Registrad)os?\b|\brecoger(lo|la)\b|\bal niño\b",
    re.IGNORECASE,
)
# Placeholders that name a child in a sentence.
A_CHILD = re.compile(r"%\((child|first|child_name|child_first_name)\)s")


def test_no_spanish_sentence_gives_a_named_child_a_gender():
    """The child's sex is not known: a sentence about a child is phrased neutrally ("La
    inscripción de Sofía está confirmada"), never "Sofía está confirmado"."""
    gendered = []
    for message in read_spanish_catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and A_CHILD.search(text) and GENDERED_ABOUT_A_CHILD.search(text):
                gendered.append((ids[0], text))
    assert gendered == []


def test_a_confirmation_mail_in_spanish_does_not_give_the_child_a_gender(app_ctx):
    guardian = make_user()
    guardian.locale = "es"
    db.session.commit()
    child = make_child(guardian.household, first_name="Sofía")
    event = make_event(name="Sun Camp", translations={"es": {"name": "Campamento Sol"}})

    [mail] = mails.render("confirmed", child, event, "confirmed", [guardian])

    assert mail.subject == "La inscripción de Sofía en Campamento Sol está confirmada"
    assert "está confirmada" in mail.body_text and "confirmado" not in mail.body_text
