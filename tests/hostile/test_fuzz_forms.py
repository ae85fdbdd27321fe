"""Every form a visitor, a parent, a coordinator, a staff member, a nurse and an admin can
reach, one field at a time, with hostile values: no answer is a server error, nothing hostile
is stored, and no hostile value is written to the log."""

import logging
from itertools import count

import pytest

from camp_app.extensions import limiter
from tests.factories import pass_second_factor
from tests.hostile.fuzz import (
    LOG_NEEDLES,
    FormFuzzer,
    Tally,
    crawl,
    form_key,
)
from tests.hostile.world import Snapshot, build_world

_addresses = count(1)


@pytest.fixture
def world(sqlite_app):
    return build_world(sqlite_app)


def _client(app, world, role: str | None):
    """A fresh client from its own address (the login limits count per address), signed in."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    if role is not None:
        response = client.post(
            "/account/login", data={"email": world.emails[role], "password": world.password}
        )
        assert response.status_code == 302, f"{role} could not sign in"
        if response.location == "/account/second-factor":
            pass_second_factor(client, world.emails[role])
    return client


def _starts(world) -> dict[str | None, list[str]]:
    slugs, tokens = world.slugs, world.tokens
    return {
        None: [
            "/",
            f"/events/{slugs['open']}",
            "/account/login",
            "/account/signup",
            "/account/forgot",
            "/account/resend-verification",
            f"/account/reset/{tokens['reset']}",
            f"/account/verify/{tokens['verify']}",
        ],
        "parent": ["/family", "/registrations", f"/events/{slugs['open']}/register"],
        "invitee": [f"/family/invite/{tokens['invite']}"],
        "coordinator": [
            f"/manage/events/{slugs['review']}/dashboard",
            f"/manage/events/{slugs['running']}/dashboard",
            "/manage/events",
            "/manage/outbox",
        ],
        "staff": ["/attendance/"],
        "nurse": [
            f"/attendance/health-center/{slugs['running']}/{world.day}",
            f"/attendance/health-center/{slugs['running']}/{world.day}/visits",
            f"/attendance/health-center/{slugs['running']}/{world.day}/visits/new",
        ],
        "admin": ["/admin/audit", "/account/settings"],
    }


def _good_values(app, world):
    """Valid values for fields a page leaves empty; path-specific ones first."""
    per_path = {
        "/account/login": {"email": world.emails["visitor"], "password": world.password},
        "/account/signup": {"email": "newcomer@example.org"},
        "/account/forgot": {"email": world.emails["visitor"]},
        "/account/resend-verification": {"email": world.emails["unverified"]},
        "/family/invites": {"email": "aunt@example.org"},
    }
    common = {
        "name": "Owls",
        "first_name": "Nina",
        "last_name": "Lopez",
        "date_of_birth": "2015-04-30",
        "phone": "(305) 555-0100",
        "physician_phone": "(305) 555-0101",
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "email": "someone@example.org",
        "password": "a long enough password",
        "password_confirm": "a long enough password",
        "current_password": world.password,
        "new_password": "another long password",
        "new_password_confirm": "another long password",
        "signature": "Ana Rivera",
        "slug": "fuzz-camp",
        "starts_on": "2027-08-01",
        "ends_on": "2027-08-05",
        "registration_opens_at": "2027-01-01T09:00",
        "registration_closes_at": "2027-06-01T17:00",
        "capacity": "20",
        "min_age": "",  # no limit: the message's audience stays the whole roster
        "max_age": "",
        "subject": "See you at camp",
        "body": "Bring a hat.",
        "reason": "sick",
        "complaint": "Headache",
        "text": "Better after lunch",
        "override_reason": "Approved by the medical team",
        "medical_treatment": "y",
        "liability_waiver": "y",
    }

    def good(path: str, name: str) -> str | None:
        specific = next((v for p, v in per_path.items() if path.startswith(p)), {})
        if name in specific:
            return specific[name]
        return common.get(name)

    return good


def _fuzz_roles(app, world, roles, tmp_path) -> Tally:
    snapshot = Snapshot(app, tmp_path)
    tally = Tally()
    good = _good_values(app, world)
    done = set()
    for role in roles:
        found = crawl(_client(app, world, role), _starts(world)[role], tally)
        # The camps with the most going on first: their forms are the ones fuzzed.
        rich = (f"/{world.slugs['review']}/", f"/{world.slugs['running']}/")
        found.sort(key=lambda page_form: not any(s in page_form[0] for s in rich))
        fuzzer = FormFuzzer(app, snapshot, lambda r=role: _client(app, world, r), good, tally)
        pending = list(found)
        while pending:
            page, form = pending.pop(0)
            key = form_key(form)
            if key in done:
                continue
            done.add(key)
            follow_ups = fuzzer.fuzz(page, form, role or "visitor")
            pending += [(page, f) for f in follow_ups]
            snapshot.restore()
    return tally


def _check(tally: Tally, caplog, minimum_forms: int) -> None:
    print("\n" + tally.summary())
    print("\n".join(tally.baselines))
    print("\n".join(tally.stored))
    print("\n".join(tally.errors))
    assert tally.forms >= minimum_forms, tally.form_names
    assert not tally.errors, tally.errors[:40]
    assert not tally.stored, tally.stored[:40]
    leaked = [n for n in LOG_NEEDLES if n in caplog.text]
    assert not leaked, f"hostile values in the log: {leaked}"


@pytest.fixture
def quiet_limits(sqlite_app):
    yield
    limiter.reset()


def test_every_form_of_visitors_and_parents_refuses_hostile_input(
    sqlite_app, world, tmp_path, caplog, quiet_limits
):
    caplog.set_level(logging.INFO, logger="camp_app")
    tally = _fuzz_roles(sqlite_app, world, (None, "parent", "invitee"), tmp_path)
    _check(tally, caplog, minimum_forms=15)


def test_every_form_of_coordinators_staff_and_admins_refuses_hostile_input(
    sqlite_app, world, tmp_path, caplog, quiet_limits
):
    caplog.set_level(logging.INFO, logger="camp_app")
    roles = ("coordinator", "staff", "admin", "nurse")
    tally = _fuzz_roles(sqlite_app, world, roles, tmp_path)
    _check(tally, caplog, minimum_forms=20)
