"""A clock the account tests can move: accounts code takes `now` from camp_app.timeutil."""

from datetime import UTC, datetime, timedelta

import pytest

from camp_app import timeutil


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **amount) -> None:
        self.now += timedelta(**amount)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock
