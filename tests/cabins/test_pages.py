"""The cabins page through real requests: roles, forms, warnings, moves, bad ids, queries."""

import html
import re

import pytest

from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.roster.models import CampGroup
from tests.factories import login, make_user
from tests.support.queries import statements_for

from .helpers import (
    audit,
    camp,
    coordinator,
    group,
    group_id_of,
    many_registered,
    registered,
)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def event(app_ctx):
    return camp(name="Camp Sunrise")


@pytest.fixture
def signed_in(app_ctx, client):
    user = coordinator()
    assert login(client, user).status_code == 302
    return user


def url(event, rest="") -> str:
    return f"/manage/events/{event.slug}/cabins{rest}"


def flashes(client, event) -> str:
    return page_text(client.get(url(event)))


# --- access ----------------------------------------------------------------------------


def _every_route(event, bears):
    return [
        ("get", url(event), {}),
        ("post", url(event, "/groups"), {"name": "Owls", "capacity": "4"}),
        ("get", url(event, f"/groups/{bears.id}/edit"), {}),
        ("post", url(event, f"/groups/{bears.id}/edit"), {"name": "X", "capacity": "4"}),
        ("get", url(event, f"/groups/{bears.id}/delete"), {}),
        ("post", url(event, f"/groups/{bears.id}/delete"), {}),
        ("post", url(event, "/assign"), {"registration_ids": "1", "group_id": str(bears.id)}),
    ]


def test_anonymous_people_are_sent_to_log_in_and_parents_and_staff_get_403(app_ctx, client, event):
    bears = group(event)
    for method, path, data in _every_route(event, bears):
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    for role in (Role.PARENT, Role.STAFF):
        other = app_ctx.test_client()
        login(other, make_user((role,)))
        for method, path, data in _every_route(event, bears):
            assert getattr(other, method)(path, data=data).status_code == 403, (role, path)
    assert db.session.get(CampGroup, bears.id).name == "Bears"


def test_coordinators_and_admins_see_the_page_even_before_publishing(app_ctx, client):
    hidden = camp(published=False)
    for role in (Role.COORDINATOR, Role.ADMIN):
        other = app_ctx.test_client()
        login(other, make_user((role,)))
        response = other.get(url(hidden))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/manage/events/no-such-camp/cabins").status_code == 302  # not signed in
    login(client, coordinator())
    assert client.get("/manage/events/no-such-camp/cabins").status_code == 404


def test_overnight_camps_say_cabins_and_day_camps_say_groups(app_ctx, client, signed_in):
    overnight = page_text(client.get(url(camp())))
    assert "<h1>Cabins</h1>" in overnight and "Add a cabin" in overnight
    assert '<label for="capacity">Beds</label>' in overnight
    day = page_text(client.get(url(camp(kind="day_camp"))))
    assert "<h1>Groups</h1>" in day and "Add a group" in day and "Add a cabin" not in day
    assert '<label for="capacity">Places</label>' in day


# --- groups ----------------------------------------------------------------------------


def test_add_a_group_and_see_its_limits(client, signed_in, event):
    form = {"name": "Bears", "capacity": "8", "min_age": "7", "max_age": "10", "gender": "female"}
    response = client.post(url(event, "/groups"), data=form)
    assert response.status_code == 302
    [bears] = db.session.scalars(db.select(CampGroup)).all()
    assert response.headers["Location"].endswith(f"/cabins#group-{bears.id}")
    page = flashes(client, event)
    assert "“Bears” was added." in page
    assert "0 of 8 beds" in page and "ages 7–10" in page and "for girls" in page  # noqa: RUF001


def test_bad_group_input_is_shown_next_to_the_fields(client, signed_in, event):
    group(event, "Bears")
    response = client.post(
        url(event, "/groups"),
        data={"name": "bears", "capacity": "0", "min_age": "9", "max_age": "8"},
    )
    assert response.status_code == 422
    page = page_text(response)
    assert re.search(r'id="name-error">Camp Sunrise already has one called “bears”', page)
    assert re.search(r'id="capacity-error">Please enter a whole number from 1 to 500', page)
    assert re.search(r'id="max_age-error">The youngest age must not be above', page)
    assert db.session.scalar(db.select(db.func.count()).select_from(CampGroup)) == 1


