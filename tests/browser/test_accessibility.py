"""WCAG 2.1 AA with axe-core over every page of every role (issue 15): no serious or critical
violation anywhere, every control in the tab order and taking the focus, and a focus ring of
at least 3:1 against what surrounds it.

On the demo data (`flask seed-demo`, plus a message, a registration of the demo family and a
live link of each kind), each role signs in as a person does (the staff account enrols its
authenticator on the way, the others type their code; axe checks those pages and the landing
page at both sizes), then opens the pages that tests/browser/site_map.py plans for it: every
GET route of the app whose declared access lets the role in, filled in from the data. A page
is checked by the first role in site_map.ROLES that may open it, and the event pages and the
account page by every role; at a desktop's size, and the pages people use on a phone
(site_map.PHONE_PAGES) at a phone's size too. A failure names the page, the size, the rule
and the element. Each role's findings, serious or not, and where the time went are written
to test-artifacts/axe-<role>.json.
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from camp_app import create_app
from camp_app.accounts import second_factor, sign_in_links
from camp_app.accounts.account_mails import reset_link, verification_link
from camp_app.accounts.users import find_user_by_email
from camp_app.attendance.models import AttendanceRecord
from camp_app.demo import this_week
from camp_app.demo.seed import demo_password
from camp_app.events.services import event_by_slug
from camp_app.extensions import db
from camp_app.families.invites import invite_guardian
from camp_app.health_center.models import HealthVisit
from camp_app.messages import services as messages
from camp_app.notifications.models import OutboxMail
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.roster.filters import RosterFilter
from camp_app.roster.models import CampGroup
from camp_app.timeutil import camp_today
from tests.browser.a11y import axe_violations, blocking, focus_ring_problems
from tests.browser.artifacts import ARTIFACTS
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.phone import PHONE
from tests.browser.site_map import (
    ANONYMOUS,
    PHONE_PAGES,
    ROLES,
    get_rules,
    pages_for,
    plan,
    skip_reason,
)
from tests.conftest import TEST_DATABASE
from tests.factories import OTP_SECRET, make_registration
from tests.support import databases

DESKTOP = {"width": 1280, "height": 900}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
EMAIL = {role: f"{role}@example.org" for role in ROLES if role != ANONYMOUS}
ENROLS_ON_THE_WAY = "staff"  # signs in without an authenticator yet: walks the enrol page
UOTS, BEAR_HUG = "camp-uots", "bear-hug"  # the demo camps (camp_app.demo.seed)


# --- the site: demo data on a live server, once for the module -----------------------------


@dataclass
class Site:
    app: object
    url: str
    values: dict  # path parameter values, by endpoint ("*" for any) and name
    server_errors: list = field(default_factory=list)

    def value(self, endpoint: str, name: str):
        for key in (endpoint, endpoint.split(".")[0] + ".*", "*"):
            if name in self.values.get(key, {}):
                return self.values[key][name]
        raise AssertionError(
            f"{endpoint} takes <{name}>: add a value for it to test_accessibility.path_values"
        )

    def pages(self, role: str):
        return pages_for(self.app, role, self.value)

    def plan(self, role: str):
        return plan(self.app, role, self.value)


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _newest_mail_link(path_part: str) -> str:
    mail = db.session.scalar(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(1))
    found = re.search(rf"{re.escape(path_part)}([A-Za-z0-9_\-.]+)", mail.body_text)
    assert found, f"no {path_part} link in the newest mail"
    return found.group(1)


def path_values(app) -> dict:
    """Records of every kind a page shows, and their ids for the paths. Commits."""
    today = camp_today()  # the camp's day, as the attendance pages count them
    parent = find_user_by_email(EMAIL["parent"])
    coordinator = find_user_by_email(EMAIL["coordinator"])
    for role in ("coordinator", "nurse", "admin"):  # as if enrolled at an earlier sign-in
        second_factor.enrol_with_secret(find_user_by_email(EMAIL[role]), OTP_SECRET)
    uots, week = event_by_slug(UOTS), event_by_slug(this_week.SLUG)
    child, contact = parent.household.children[0], parent.household.contacts[0]
    mine = make_registration(uots, child, parent, status=RegistrationStatus.PENDING_REVIEW)
    preview = messages.preview(uots, RosterFilter(), "Bus times", "The bus leaves at 9.")
    sent = messages.send(
        coordinator,
        uots,
        RosterFilter(),
        "Bus times",
        "The bus leaves at 9.",
        token=preview.token,
        previewed=preview.previewed,
    )
    checked_in = db.session.scalar(
        select(AttendanceRecord.registration_id).where(AttendanceRecord.date == today).limit(1)
    ) or db.session.scalar(
        select(Registration.id).where(
            Registration.event_id == week.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    group = db.session.scalar(select(CampGroup.id).where(CampGroup.event_id == uots.id).limit(1))
    sign_in_links.request_link(parent.email)
    sign_in_token = _newest_mail_link("/account/sign-in/")
    invite_guardian(parent, "second.guardian@example.org")
    invite_token = _newest_mail_link("/family/invite/")
    newest_mail = db.session.scalar(select(OutboxMail.id).order_by(OutboxMail.id.desc()))
    visit = db.session.scalar(select(HealthVisit.id).order_by(HealthVisit.id).limit(1))
    db.session.commit()
    return {
        "*": {"slug": UOTS, "mail_id": newest_mail},
        "attendance.*": {
            "slug": week.slug,
            "day": today.isoformat(),
            "registration_id": checked_in,
        },
        "review.waitlist": {"slug": BEAR_HUG},  # the demo camp with a waitlist
        "cabins.*": {"group_id": group},
        "messages.*": {"message_id": sent.message.id},
        "families.*": {"child_id": child.id, "contact_id": contact.id, "token": invite_token},
        "registrations.*": {"registration_id": mine.id, "signing_id": mine.signing_id},
        "health_center.*": {
            "slug": week.slug,
            "day": today.isoformat(),
            "registration_id": checked_in,
            "visit_id": visit,
        },
        "readiness.*": {"child_id": child.id},
        "events.consent_document": {"key": "liability_waiver"},
        "accounts.reset": {"token": _token(reset_link(parent))},
        "accounts.verify": {"token": _token(verification_link(parent))},
        "accounts.sign_in_with_link": {"token": sign_in_token},
    }


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    if TEST_DATABASE == "postgresql":
        database = request.getfixturevalue("postgres_database")
        url = database.url
    else:
        url = request.getfixturevalue("sqlite_template").fresh_url(tmp_path_factory.mktemp("a11y"))
    holder = {}
    server = make_server(
        "127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True
    )
    base = f"http://127.0.0.1:{server.port}"
    app = create_app(
        databases.test_config(url, BASE_URL=base, WTF_CSRF_ENABLED=True, DEV_MAILBOX=True)
    )
    if TEST_DATABASE == "postgresql":
        database.truncate_all(app)
    holder["app"] = app
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        values = path_values(app)
        passwords = {role: demo_password(email) for role, email in EMAIL.items()}
    thread = threading.Thread(target=server.serve_forever, name="a11y-server", daemon=True)
    thread.start()
    site = Site(app, base, values)
    site.passwords = passwords
    yield site
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- checking a page -------------------------------------------------------------------------


@dataclass
class Findings:
    role: str
    checked: list = field(default_factory=list)  # (page label, size)
    violations: list = field(default_factory=list)  # axe's, with "page" and "size"
    focus: list = field(default_factory=list)  # focus ring and reachability problems
    statuses: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # where the time went: opening, axe, rings

    def timed(self, what: str, work):
        started = time.monotonic()
        try:
            return work()
        finally:
            self.seconds[what] = self.seconds.get(what, 0) + time.monotonic() - started

    def axe(self, page, label: str, size: str) -> None:
        self.checked.append((label, size))
        for violation in self.timed("axe", lambda: axe_violations(page)):
            self.violations.append({"page": label, "size": size, **violation})

    def rings(self, page, label: str) -> None:
        _checked, problems = self.timed("rings", lambda: focus_ring_problems(page))
        self.focus += [f"{label}: {problem}" for problem in problems]

    def report(self) -> str:
        lines = [
            f"{v['page']} [{v['size']}] {v['rule']} ({v['impact']}): {v['target']}  {v['html']}"
            for v in blocking(self.violations)
        ]
        return "\n".join(lines[:80] + ([f"... and {len(lines) - 80} more"] * (len(lines) > 80)))

    def save(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        counts: dict = {}
        for v in self.violations:
            key = f"{v['rule']} ({v['impact']})"
            counts[key] = counts.get(key, 0) + 1
        summary = {
            "role": self.role,
            "pages_checked": len(self.checked),
            "counts": counts,
            "serious_or_critical": len(blocking(self.violations)),
            "seconds": {what: round(spent, 1) for what, spent in self.seconds.items()},
            "focus_problems": self.focus,
            "violations": self.violations,
        }
        (ARTIFACTS / f"axe-{self.role}.json").write_text(json.dumps(summary, indent=1))


def sign_in(page, site: Site, role: str, findings: Findings) -> None:
    """Through the pages, as the person would; axe on the code (or enrol) page on the way."""
    page.goto("/account/login")
    page.get_by_label("Email address").fill(EMAIL[role])
    page.get_by_label("Password").fill(site.passwords[role])
    page.get_by_role("button", name="Log in").click()
    if page.url.endswith("/account/second-factor/enrol"):
        findings.axe(page, "second_factor.enrol /account/second-factor/enrol", "desktop")
        secret = page.locator("code.otp-secret").inner_text()
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        findings.axe(page, "recovery codes (after enrolling)", "desktop")
        page.get_by_role("link", name="I have saved my codes. Continue").click()
    elif page.url.endswith("/account/second-factor"):
        findings.axe(page, "second_factor.verify /account/second-factor", "desktop")
        code = pyotp.TOTP(OTP_SECRET).now()
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Log in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    check(page, findings, f"landing page {page.url.removeprefix(site.url)}", SIZES)


def check(page, findings: Findings, label: str, sizes) -> None:
    """axe at each size, and the focus rings once, on the page as it is now."""
    for size in sizes:
        page.set_viewport_size(SIZES[size])
        findings.axe(page, label, size)
    findings.rings(page, label)


def visit(page, site: Site, role: str, findings: Findings) -> None:
    for target in site.plan(role):
        sizes = ("desktop", "phone") if target.endpoint in PHONE_PAGES else ("desktop",)
        label = f"{target.endpoint} {target.path}"
        page.set_viewport_size(DESKTOP)
        response = findings.timed("opening", lambda path=target.path: page.goto(path))
        findings.statuses[label] = response.status
        assert response.status < 500, f"{label}: {response.status}"
        if response.url.rstrip("/") != f"{site.url}{target.path}".rstrip("/"):
            continue  # sent elsewhere (a page this role does not use): checked where it lands
        check(page, findings, label, sizes)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_has_no_serious_accessibility_violation(browser, site, role):
    context = browser.new_context(base_url=site.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else 0)
    findings = Findings(role)
    try:
        if role != ANONYMOUS:
            sign_in(page, site, role, findings)
        visit(page, site, role, findings)
    finally:
        findings.save()
        context.close()
    assert not errors, errors
    assert len(findings.checked) >= 4, findings.checked  # it did look at pages
    assert not blocking(findings.violations), (
        f"{len(blocking(findings.violations))} serious or critical axe violations for {role} "
        f"(all of them in test-artifacts/axe-{role}.json):\n{findings.report()}"
    )
    assert not findings.focus, "\n".join(findings.focus[:60])


def test_every_route_is_a_page_someone_visits_or_is_skipped_with_a_reason(site):
    visited = {page.endpoint for role in ROLES for page in site.plan(role)}
    for rule in get_rules(site.app):
        assert rule.endpoint in visited or skip_reason(site.app, rule), rule.endpoint
    assert visited >= PHONE_PAGES, PHONE_PAGES - visited  # renamed? name the new endpoint
    # The pages every role lands on are among them.
    assert {"events.catalog", "families.household", "events.manage", "attendance.index",
            "attendance.health_center", "audit.log"} <= visited  # fmt: skip
