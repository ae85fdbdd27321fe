"""The clock of the anonymous answers' memory (camp_app/public_cache.py), for tests."""

from camp_app import public_cache


def move_clock(monkeypatch, seconds: float) -> None:
    """The memory's clock, `seconds` later (sleeping through the kept time would make a test
    depend on how fast a loaded machine answers the requests before)."""
    later = public_cache.monotonic() + seconds
    monkeypatch.setattr(public_cache, "monotonic", lambda: later)
