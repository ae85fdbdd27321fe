"""camp_app.hooks: how a lower feature calls the features above it that connected."""

import pytest

from camp_app.accounts.services import PARENT_ACCOUNT_ADDED
from camp_app.audit.links import LINKERS
from camp_app.families.models import Household
from camp_app.hooks import Hook, HookNotConnected
from camp_app.notifications.cli import PURGE_OLD_ROWS


def test_a_hook_calls_each_connected_function_once_and_returns_their_answers():
    calls = []
    hook = Hook("example")

    def first(value):
        calls.append(("first", value))
        return 1

    def second(value):
        calls.append(("second", value))
        return 2

    for receiver in (first, second, first):  # create_app connects again for every app
        hook.connect(receiver)
    assert hook("x") == [1, 2]
    assert calls == [("first", "x"), ("second", "x")]


def test_a_required_hook_nobody_connected_refuses_to_be_skipped():
    with pytest.raises(HookNotConnected, match="a parent's account was added"):
        Hook("a parent's account was added")()


def test_an_optional_hook_nobody_connected_answers_nothing():
    assert Hook("purge", required=False)() == []


def test_the_app_connects_every_features_hooks(app_ctx):
    parent = _FakeUser()
    assert PARENT_ACCOUNT_ADDED(parent) == [None]
    assert isinstance(parent.household, Household)
    assert len(PURGE_OLD_ROWS()) == 1  # privacy: the retention policy (sign-in rows too)
    assert set(LINKERS) == {"events", "registrations", "camp_groups", "event_messages"}


class _FakeUser:
    household = None
