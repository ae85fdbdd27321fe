"""Putting children into cabins and groups, one or many at a time, with warnings.

A group's limits (beds, ages, gender) warn rather than forbid: a coordinator may have good
reasons (twins, a counsellor's own child). So `assign` first works out what would break and,
unless the coordinator has confirmed, returns the warnings without writing anything.

Capacity is a warning, not a hard limit, so there is no lock: the group's count is re-read in
the same transaction as the write, and two coordinators filling the last bed each see the
count as it was when they pressed the button.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.ids import possible_id
from camp_app.registrations.labels import status_label
from camp_app.registrations.models import ACTIVE, Registration
from camp_app.roster.cabins import (
    assigned_count,
    group_of,
    record_each,
    require_manager,
    uses_cabins,
    whole_number,
)
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, NotFound, Problem
from camp_app.timeutil import age_on, utcnow

MAX_AT_ONCE = 2000  # a whole camp and then some; stops a form from sending a million ids


@dataclass(frozen=True)
class LimitWarning:
    code: str  # over_capacity, too_young, too_old, gender_not_given, gender_mismatch
    message: str
    registration_id: int | None = None  # None: about the whole group


@dataclass
class AssignResult:
    group: CampGroup | None  # None: unassigned
    registration_ids: list[int]  # what was asked, in order
    warnings: list[LimitWarning] = field(default_factory=list)
    assigned: list[int] = field(default_factory=list)  # whose group changed (written)
    written: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.written


def assign(
    actor: User, event: Event, registration_ids: Iterable, group_id: int | None, *, confirm=False
) -> AssignResult:
    """Put the registrations into group `group_id` (None: take them out of any group).

    Only active registrations of this event; anything else is NotFound / InvalidInput. When a
    limit would break and not `confirm`, returns the warnings and writes nothing.
    """
    require_manager(actor)
    ids = clean_ids(registration_ids)
    group = group_of(event, group_id) if group_id is not None else None
    rows = _active_registrations(event, ids)
    target = group.id if group else None
    moving = [
        (registration, child) for registration, child in rows if registration.group_id != target
    ]
    result = AssignResult(group=group, registration_ids=ids)
    if group is not None and moving:
        result.warnings = limit_warnings(event, group, assigned_count(group), moving)
    if result.warnings and not confirm:
        return result
    if moving:
        moving_ids = [registration.id for registration, _child in moving]
        db.session.execute(
            update(Registration)
            .where(Registration.id.in_(moving_ids))
            .values(group_id=target, updated_at=utcnow())
        )
        table = Registration.__tablename__
        record_each(actor.id, "registration.group", table, moving_ids, ["group_id"])
        result.assigned = moving_ids
    db.session.commit()
    result.written = True
    return result


def clean_ids(values: Iterable) -> list[int]:
    """Registration ids from a form or a caller, duplicates dropped, order kept."""
    ids: list[int] = []
    for value in values or ():
        if isinstance(value, str):
            value = whole_number(value)
        if not possible_id(value):
            raise InvalidInput(Problem("invalid_id", _("Please choose children from the list.")))
        ids.append(value)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput(Problem("required", _("Please tick at least one child.")))
    if len(ids) > MAX_AT_ONCE:
        message = _("Please choose at most %(count)d children at once.", count=MAX_AT_ONCE)
        raise InvalidInput(Problem("too_many", message))
    return ids


def _active_registrations(event: Event, ids: list[int]) -> list[tuple[Registration, Child]]:
    """The registrations with their children (one query), in the order asked."""
    found = {
        registration.id: (registration, child)
        for registration, child in db.session.execute(
            select(Registration, Child)
            .join(Child, Child.id == Registration.child_id)
            .where(Registration.id.in_(ids), Registration.event_id == event.id)
        ).all()
    }
    if len(found) != len(ids):  # another event's, or none at all: never say which
        message = _("We could not find that registration for this event.")
        raise NotFound(Problem("not_found", message))
    problems = [
        Problem(
            "not_active",
            _(
                "%(child)s's registration is “%(status)s”, so they cannot be placed.",
                child=child.full_name,
                status=status_label(registration.status),
            ),
        )
        for registration, child in found.values()
        if registration.status not in ACTIVE
    ]
    if problems:
        raise InvalidInput(problems)
    return [found[i] for i in ids]


# --- warnings --------------------------------------------------------------------------


def limit_warnings(event: Event, group: CampGroup, current: int, moving) -> list[LimitWarning]:
    """What would break if the `moving` (registration, child) pairs joined the group, which
    has `current` children now."""
    warnings = []
    after = current + len(moving)
    if after > group.capacity:
        warnings.append(LimitWarning("over_capacity", capacity_message(event, group, after)))
    for registration, child in moving:
        warnings.extend(child_warnings(event, group, registration.id, child))
    return warnings


def capacity_message(event: Event, group: CampGroup, count: int, *, already=False) -> str:
    """ "Cabin Bears would have 9 children for 8 beds" (`already`: "has", for the page).
    Whole sentences, literal in each call, so that translators see them."""
    values = {"name": group.name, "count": count}
    if uses_cabins(event) and already:
        return ngettext(
            "Cabin %(name)s has %(count)d children for %(num)d bed.",
            "Cabin %(name)s has %(count)d children for %(num)d beds.",
            group.capacity,
            **values,
        )
    if uses_cabins(event):
        return ngettext(
            "Cabin %(name)s would have %(count)d children for %(num)d bed.",
            "Cabin %(name)s would have %(count)d children for %(num)d beds.",
            group.capacity,
            **values,
        )
    if already:
        return ngettext(
            "Group %(name)s has %(count)d children for %(num)d place.",
            "Group %(name)s has %(count)d children for %(num)d places.",
            group.capacity,
            **values,
        )
    return ngettext(
        "Group %(name)s would have %(count)d children for %(num)d place.",
        "Group %(name)s would have %(count)d children for %(num)d places.",
        group.capacity,
        **values,
    )


def child_warnings(event: Event, group: CampGroup, registration_id, child: Child) -> list:
    """The child's own clashes with the group's ages and gender (age on the first day)."""
    warnings = []
    age = age_on(child.date_of_birth, event.starts_on)
    too_young = group.min_age is not None and age < group.min_age
    too_old = group.max_age is not None and age > group.max_age
    if too_young or too_old:
        message = _(
            "%(child)s is %(age)d; %(group)s is for %(ages)s.",
            child=child.full_name,
            age=age,
            group=group.name,
            ages=age_limits(group),
        )
        code = "too_young" if too_young else "too_old"
        warnings.append(LimitWarning(code, message, registration_id))
    if group.gender and child.gender != group.gender:
        warnings.append(_gender_warning(group, registration_id, child))
    return warnings


def _gender_warning(group: CampGroup, registration_id, child: Child) -> LimitWarning:
    audience = gender_audience(group.gender)
    if not child.gender:
        message = _(
            "%(child)s's gender is not given; %(group)s is for %(audience)s.",
            child=child.full_name,
            group=group.name,
            audience=audience,
        )
        return LimitWarning("gender_not_given", message, registration_id)
    message = _(
        "%(child)s is listed as %(gender)s; %(group)s is for %(audience)s.",
        child=child.full_name,
        gender=gender_word(child.gender),
        group=group.name,
        audience=audience,
    )
    return LimitWarning("gender_mismatch", message, registration_id)


def age_limits(group: CampGroup) -> str:
    """ "ages 7 to 10" (with an en dash), "ages 7 and up", "ages up to 10", or "" (none)."""
    if group.min_age is not None and group.max_age is not None:
        return _("ages %(low)d–%(high)d", low=group.min_age, high=group.max_age)  # noqa: RUF001
    if group.min_age is not None:
        return _("ages %(low)d and up", low=group.min_age)
    if group.max_age is not None:
        return _("ages up to %(high)d", high=group.max_age)
    return ""


def gender_audience(gender: str) -> str:
    """Who a gendered group is for, in words."""
    return {"female": _("girls"), "male": _("boys"), "nonbinary": _("nonbinary campers")}.get(
        gender, _("anyone")
    )


def gender_word(gender: str) -> str:
    """A child's gender as the family gave it ("" : not given)."""
    return {"female": _("female"), "male": _("male"), "nonbinary": _("nonbinary")}.get(
        gender, _("not given")
    )
