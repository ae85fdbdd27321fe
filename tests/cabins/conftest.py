"""Every cabin test user has the same password: hash it once (scrypt is slow on purpose)."""

import pytest

from camp_app.accounts import users
from camp_app.accounts.passwords import hash_password
from tests.factories import PASSWORD


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def hash_test_passwords_once(monkeypatch, password_hash):
    def cached(password: str) -> str:
        return password_hash if password == PASSWORD else hash_password(password)

    monkeypatch.setattr(users, "hash_password", cached)
