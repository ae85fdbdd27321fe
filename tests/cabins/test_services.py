"""Cabins and groups through their services: rules, warnings, audit, query counts."""
# ruff: noqa: RUF001  (the en dash in age ranges is intended typography)

import pytest

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.roster import assignments, cabins
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, NotAllowed, NotFound
from tests.support.queries import counted_statements

from .helpers import (
    audit,
    camp,
    coordinator,
    group,
    group_id_of,
    many_registered,
    registered,
)

BEARS = {"name": "Bears", "capacity": "8", "min_age": "7", "max_age": "10", "gender": "female"}


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def problems_of(caught) -> dict:
    return {p.field: p.message for p in caught.value.problems}


# --- groups ----------------------------------------------------------------------------


def test_create_group_keeps_clean_values_and_audits_field_names(ctx):
    event, actor = camp(), coordinator()
    made = cabins.create_group(actor, event, {**BEARS, "name": "  Bears "})
    db.session.expire_all()
    saved = db.session.get(CampGroup, made.id)
    assert (saved.name, saved.capacity, saved.min_age, saved.max_age, saved.gender) == (
        "Bears",
        8,
        7,
        10,
        "female",
    )
    [entry] = audit("camp_group.create")
    assert entry.actor_id == actor.id and entry.entity_id == made.id
    assert entry.fields == ["capacity", "gender", "max_age", "min_age", "name"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "  "}, "name", "name"),
        ({"name": "x" * 81}, "name", "at most 80"),
        ({"capacity": "0"}, "capacity", "from 1 to 500"),
        ({"capacity": "501"}, "capacity", "from 1 to 500"),
        ({"capacity": "eight"}, "capacity", "whole number"),
        ({"capacity": "²"}, "capacity", "whole number"),
        ({"capacity": "9" * 5000}, "capacity", "whole number"),
        ({"capacity": ""}, "capacity", "required"),
        ({"min_age": "-1"}, "min_age", "from 0 to 30"),
        ({"max_age": "31"}, "max_age", "from 0 to 30"),
        ({"min_age": "11", "max_age": "10"}, "max_age", "youngest age must not be above"),
        ({"gender": "robot"}, "gender", "girls, boys, nonbinary campers or anyone"),
    ],
)
def test_bad_group_input_is_named_and_nothing_is_saved(ctx, data, field, words):
    event = camp()
    with pytest.raises(InvalidInput) as caught:
        cabins.create_group(coordinator(), event, {**BEARS, **data})
    assert words in problems_of(caught)[field]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(CampGroup)) == 0


def test_names_are_unique_per_event_whatever_the_case(ctx):
    event, other_event, actor = camp(), camp(), coordinator()
    cabins.create_group(actor, event, BEARS)
    with pytest.raises(InvalidInput) as caught:
        cabins.create_group(actor, event, {**BEARS, "name": "bears"})
    assert "already has one called “bears”" in problems_of(caught)["name"]
    cabins.create_group(actor, other_event, BEARS)  # another camp may have its own Bears


def test_only_coordinators_and_admins_manage_groups(ctx):
    event = camp()
    for role in (Role.PARENT, Role.STAFF):
        with pytest.raises(NotAllowed):
            cabins.create_group(coordinator(role), event, BEARS)
    assert cabins.create_group(coordinator(Role.ADMIN), event, BEARS).id


def test_update_group_audits_changed_names_and_checks_the_name(ctx):
    event, actor = camp(), coordinator()
    bears = group(event, "Bears", capacity=8)
    group(event, "Otters")
    changed = cabins.update_group(actor, event, bears, {"name": "Bears", "capacity": "10"})
    assert changed == ["capacity"] and bears.capacity == 10
    [entry] = audit("camp_group.update")
    assert entry.fields == ["capacity"]
    with pytest.raises(InvalidInput) as caught:
        cabins.update_group(actor, event, bears, {"name": "OTTERS", "capacity": "10"})
    assert "already has one" in problems_of(caught)["name"]
    with pytest.raises(NotFound):
        cabins.update_group(actor, camp(), bears, {"name": "B", "capacity": "1"})


def test_deleting_a_group_unassigns_its_children_and_says_how_many(ctx):
    event, actor = camp(), coordinator()
    maya, ben = registered(event), registered(event, "Ben", "Adams")
    cancelled = registered(event, "Ana", "Diaz", status="cancelled")
    bears = group(event, members=[maya, ben, cancelled])
    assert cabins.delete_group(actor, event, bears) == 2  # the cancelled one is not counted
    db.session.expire_all()
    assert db.session.get(CampGroup, bears.id) is None
    assert {group_id_of(r.id) for r in (maya, ben, cancelled)} == {None}
    assert len(audit("camp_group.delete")) == 1
    assert {e.entity_id for e in audit("registration.group")} == {maya.id, ben.id, cancelled.id}


