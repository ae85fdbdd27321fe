"""The hospital's own look comes from settings (camp_app/branding.py): name, logo, colour,
phone and footer show in the pages and the mails; nothing hard-codes the old name."""

import html
import re
from pathlib import Path

import pytest

from camp_app import create_app
from camp_app.accounts import account_mails, second_factor
from camp_app.branding import checked_color, contrast
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
OLD_NAME = re.compile(r"Children(&#39;|'|\u2019)s Hospital|Hospital Camps")
# One PNG pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_nothing_hard_codes_the_old_name():
    """Only the default setting (branding.DEFAULT_NAME) may name it."""
    found = []
    for folder, pattern in (("camp_app", "*.py"), ("templates", "*.*")):
        for path in (ROOT / folder).rglob(pattern):
            if path.name == "branding.py" or "translations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OLD_NAME.finditer(text)]
    assert found == []


@pytest.fixture
def app_config(tmp_path) -> dict:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PIXEL)
    return {
        "BRAND_NAME": "St. Mary's Camps",
        "BRAND_NAME_ES": "Campamentos Santa María",
        "BRAND_PRIMARY_COLOR": "#6A1B9A",
        "BRAND_LOGO": str(logo),
        "BRAND_PHONE": "(305) 555-0100",
        "BRAND_FOOTER": "St. Mary Medical Center, 1 Bay Road, Miami",
        "BRAND_FOOTER_ES": "Hospital Infantil Santa María, 1 Bay Road, Miami",
        "BASE_URL": "http://camp.test",
    }


def test_pages_show_the_hospitals_name_logo_colour_phone_and_footer(client):
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "<title>Upcoming events · St. Mary's Camps</title>" in page
    assert 'src="/brand-logo"' in page and 'href="/brand.css"' in page
    assert "Camp office: (305) 555-0100" in page
    assert "St. Mary Medical Center, 1 Bay Road, Miami" in page
    assert not OLD_NAME.search(page)

    css = client.get("/brand.css")
    assert css.mimetype == "text/css"
    assert "--brand: #6a1b9a;" in css.get_data(as_text=True)
    logo = client.get("/brand-logo")
    assert (logo.status_code, logo.mimetype, logo.data) == (200, "image/png", PIXEL)

    spanish = html.unescape(
        client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    )
    assert "Campamentos Santa María" in spanish
    assert "Hospital Infantil Santa María, 1 Bay Road, Miami" in spanish
    assert "Oficina de campamentos: (305) 555-0100" in spanish


@pytest.mark.parametrize(
    ("locale", "name", "phone"),
    [
        ("en", "St. Mary's Camps", "Camp office: (305) 555-0100"),
        ("es", "Campamentos Santa María", "Oficina de campamentos: (305) 555-0100"),
    ],
)
def test_mails_carry_the_hospitals_name_and_phone(app_ctx, locale, name, phone):
    user = make_user()
    user.locale = locale
    account_mails.queue_password_reset(user)
    db.session.commit()
    mail = db.session.scalars(db.select(OutboxMail)).one()
    for body in (mail.body_text, html.unescape(mail.body_html)):
        assert name in body and phone in body
        assert not OLD_NAME.search(body)


def test_the_authenticator_app_shows_the_hospitals_name(app_ctx):
    user = make_user()
    uri = second_factor.provisioning_uri(user, "JBSWY3DPEHPK3PXP")
    assert "issuer=St.%20Mary%27s%20Camps" in uri


def test_contrast_is_the_wcag_ratio():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#0b5cab", "#ffffff"), 2) >= 4.5


@pytest.mark.parametrize(
    ("color", "message"),
    [("#ffcc00", "too light"), ("#7f8c8d", "too light"), ("purple", "like #0b5cab")],
)
def test_an_unreadable_or_malformed_colour_stops_the_app(monkeypatch, tmp_path, color, message):
    with pytest.raises(RuntimeError, match=message):
        checked_color(color)
    monkeypatch.setenv("BRAND_PRIMARY_COLOR", color)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(RuntimeError, match="BRAND_PRIMARY_COLOR"):
        create_app({"SECRET_KEY": "x", "ENCRYPTION_KEYS": None})


def test_a_logo_that_is_not_there_stops_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("BRAND_LOGO", str(tmp_path / "missing.png"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(RuntimeError, match="BRAND_LOGO names no file"):
        create_app({"SECRET_KEY": "x"})
