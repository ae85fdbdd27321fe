"""The waitlist pages are coordinator pages like verification's: the same fixtures."""

from tests.verification.conftest import coordinator, ctx  # noqa: F401
