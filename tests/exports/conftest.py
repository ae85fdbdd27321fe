"""Fixtures for the exports: a coordinator signed in, and a camp with two cabins."""

import types

import pytest

from camp_app.roles import Role
from tests.exports.helpers import cabin, registered_child
from tests.factories import login, make_event, make_user


@pytest.fixture
def coordinator(app_ctx):
    return make_user((Role.COORDINATOR,), name="Cora Coordinator")


@pytest.fixture
def as_coordinator(client, coordinator):
    assert login(client, coordinator).status_code == 302
    return client


@pytest.fixture
def camp(app_ctx):
    """Pine and Birch cabins; Maya (Pine), Ben (Birch), Zoë (no cabin) confirmed; Pat pending in
    Pine; Wes waitlisted; Cal cancelled."""
    event = make_event(name="Summer Camp")
    pine, birch = cabin(event, "Pine"), cabin(event, "Birch")
    people = types.SimpleNamespace(event=event, pine=pine, birch=birch)
    people.maya = registered_child(
        event,
        group=pine,
        first_name="Maya",
        last_name="Lopez",
        allergies="peanuts",
        diagnosis="Secret diagnosis text",
        dietary_needs="vegetarian",
        physician_name="Dr. House",
        physician_phone="+13055550123",
        medications=[{"name": "Ondansetron", "dose": "4 mg", "schedule": "every 8 hours"}],
    )
    people.ben = registered_child(event, group=birch, first_name="Ben", last_name="Adams")
    people.zoe = registered_child(event, first_name="Zoë", last_name="Núñez", allergies="")
    people.pat = registered_child(
        event, status="pending_review", group=pine, first_name="Pat", last_name="Brown"
    )
    people.wes = registered_child(event, status="waitlisted", first_name="Wes", last_name="Ng")
    people.cal = registered_child(event, status="cancelled", first_name="Cal", last_name="Old")
    return people
