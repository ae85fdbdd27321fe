"""The cabins page's data: every group with its children, and who is still unassigned.

Two queries whatever the size: the event's groups, and its active registrations with their
children's names, birthdays and genders. Each child carries the group limits they break, so
the page can flag what changed since they were placed (a group's ages edited later, say).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import ACTIVE, SEAT_HOLDING, Registration, RegistrationStatus
from camp_app.roster.assignments import LimitWarning, capacity_message, child_warnings
from camp_app.roster.cabins import groups_of
from camp_app.roster.models import CampGroup
from camp_app.timeutil import age_on


@dataclass
class Member:
    registration_id: int
    status: str
    group_id: int | None
    first_name: str
    last_name: str
    date_of_birth: date
    gender: str
    age: int
    warnings: list[LimitWarning] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


@dataclass
class GroupCard:
    group: CampGroup
    members: list[Member] = field(default_factory=list)
    capacity_warning: str = ""  # set when more children than beds or places

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def free(self) -> int:
        return max(0, self.group.capacity - self.count)


@dataclass
class Board:
    event: Event
    cards: list[GroupCard]
    unassigned: list[Member]  # pending or confirmed, in no group
    waitlisted_unassigned: int  # not listed: they may never come

    @property
    def groups(self) -> list[CampGroup]:
        return [card.group for card in self.cards]

    @property
    def assigned(self) -> int:
        return sum(card.count for card in self.cards)

    @property
    def places(self) -> int:
        return sum(card.group.capacity for card in self.cards)


def cabin_board(event: Event) -> Board:
    cards = {group.id: GroupCard(group) for group in groups_of(event)}
    unassigned, waitlisted = [], 0
    for member in _members(event):
        card = cards.get(member.group_id)
        if card is not None:
            member.warnings = child_warnings(event, card.group, member.registration_id, member)
            card.members.append(member)
        elif member.status in SEAT_HOLDING:
            unassigned.append(member)
        else:
            waitlisted += 1
    for card in cards.values():
        if card.count > card.group.capacity:
            card.capacity_warning = capacity_message(event, card.group, card.count, already=True)
    return Board(event, list(cards.values()), unassigned, waitlisted)


def _members(event: Event) -> list[Member]:
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.status,
            Registration.group_id,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.gender,
        )
        .join(Child, Child.id == Registration.child_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Registration.id)
    ).all()
    return [
        Member(
            registration_id=reg_id,
            status=status,
            group_id=group_id,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            gender=gender or "",
            age=age_on(born, event.starts_on),
        )
        for reg_id, status, group_id, first, last, born, gender in rows
    ]
