"""Every page of the app, for each role, from the app's own routes: each GET route and the
access it declares (camp_app.access), with its path filled in from records of the demo data.
A page added later is visited without anyone listing it here; a route that is no page says
why in SKIPPED (or is recognised by what it is: the API, a download, a static file).
"""

import re
from dataclasses import dataclass

from flask import url_for

from camp_app.access import PUBLIC, SIGNED_IN
from camp_app.roles import Role

ANONYMOUS = "anonymous"
# Who checks a page: the first role here that may open it (a page is one template whatever
# the role; the least privileged sees it as most people do), in time enough for the suite.
ROLES = (ANONYMOUS, Role.PARENT, Role.STAFF, Role.NURSE, Role.COORDINATOR, Role.ADMIN)
ROLES = tuple(str(role) for role in ROLES)
assert set(ROLES) == {ANONYMOUS, *(str(role) for role in Role)}, "a role is missing here"
# ... except these, which every role that may open them checks: what they show changes with
# who reads them (the event's registration panel, the account's roles and sign-in settings).
EVERY_ROLE = {"events.catalog", "events.detail", "accounts.settings"}
# Checked at a phone's size too (axe found the same at both sizes wherever both were run, and
# time is short): every role's landing page (the header and menu on a phone, checked while
# signing in), and the pages people use on a phone: families, and staff and nurses at camp.
PHONE_PAGES = {
    "events.catalog",
    "events.detail",
    "accounts.login",
    "accounts.signup",
    "accounts.settings",
    "families.household",
    "families.add_child",
    "families.add_contact",
    "registrations.register",
    "registrations.mine",
    "attendance.index",
    "attendance.day",
    "attendance.check_out",
    "attendance.health_center",
    "health_center.day",
    "health_center.new_visit",
    "readiness.child_documents",
    "registrations.confirmation",
}

# Routes that are not pages a person reads, each with the reason.
SKIPPED = {
    "ops.healthz": "for the load balancer: JSON, not a page",
    "ops.metrics_page": "for Prometheus: text, not a page",
    "notifications.mailbox_mail_html": (
        "a mail's HTML part, shown framed inside the dev mailbox's mail page (checked there)"
    ),
    # Reached only between the password and the code: the sign-in walks them instead, with
    # axe on each (test_accessibility.sign_in).
    "second_factor.verify": "checked while signing in (the code after the password)",
    "second_factor.enrol": "checked while signing in (the staff account enrols)",
    "brand_css": "the hospital's colours: a style sheet, not a page",
    "brand_logo": "the hospital's logo: an image, not a page",
    "readiness.document_file": "a download (the family's uploaded file), not a page",
}
DOWNLOAD = re.compile(r"\.(csv|xlsx|pdf|json|ics)$")


def skip_reason(app, rule) -> str | None:
    if rule.endpoint == "static":
        return "files (CSS, fonts), not pages"
    if rule.endpoint.startswith("api."):
        return "the JSON API: no pages"
    if DOWNLOAD.search(rule.rule):
        return "a download, not a page"
    if rule.endpoint in SKIPPED:
        return SKIPPED[rule.endpoint]
    return None


def get_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: rule.rule,
    )


def allowed(app, rule, role: str) -> bool:
    access = getattr(app.view_functions[rule.endpoint], "access", None)
    assert access is not None, f"{rule.endpoint} declares no access (camp_app.access)"
    if access == PUBLIC:
        return True
    if role == ANONYMOUS:
        return False
    return access == SIGNED_IN or role in {str(r) for r in access}


@dataclass(frozen=True)
class Page:
    endpoint: str
    path: str


def pages_for(app, role: str, values) -> list[Page]:
    """The pages `role` may open, each with its path filled by `values(endpoint, name)`."""
    pages = []
    for rule in get_rules(app):
        if skip_reason(app, rule) is None and allowed(app, rule, role):
            arguments = {name: values(rule.endpoint, name) for name in rule.arguments}
            with app.test_request_context():
                path = url_for(rule.endpoint, **arguments)
            pages.append(Page(rule.endpoint, path))
    return pages


def plan(app, role: str, values) -> list[Page]:
    """The pages `role` checks: those it is the first in ROLES to open, and EVERY_ROLE's."""
    rules = {rule.endpoint: rule for rule in get_rules(app)}

    def checked_by(endpoint: str) -> str:
        return next(r for r in ROLES if allowed(app, rules[endpoint], r))

    return [
        page
        for page in pages_for(app, role, values)
        if page.endpoint in EVERY_ROLE or checked_by(page.endpoint) == role
    ]
