"""A page of an event's roster: the registrations the shared filter selects, with what each
row shows, in a fixed number of queries whatever the event's size.

Queries: the count (filters.count_matching), the page (child and group from the filter's own
joins, only the columns shown, and whether a mail about the registration failed, as a
correlated EXISTS in the same statement), the guardians of the page's households (plain
columns, so no User and none of its eager role rows are loaded), and the waitlist positions of
the page's pending and waitlisted rows in their lines (one window query).
"""

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.roster.filters import (
    RosterFilter,
    count_matching,
    filtered_query,
    mail_failed,
    parse_filter,
)
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput
from camp_app.timeutil import age_on

PER_PAGE = 50


@dataclass(frozen=True)
class Guardian:
    name: str
    phone: str


@dataclass(frozen=True)
class RosterRow:
    registration: Registration
    age: int  # on the event's first day
    line_position: int | None  # in the review queue (pending) or on the waitlist
    guardians: list[Guardian]
    mail_failed: bool = False  # a mail about it (confirmation, status) could not be delivered

    @property
    def child(self) -> Child:
        return self.registration.child

    @property
    def waitlist_position(self) -> int | None:
        if self.registration.status == RegistrationStatus.WAITLISTED:
            return self.line_position
        return None


@dataclass(frozen=True)
class RosterPage:
    rows: list[RosterRow]
    total: int
    page: int
    pages: int
    requested_page: int  # what the link asked for; differs when it was past the end

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return (self.page - 1) * PER_PAGE + len(self.rows)


def page_number(raw) -> int:
    """The page a link asks for: 1 for anything that is not a positive whole number."""
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 10**6 else 1


def event_groups(event: Event) -> list[CampGroup]:
    """The event's cabins or groups by name: the filter's choices."""
    query = select(CampGroup).where(CampGroup.event_id == event.id).order_by(CampGroup.name)
    return list(db.session.scalars(query))


def _page_query(event: Event, f: RosterFilter, page: int):
    shown = (Child.first_name, Child.last_name, Child.date_of_birth, Child.relationship)
    return (
        filtered_query(event, f)
        .options(
            # filtered_query already joins the child and (outer) the group: reuse those joins.
            contains_eager(Registration.child).load_only(*shown, Child.patient_verification),
            contains_eager(Registration.group).load_only(CampGroup.name),
            # No raiseload("*") to guard against per-row queries: the option stays on the
            # loaded objects and would break a later lazy load in the same session (the review
            # queue, after this page, in one test session). tests/roster counts statements.
        )
        .add_columns(mail_failed().label("mail_failed"))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )


def _guardians(household_ids: set[int]) -> dict[int, list[Guardian]]:
    if not household_ids:
        return {}
    query = (
        select(User.household_id, User.name, User.phone)
        .where(User.household_id.in_(household_ids))
        .order_by(User.household_id, User.id)
    )
    found: dict[int, list[Guardian]] = {}
    for household_id, name, phone in db.session.execute(query):
        found.setdefault(household_id, []).append(Guardian(name, phone or ""))
    return found


IN_LINE = (RegistrationStatus.PENDING_REVIEW, RegistrationStatus.WAITLISTED)


def _positions_in_line(event: Event, registration_ids: list[int]) -> dict[int, int]:
    """Where each of `registration_ids` stands in its line (1 = first): the review queue for
    pending ones, the waitlist for waitlisted ones. Both are served in the order received."""
    if not registration_ids:
        return {}
    position = (
        func.row_number()
        .over(partition_by=Registration.status, order_by=Registration.sequence)
        .label("position")
    )
    lines = (
        select(Registration.id, position)
        .where(Registration.event_id == event.id, Registration.status.in_(IN_LINE))
        .subquery()
    )
    query = select(lines.c.id, lines.c.position).where(lines.c.id.in_(registration_ids))
    return dict(db.session.execute(query).all())


def roster_page(event: Event, f: RosterFilter, page: int = 1) -> RosterPage:
    """The `page`th page (PER_PAGE rows) of the registrations `f` selects. A page past the
    end gives the last page (requested_page tells), never an error."""
    total = count_matching(event, f)
    pages = max(math.ceil(total / PER_PAGE), 1)
    shown_page = min(max(page, 1), pages)
    found = db.session.execute(_page_query(event, f, shown_page)).all()
    registrations = [registration for registration, _failed in found]
    failed = {registration.id for registration, flag in found if flag}
    guardians = _guardians({r.household_id for r in registrations})
    in_line = [r.id for r in registrations if r.status in IN_LINE]
    positions = _positions_in_line(event, in_line)
    rows = [
        RosterRow(
            registration=r,
            age=age_on(r.child.date_of_birth, event.starts_on),
            line_position=positions.get(r.id),
            guardians=guardians.get(r.household_id, []),
            mail_failed=r.id in failed,
        )
        for r in registrations
    ]
    return RosterPage(rows, total, shown_page, pages, page)


@dataclass(frozen=True)
class RosterView:
    groups: list[CampGroup]  # the event's, for the filter's choices
    chosen: RosterFilter  # the filter applied (the default one when the input was refused)
    problems: dict[str | None, list[str]]  # messages by form field, for refused input
    page: RosterPage


def roster_view(event: Event, args) -> RosterView:
    """What the roster page shows for its query string `args`: never raises for bad input.
    A refused filter shows the whole roster with the messages, rather than a guess."""
    groups = event_groups(event)
    problems: dict[str | None, list[str]] = {}
    try:
        chosen = parse_filter(args, group_ids=[g.id for g in groups])
    except InvalidInput as error:
        problems, chosen = error.by_field(), RosterFilter()
    page = roster_page(event, chosen, page_number(args.get("page")))
    return RosterView(groups, chosen, problems, page)
