"""Fixtures for camp readiness: documents stored in the test's own folder, people with
tokens, an event that asks for two documents and a registered child."""

from datetime import date

import pytest

from camp_app.extensions import db
from camp_app.readiness.models import ChildDocument
from camp_app.roles import Role
from tests.api.conftest import Api, hash_test_passwords_once, password_hash, token_for  # noqa: F401
from tests.factories import make_child, make_contact, make_event, make_registration, make_user

REQUIRED = [
    {
        "key": "physician_form",
        "title": "Physician's clearance",
        "description": "Signed by the oncologist within 60 days of camp.",
        "due_days_before": 30,
    },
    {
        "key": "immunizations",
        "title": "Immunization record",
        "description": "",
        "due_days_before": 14,
    },
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.fixture
def documents_folder(tmp_path):
    return tmp_path / "documents"


@pytest.fixture
def app_config(documents_folder):
    return {"DOCUMENT_STORAGE_URL": documents_folder.as_uri()}


@pytest.fixture
def api(client):
    return Api(client)


class World:
    def __init__(self):
        self.event = make_event(
            slug="summer-camp",
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 19),
            required_documents=REQUIRED,
            arrival_details="Sunday 2 pm at the main lodge.",
            packing_list="Sleeping bag, sunscreen, a flashlight.",
        )
        self.parent = make_user((Role.PARENT,), name="Paula Parent")
        make_contact(self.parent.household)
        self.child = make_child(self.parent.household, first_name="Maya", last_name="Lopez")
        self.registration = make_registration(self.event, self.child, self.parent)
        self.other_parent = make_user((Role.PARENT,), name="Otto Other")
        self.other_child = make_child(self.other_parent.household, first_name="Omar")
        make_registration(self.event, self.other_child, self.other_parent)
        self.coordinator = make_user((Role.COORDINATOR,), name="Cora Coordinator")
        self.nurse = make_user((Role.NURSE,), name="Nora Nurse")
        self.staff = make_user((Role.STAFF,), name="Stan Staff")
        self.tokens = {
            name: token_for(getattr(self, name))
            for name in ("parent", "other_parent", "coordinator", "nurse", "staff")
        }


@pytest.fixture
def world(app_ctx):
    return World()


def stored_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def document_rows() -> int:
    return db.session.query(ChildDocument).count()
