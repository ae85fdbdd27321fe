"""`flask users create` as in the contract: good values create, bad values exit non-zero."""

import pytest

from camp_app.accounts.passwords import verify_password
from camp_app.accounts.users import find_user_by_email
from camp_app.extensions import db
from camp_app.roles import Role
from tests.factories import make_user

GOOD = ["--email", "Coach@Example.org", "--password", "a good long password", "--name", "Coach"]


def test_creates_a_verified_user_with_several_roles(runner, app_ctx):
    result = runner.invoke(
        args=["users", "create", *GOOD, "--role", "coordinator", "--role", "staff", "--verified"]
    )
    assert result.exit_code == 0, result.output
    assert "coach@example.org" in result.output
    user = find_user_by_email("coach@example.org")
    assert user.roles == {Role.COORDINATOR, Role.STAFF}
    assert user.is_verified
    assert user.household is None
    assert verify_password(user.password_hash, "a good long password")


def test_a_parent_gets_a_household_and_stays_unverified_without_the_flag(runner, app_ctx):
    result = runner.invoke(args=["users", "create", *GOOD, "--role", "parent"])
    assert result.exit_code == 0, result.output
    user = find_user_by_email("coach@example.org")
    assert user.household is not None
    assert not user.is_verified


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--email", "not-an-email"], "email"),
        (["--password", "short"], "at least 12 characters"),
        (["--name", "   "], "name"),
        (["--role", "superuser"], "superuser"),
    ],
)
def test_bad_values_exit_non_zero_with_a_clear_message(runner, app_ctx, change, message):
    values = dict(zip(GOOD[::2], GOOD[1::2], strict=True))
    role = ["--role", "parent"]
    if change[0] == "--role":
        role = change
    else:
        values[change[0]] = change[1]
    args = [item for pair in values.items() for item in pair]
    result = runner.invoke(args=["users", "create", *args, *role])
    assert result.exit_code != 0
    assert message in result.output
    assert find_user_by_email("coach@example.org") is None
    assert "Traceback" not in result.output


def test_a_taken_email_exits_non_zero(runner, app_ctx):
    existing = make_user(email="coach@example.org", name="Already Here")
    result = runner.invoke(args=["users", "create", *GOOD, "--role", "admin"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    db.session.refresh(existing)
    assert existing.name == "Already Here"
    assert existing.roles == {Role.PARENT}


def test_a_role_is_required(runner, app_ctx):
    result = runner.invoke(args=["users", "create", *GOOD])
    assert result.exit_code != 0
    assert "--role" in result.output
