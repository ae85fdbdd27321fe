"""GET /api/v1/audit (contract v1.1, Audit): admins only; newest first with keyset paging;
filters by actor, record, time, kind and action; a bad argument is 422 naming it, never 500."""

from datetime import UTC, datetime, timedelta

import pytest

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.extensions import db
from camp_app.roles import Role
from tests.api.conftest import codes_of, token_for
from tests.factories import make_user


@pytest.fixture
def admin(app_ctx):
    user = make_user((Role.ADMIN,))
    return user, token_for(user)


def _entry(actor_id, action, *, kind=EntryKind.CHANGE, entity=("events", 1), at=None, **more):
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity[0],
        entity_id=entity[1],
        fields=["name"],
        kind=kind,
        **more,
    )
    if at is not None:
        entry.at = at
    db.session.add(entry)
    db.session.commit()
    return entry.id


def _clear():
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()


def test_pages_walk_the_log_newest_first_without_gaps_or_repeats(api, admin):
    user, token = admin
    _clear()
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    made = [_entry(user.id, "event.update", at=start + timedelta(minutes=n)) for n in range(5)]
    made.append(_entry(user.id, "event.update", at=start + timedelta(minutes=4)))  # same time
    seen, cursor, pages = [], None, 0
    while True:
        answer = api.get("/audit?limit=2" + (f"&cursor={cursor}" if cursor else ""), token)
        assert answer.status_code == 200
        body = answer.get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [made[5], made[4], made[3], made[2], made[1], made[0]]


def test_an_item_has_the_contract_fields_and_what_a_read_held(api, admin):
    user, token = admin
    _clear()
    _entry(
        user.id,
        "event.roster_read",
        kind=EntryKind.READ,
        entity=("events", 7),
        record_count=2,
        record_ids=[3, 9],
    )
    [item] = api.get("/audit", token).get_json()["items"]
    assert {"at", "actor_id", "action", "record_type", "record_id", "fields"} <= set(item)
    assert (item["actor_id"], item["action"], item["record_type"], item["record_id"]) == (
        user.id,
        "event.roster_read",
        "events",
        7,
    )
    assert (item["kind"], item["record_count"], item["record_ids"]) == ("read", 2, [3, 9])
    assert datetime.fromisoformat(item["at"]).tzinfo is not None


def test_the_filters_narrow_the_list(api, admin):
    user, token = admin
    other = make_user((Role.COORDINATOR,))
    _clear()
    old = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)  # the others are written now
    ids = {
        "old_change": _entry(other.id, "child.update", entity=("children", 5), at=old),
        "read": _entry(other.id, "child.medical_read", kind=EntryKind.READ, entity=("children", 5)),
        "sign_in": _entry(user.id, "sign_in.web", kind=EntryKind.SIGN_IN, entity=("users", 1)),
        "failed": _entry(None, "sign_in.failed", kind=EntryKind.SIGN_IN, entity=("users", 2)),
    }

    def shown(query):
        answer = api.get(f"/audit?{query}", token)
        assert answer.status_code == 200, answer.get_json()
        return {item["id"] for item in answer.get_json()["items"]}

    assert shown(f"actor_id={other.id}") == {ids["old_change"], ids["read"]}
    assert shown("record_type=children&record_id=5") == {ids["old_change"], ids["read"]}
    assert shown("kind=read") == {ids["read"]}
    assert shown("kind=sign_in") == {ids["sign_in"], ids["failed"]}
    assert shown("action=sign_in.") == {ids["sign_in"], ids["failed"]}
    assert shown("action=sign_in.failed") == {ids["failed"]}
    assert shown("since=2026-03-02") == {ids["read"], ids["sign_in"], ids["failed"]}
    # A day starts at midnight in the camp's zone: 03:30 UTC on 1 March is still 28 February.
    assert ids["old_change"] in shown("since=2026-02-28")
    assert ids["old_change"] not in shown("since=2026-03-01")
    assert ids["old_change"] in shown("since=2026-03-01T03:00:00%2B00:00")
    assert ids["old_change"] not in shown("since=2026-03-01T04:00:00Z")


@pytest.mark.parametrize("role", [Role.PARENT, Role.COORDINATOR, Role.STAFF, Role.NURSE])
def test_only_admins_may_read_the_log(api, app_ctx, role):
    token = token_for(make_user((role,)))
    assert api.get("/audit", token).status_code == 403
    assert api.get("/audit").status_code == 401


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("actor_id=abc", "invalid_actor_id"),
        ("actor_id=0", "invalid_actor_id"),
        ("actor_id=99999999999", "invalid_actor_id"),
        ("record_id=-3", "invalid_record_id"),
        ("record_type=Bad%20Type", "invalid_record_type"),
        ("since=yesterday", "invalid_since"),
        ("since=2027-01-01T00:00:00", "invalid_since"),  # no offset: which zone?
        ("since=0001-01-01", "invalid_since"),
        ("since=2027-02-30", "invalid_since"),
        ("kind=everything", "invalid_kind"),
        ("action=DROP%20TABLE", "invalid_action"),
        ("limit=500", "invalid_limit"),
        ("limit=0", "invalid_limit"),
        ("cursor=x", "invalid_cursor"),
    ],
)
def test_a_bad_argument_is_422_naming_it(api, admin, query, code):
    _user, token = admin
    answer = api.get(f"/audit?{query}", token)
    assert answer.status_code == 422
    assert codes_of(answer) == [code]


def test_a_cursor_past_the_end_is_an_empty_last_page(api, admin):
    _user, token = admin
    body = api.get("/audit?cursor=2147483647", token).get_json()
    assert body["next"] is None


def test_a_childs_entries_include_the_list_reads_that_showed_it(api, admin):
    user, token = admin
    _clear()
    own = _entry(user.id, "child.medical_read", kind=EntryKind.READ, entity=("children", 1))
    listed = _entry(user.id, "event.roster_read", kind=EntryKind.READ, record_ids=[5, 1, 12])
    _entry(user.id, "event.roster_read", kind=EntryKind.READ, record_ids=[12, 21, 111])
    answer = api.get("/audit?record_type=children&record_id=1", token)
    assert answer.status_code == 200, answer.get_json()
    assert [item["id"] for item in answer.get_json()["items"]] == [listed, own]
