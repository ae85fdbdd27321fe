"""Helpers for the household tests.

Page tests keep each client request in its own app context (Flask-Login caches the signed-in
user in `g`, which a shared app context would carry from one person's request to the next).
"""

import re
from datetime import date

import pytest

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from tests.support.outside_requests import data, person, sign_in  # noqa: F401  (for the tests here)

INVITE_LINK = re.compile(r"/family/invite/([A-Za-z0-9_\-]+)")


@pytest.fixture
def ctx(app):
    """A request context for calling services directly (translations need one)."""
    with app.test_request_context():
        yield app


def child_data(**fields) -> dict:
    values = {
        "first_name": "Maya",
        "last_name": "Lopez",
        "date_of_birth": "2016-05-01",
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "diagnosis": "Acute lymphoblastic leukemia",
        "treated_at_hospital": True,
        "allergies": "Peanuts (anaphylaxis)",
        "dietary_needs": "No nuts",
        "medical_conditions": "Port-a-cath",
        "medications": [
            {"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals"},
            {"name": "Bactrim", "dose": "1 tablet", "schedule": "weekends"},
        ],
        "physician_name": "Dr. Rivera",
        "physician_phone": "(305) 555-0123",
    }
    values.update(fields)
    return values


def years_ago(years: int, today: date | None = None) -> date:
    today = today or date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def invite_token_for(email: str) -> str:
    """The token from the newest invitation mail to `email` (call inside an app context)."""
    mail = db.session.scalars(
        db.select(OutboxMail)
        .where(OutboxMail.category == "guardian_invite", OutboxMail.to_address == email)
        .order_by(OutboxMail.id.desc())
    ).first()
    assert mail is not None, "no invitation mail in the outbox"
    return INVITE_LINK.search(mail.body_text).group(1)