# --- assigning -------------------------------------------------------------------------


def test_assign_one_child_writes_and_audits_the_field_name(ctx):
    event, actor = camp(), coordinator()
    maya = registered(event)
    bears = group(event)
    result = assignments.assign(actor, event, [maya.id], bears.id)
    assert result.written and result.assigned == [maya.id] and result.warnings == []
    db.session.expire_all()
    assert group_id_of(maya.id) == bears.id
    [entry] = audit("registration.group")
    assert (entry.entity_type, entry.entity_id, entry.fields) == (
        "registrations",
        maya.id,
        ["group_id"],
    )


def test_bulk_assign_and_unassign(ctx):
    event, actor = camp(), coordinator()
    children = many_registered(event, 4)
    pending = registered(event, "Ben", "Adams", status="pending_review")
    bears = group(event)
    ids = [str(r.id) for r in children] + [pending.id, children[0].id]  # text, and a repeat
    result = assignments.assign(actor, event, ids, bears.id)
    assert result.written and len(result.assigned) == 5
    assert {group_id_of(r.id) for r in [*children, pending]} == {bears.id}
    again = assignments.assign(actor, event, [children[0].id], bears.id)
    assert again.written and again.assigned == []  # already there: nothing to do
    out = assignments.assign(actor, event, [children[0].id, children[1].id], None)
    assert out.assigned == [children[0].id, children[1].id]
    assert group_id_of(children[0].id) is None and group_id_of(children[2].id) == bears.id
    assert len(audit("registration.group")) == 7


def test_over_capacity_warns_and_writes_nothing_until_confirmed(ctx):
    event, actor = camp(), coordinator()
    inside = registered(event, "Ana", "Diaz")
    bears = group(event, capacity=2, members=[inside])
    newcomers = [registered(event, "Maya", "Lopez"), registered(event, "Ben", "Adams")]
    ids = [r.id for r in newcomers]
    result = assignments.assign(actor, event, ids, bears.id)
    assert result.needs_confirmation and not result.written and result.assigned == []
    assert [(w.code, w.message) for w in result.warnings] == [
        ("over_capacity", "Cabin Bears would have 3 children for 2 beds.")
    ]
    db.session.expire_all()
    assert [group_id_of(i) for i in ids] == [None, None]
    assert audit("registration.group") == []
    confirmed = assignments.assign(actor, event, ids, bears.id, confirm=True)
    assert confirmed.written and confirmed.assigned == ids
    assert [w.code for w in confirmed.warnings] == ["over_capacity"]  # kept in the result
    assert [group_id_of(i) for i in ids] == [bears.id, bears.id]


def test_capacity_counts_only_active_children(ctx):
    event, actor = camp(), coordinator()
    gone = registered(event, "Ana", "Diaz", status="cancelled")
    bears = group(event, capacity=1, members=[gone])
    result = assignments.assign(actor, event, [registered(event).id], bears.id)
    assert result.written and result.warnings == []


def test_a_day_camp_speaks_of_groups_and_places(ctx):
    event, actor = camp(kind="day_camp"), coordinator()
    otters = group(event, "Otters", capacity=1)
    ids = [r.id for r in many_registered(event, 2)]
    [warning] = assignments.assign(actor, event, ids, otters.id).warnings
    assert warning.message == "Group Otters would have 2 children for 1 place."


def test_age_warnings_use_the_age_on_the_first_day(ctx):
    event, actor = camp(), coordinator()
    bears = group(event, min_age=7, max_age=10)
    old = registered(event, "Maya", "Lopez", age=12)
    young = registered(event, "Leo", "Park", age=6)
    fits = registered(event, "Ben", "Adams", age=10)
    result = assignments.assign(actor, event, [old.id, young.id, fits.id], bears.id)
    assert [(w.code, w.registration_id, w.message) for w in result.warnings] == [
        ("too_old", old.id, "Maya Lopez is 12; Bears is for ages 7–10."),
        ("too_young", young.id, "Leo Park is 6; Bears is for ages 7–10."),
    ]
    assert not result.written
    only_min = group(event, "Owls", min_age=8)
    [warning] = assignments.assign(actor, event, [young.id], only_min.id).warnings
    assert warning.message == "Leo Park is 6; Owls is for ages 8 and up."


def test_gender_warnings_include_a_gender_not_given(ctx):
    event, actor = camp(), coordinator()
    bears = group(event, gender="female")
    sam = registered(event, "Sam", "Lee", gender="")
    leo = registered(event, "Leo", "Park", gender="male")
    maya = registered(event, "Maya", "Lopez", gender="female")
    result = assignments.assign(actor, event, [sam.id, leo.id, maya.id], bears.id)
    assert [(w.code, w.message) for w in result.warnings] == [
        ("gender_not_given", "Sam Lee's gender is not given; Bears is for girls."),
        ("gender_mismatch", "Leo Park is listed as male; Bears is for girls."),
    ]
    assert [group_id_of(r.id) for r in (sam, leo, maya)] == [None, None, None]


def test_registrations_of_another_event_or_inactive_ones_are_refused(ctx):
    event, other_event, actor = camp(), camp(), coordinator()
    bears = group(event)
    foreign = registered(other_event)
    with pytest.raises(NotFound):
        assignments.assign(actor, event, [registered(event).id, foreign.id], bears.id)
    with pytest.raises(NotFound):
        assignments.assign(actor, event, [999999], bears.id)
    with pytest.raises(NotFound):  # a group of another event
        assignments.assign(actor, event, [registered(event).id], group(other_event).id)
    declined = registered(event, "Ana", "Diaz", status="declined")
    with pytest.raises(InvalidInput) as caught:
        assignments.assign(actor, event, [declined.id], bears.id)
    assert "Ana Diaz's registration is “Declined”" in caught.value.problems[0].message
    for bad in ([], ["abc"], [True], [0], ["²"], ["1" * 5000], [2**40]):
        with pytest.raises(InvalidInput):
            assignments.assign(actor, event, bad, bears.id)
    with pytest.raises(NotAllowed):
        assignments.assign(coordinator(Role.STAFF), event, [registered(event).id], bears.id)
    assert audit("registration.group") == []


def test_a_waitlisted_child_may_be_placed(ctx):
    event, actor = camp(), coordinator()
    waiting = registered(event, status="waitlisted")
    result = assignments.assign(actor, event, [waiting.id], group(event).id)
    assert result.written and result.assigned == [waiting.id]


def _assign_statements(event, actor, ids, group_id) -> int:
    db.session.expire_all()
    event = db.session.get(type(event), event.id)
    actor = db.session.get(type(actor), actor.id)
    _ = actor.roles
    with counted_statements() as counted:
        result = assignments.assign(actor, event, ids, group_id, confirm=True)
    assert result.written and len(result.assigned) == len(ids)
    return len(counted)


def test_bulk_assign_costs_the_same_few_queries_for_5_and_200_children(ctx):
    event, actor = camp(capacity=500), coordinator()
    bears, owls = group(event, capacity=3, gender="male"), group(event, "Owls", capacity=3)
    small = [r.id for r in many_registered(event, 5)]
    large = [r.id for r in many_registered(event, 200)]
    five = _assign_statements(event, actor, small, bears.id)
    two_hundred = _assign_statements(event, actor, large, owls.id)
    assert five == two_hundred <= 6  # group, registrations, count, update, audit
    assert db.session.scalar(
        db.select(db.func.count()).where(Registration.group_id == owls.id)
    ) == len(large)


def test_the_count_is_read_afresh_when_another_coordinator_took_the_last_bed(ctx):
    event, actor = camp(), coordinator()
    bears = group(event, capacity=1)
    first, second = registered(event), registered(event, "Ben", "Adams")
    bears_id, first_id, second_id = bears.id, first.id, second.id
    # Another coordinator's request, on its own connection, fills the bed and commits.
    with db.engine.begin() as other:
        other.execute(
            db.update(Registration).where(Registration.id == first_id).values(group_id=bears_id)
        )
    result = assignments.assign(actor, event, [second_id], bears_id)
    assert [w.message for w in result.warnings] == ["Cabin Bears would have 2 children for 1 bed."]
    assert not result.written


def test_a_name_saved_meanwhile_by_someone_else_gives_the_same_clear_message(ctx, monkeypatch):
    event, actor = camp(), coordinator()
    cabins.create_group(actor, event, BEARS)
    # The check ran before the other coordinator's commit: only the unique index notices.
    monkeypatch.setattr(cabins, "_name_taken", lambda *_args: False)
    with pytest.raises(InvalidInput) as caught:
        cabins.create_group(actor, event, BEARS)
    assert "already has one called “Bears”" in problems_of(caught)["name"]
    owls = cabins.create_group(actor, event, {**BEARS, "name": "Owls"})  # the session works
    with pytest.raises(InvalidInput):
        cabins.update_group(actor, event, owls, {**BEARS, "name": "Bears"})
    assert len(audit("camp_group.create")) == 2
