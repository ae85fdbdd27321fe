"""Hooks: how a lower feature asks the features above it, without importing them.

The package graph points one way (docs/architecture.md). Where a lower layer genuinely must
involve an upper one (a new parent account needs a household; the mail worker's housekeeping
purges old sign-in rows), the lower module declares a Hook and the upper feature connects its
function at app start (its `hooks.connect()`, called by create_app). Calling a hook calls every
connected function synchronously, in the caller's transaction, and returns their answers.
"""

from collections.abc import Callable


class HookNotConnected(RuntimeError):
    """A required hook was called before any feature connected to it: the app was not built by
    create_app, or a feature's hooks.connect() is missing."""


class Hook:
    def __init__(self, name: str, *, required: bool = True):
        self.name = name
        self.required = required
        self._receivers: list[Callable] = []

    def connect(self, receiver: Callable) -> Callable:
        """Add `receiver` (once: create_app runs many times in the tests)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def __call__(self, *args, **kwargs) -> list:
        if self.required and not self._receivers:
            raise HookNotConnected(self.name)
        return [receiver(*args, **kwargs) for receiver in self._receivers]