def test_edit_a_group(client, signed_in, event):
    bears = group(event, "Bears", capacity=8, min_age=7)
    page = page_text(client.get(url(event, f"/groups/{bears.id}/edit")))
    assert 'value="Bears"' in page and 'value="8"' in page and 'value="7"' in page
    bad = client.post(url(event, f"/groups/{bears.id}/edit"), data={"name": "", "capacity": "8"})
    assert bad.status_code == 422 and 'id="name-error"' in page_text(bad)
    response = client.post(
        url(event, f"/groups/{bears.id}/edit"), data={"name": "Brown Bears", "capacity": "9"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (bears.name, bears.capacity, bears.min_age) == ("Brown Bears", 9, None)
    assert audit("camp_group.update")[0].fields == ["capacity", "min_age", "name"]


def test_deleting_asks_first_and_says_who_will_be_unassigned(client, signed_in, event):
    maya, ben = registered(event), registered(event, "Ben", "Adams")
    bears = group(event, members=[maya, ben])
    confirm = page_text(client.get(url(event, f"/groups/{bears.id}/delete")))
    assert "2 children are in Bears. They will be unassigned" in confirm
    assert db.session.get(CampGroup, bears.id) is not None
    response = client.post(url(event, f"/groups/{bears.id}/delete"))
    assert response.status_code == 302
    assert "“Bears” was deleted; 2 children are now unassigned." in flashes(client, event)
    db.session.expire_all()
    assert group_id_of(maya.id) is None and db.session.get(CampGroup, bears.id) is None


def test_another_events_group_or_an_unknown_one_is_404(client, signed_in, event):
    foreign = group(camp(), "Owls")
    for path in (f"/groups/{foreign.id}/edit", f"/groups/{foreign.id}/delete", "/groups/9999/edit"):
        assert client.get(url(event, path)).status_code == 404
        assert client.post(url(event, path), data={"name": "X", "capacity": "1"}).status_code == 404
    assert db.session.get(CampGroup, foreign.id).name == "Owls"


# --- the board and assigning -----------------------------------------------------------


def test_the_page_lists_each_group_with_its_children_and_the_unassigned(client, signed_in, event):
    maya = registered(event, "Maya", "Lopez", age=9, gender="female")
    group(event, "Bears", capacity=8, members=[maya])
    registered(event, "Ben", "Adams", age=11, gender="male")
    registered(event, "Lea", "Wong", status="waitlisted")
    registered(event, "Old", "Cancel", status="cancelled")
    page = page_text(client.get(url(event)))
    bears = page[page.index('id="group-') : page.index('id="unassigned"')]
    assert "Maya Lopez" in bears and "age 9 · female" in bears and "1 of 8 beds" in bears
    unassigned = page[page.index('id="unassigned"') : page.index('id="add-group"')]
    assert "Ben Adams" in unassigned and 'type="checkbox" name="registration_ids"' in unassigned
    assert "Lea Wong" not in page and "1 child on the waitlist is not listed here." in page
    assert "Old Cancel" not in page


def test_bulk_assign_from_the_unassigned_list(client, signed_in, event):
    children = many_registered(event, 3)
    bears = group(event)
    ids = [str(r.id) for r in children]
    response = client.post(
        url(event, "/assign"), data={"registration_ids": ids, "group_id": bears.id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#group-{bears.id}")
    assert "3 children are now in Bears." in flashes(client, event)
    db.session.expire_all()
    assert {group_id_of(r.id) for r in children} == {bears.id}


def test_warnings_need_assign_anyway_with_the_same_selection(client, signed_in, event):
    bears = group(event, capacity=1, min_age=7, max_age=10, gender="female")
    maya = registered(event, "Maya", "Lopez", age=12, gender="female")
    sam = registered(event, "Sam", "Lee", age=8)
    form = {"registration_ids": [str(maya.id), str(sam.id)], "group_id": str(bears.id)}
    response = client.post(url(event, "/assign"), data=form)
    assert response.status_code == 200
    page = page_text(response)
    for message in (
        "Cabin Bears would have 2 children for 1 bed.",
        "Maya Lopez is 12; Bears is for ages 7–10.",  # noqa: RUF001
        "Sam Lee's gender is not given; Bears is for girls.",
    ):
        assert message in page
    anyway = page[page.index('id="warnings"') : page.index("Assign anyway")]
    for hidden in (maya.id, sam.id):
        assert f'name="registration_ids" value="{hidden}"' in anyway
    assert f'name="group_id" value="{bears.id}"' in anyway and 'name="confirm" value="1"' in anyway
    assert f'value="{maya.id}" checked' in page  # the ticks stay in the list too
    assert 'aria-current="page">Cabins and groups</a>' in page  # still this tab
    db.session.expire_all()
    assert group_id_of(maya.id) is None and audit("registration.group") == []

    confirmed = client.post(url(event, "/assign"), data={**form, "confirm": "1"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert group_id_of(maya.id) == group_id_of(sam.id) == bears.id
    page = flashes(client, event)
    assert "Cabin Bears has 2 children for 1 bed." in page  # still flagged on the board
    assert "Maya Lopez is 12; Bears is for ages 7–10." in page  # noqa: RUF001


def test_move_one_child_and_take_them_out(client, signed_in, event):
    maya = registered(event)
    bears, owls = group(event, "Bears", members=[maya]), group(event, "Owls")
    page = page_text(client.get(url(event)))
    label = f'<label for="move-{maya.id}" class="visually-hidden">Cabin for Maya Lopez</label>'
    assert label in page
    moved = client.post(
        url(event, "/assign"), data={"registration_ids": maya.id, "group_id": owls.id}
    )
    assert moved.status_code == 302 and "1 child is now in Owls." in flashes(client, event)
    db.session.expire_all()
    assert group_id_of(maya.id) == owls.id != bears.id
    out = client.post(url(event, "/assign"), data={"registration_ids": maya.id, "group_id": "none"})
    assert out.status_code == 302 and "1 child is now unassigned." in flashes(client, event)
    db.session.expire_all()
    assert group_id_of(maya.id) is None


def test_bad_ids_answer_404_or_a_clear_message_and_change_nothing(client, signed_in, event):
    bears = group(event)
    mine = registered(event)
    other_event = camp()
    foreign = registered(other_event, "Otto", "Other")
    foreign_group = group(other_event, "Owls")
    post = lambda **form: client.post(url(event, "/assign"), data=form)  # noqa: E731
    assert post(registration_ids=foreign.id, group_id=bears.id).status_code == 404
    assert post(registration_ids=mine.id, group_id=foreign_group.id).status_code == 404
    assert post(registration_ids=mine.id, group_id="bears").status_code == 404
    for odd_group in ("9" * 5000, "²", "٣"):
        assert post(registration_ids=mine.id, group_id=odd_group).status_code == 404
    cases = [
        (
            {"registration_ids": "abc", "group_id": bears.id},
            "Please choose children from the list.",
        ),
        ({"group_id": bears.id}, "Please tick at least one child."),
        ({"registration_ids": mine.id, "group_id": ""}, "Please choose where the children"),
    ]
    for form, message in cases:
        response = post(**form)
        assert response.status_code == 422
        assert message in page_text(response).split('id="assign-errors"')[1]
    gone = registered(event, "Ana", "Diaz", status="cancelled")
    response = post(registration_ids=gone.id, group_id=bears.id)
    assert response.status_code == 422
    assert "Ana Diaz's registration is “Cancelled”" in page_text(response)
    assert f'<option value="{bears.id}" selected>Bears</option>' in page_text(response)
    db.session.expire_all()
    assert group_id_of(mine.id) is None and audit("registration.group") == []


def test_forgetting_to_choose_a_cabin_keeps_the_ticks(client, signed_in, event):
    group(event)
    maya, ben, leo = registered(event), registered(event, "Ben", "Adams"), registered(event, "Leo")
    form = {"registration_ids": [str(maya.id), str(leo.id)], "group_id": ""}
    response = client.post(url(event, "/assign"), data=form)
    assert response.status_code == 422
    page = page_text(response)
    assert "Please choose where the children should go." in page
    assert f'value="{maya.id}" checked' in page and f'value="{leo.id}" checked' in page
    assert f'value="{ben.id}">' in page  # not ticked
    db.session.expire_all()
    assert group_id_of(maya.id) is None


def _page_statements(client, event) -> int:
    return statements_for(client, url(event))


def test_the_page_costs_the_same_queries_for_5_and_50_children(client, signed_in, event):
    bears, owls = group(event, "Bears", capacity=30), group(event, "Owls", capacity=30)
    small = many_registered(event, 5)
    for registration in small[:3]:
        registration.group_id = bears.id
    db.session.commit()
    five = _page_statements(client, event)
    more = many_registered(event, 45, gender="male")
    for registration in more[:20]:
        registration.group_id = owls.id
    db.session.commit()
    fifty = _page_statements(client, event)
    assert five == fifty <= 6
    assert "Kid" in page_text(client.get(url(event)))
