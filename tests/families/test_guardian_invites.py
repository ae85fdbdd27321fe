"""Inviting a second guardian: the mail, the one-time token, joining, and every refusal."""

import hashlib
import threading
from datetime import timedelta

import pytest

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families import services
from camp_app.families.models import Contact, GuardianInvite, Household
from camp_app.notifications.models import OutboxMail
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound
from camp_app.timeutil import utcnow
from tests.factories import make_child, make_contact, make_user

from .conftest import invite_token_for


def code_of(error) -> str:
    [problem] = error.problems
    return problem.code


def test_invitation_mail_carries_a_one_time_link_and_no_medical_details(ctx):
    parent = make_user(name="Rosa Lopez")
    make_child(parent.household, allergies="shellfish", diagnosis="sickle cell")
    invite = services.invite_guardian(parent, "  Second.Guardian@Example.org ")
    assert invite.email == "second.guardian@example.org"
    [mail] = db.session.scalars(db.select(OutboxMail)).all()
    assert mail.category == "guardian_invite"
    assert mail.to_address == "second.guardian@example.org"
    assert "Rosa Lopez" in mail.subject
    token = invite_token_for("second.guardian@example.org")
    assert f"http://camp.test/family/invite/{token}" in mail.body_text
    assert f"http://camp.test/family/invite/{token}" in mail.body_html
    # Only the hash is kept; the mail has no child's name or medical detail.
    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invite.token_hash
    for private in ("Maya", "shellfish", "sickle"):
        assert private not in mail.body_text and private not in mail.body_html
    assert timedelta(days=6, hours=23) < invite.expires_at - utcnow() <= timedelta(days=7)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "guardian_invite.create")
    ).one()
    assert entry.fields == ["email"]


def test_second_guardian_joins_and_both_see_the_same_family(ctx):
    first = make_user()
    maya = make_child(first.household)
    second = make_user(email="dad@example.org")
    own_empty_household = second.household_id
    make_contact(second.household, name="Uncle Sam")
    services.invite_guardian(first, "dad@example.org")
    joined = services.accept_invite(second, invite_token_for("dad@example.org"))
    assert joined.id == first.household_id
    db.session.expire_all()
    assert db.session.get(User, second.id).household_id == first.household_id
    assert services.child_of(second, maya.id).id == maya.id
    summary = services.family_summary(db.session.get(Household, first.household_id))
    assert [g["id"] for g in summary["guardians"]] == [first.id, second.id]
    assert [c["id"] for c in summary["children"]] == [maya.id]
    # The empty household is gone; the contact its owner had entered came along.
    assert db.session.get(Household, own_empty_household) is None
    assert [c["name"] for c in summary["contacts"]] == ["Uncle Sam"]
    # Either guardian edits the same child.
    services.update_child(second, services.child_of(second, maya.id), {"allergies": "none"}, True)
    assert services.child_of(first, maya.id).allergies == "none"


def test_a_token_works_once(ctx):
    first, second = make_user(), make_user(email="dad@example.org")
    services.invite_guardian(first, "dad@example.org")
    token = invite_token_for("dad@example.org")
    services.accept_invite(second, token)
    with pytest.raises(InvalidInput) as caught:
        services.accept_invite(second, token)
    assert code_of(caught.value) == "invite_used"


def test_an_expired_invitation_is_refused_with_a_clear_message(ctx):
    first, second = make_user(), make_user(email="dad@example.org")
    invite = services.invite_guardian(first, "dad@example.org")
    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        services.accept_invite(second, invite_token_for("dad@example.org"))
    assert code_of(caught.value) == "invite_expired"
    assert "expired" in caught.value.problems[0].message
    assert db.session.get(User, second.id).household_id != first.household_id


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, None])
def test_unknown_tokens_are_not_found(ctx, token):
    with pytest.raises(NotFound):
        services.accept_invite(make_user(), token)


def test_a_forwarded_link_does_not_work_for_another_address(ctx):
    first, stranger = make_user(), make_user(email="stranger@example.org")
    services.invite_guardian(first, "dad@example.org")
    with pytest.raises(NotAllowed) as caught:
        services.accept_invite(stranger, invite_token_for("dad@example.org"))
    assert code_of(caught.value) == "invite_for_other_email"


def test_an_unverified_account_cannot_join(ctx):
    first = make_user()
    unverified = make_user(email="dad@example.org", verified=False)
    services.invite_guardian(first, "dad@example.org")
    with pytest.raises(NotAllowed) as caught:
        services.accept_invite(unverified, invite_token_for("dad@example.org"))
    assert code_of(caught.value) == "email_not_verified"


def test_a_guardian_whose_household_has_children_is_refused(ctx):
    first, second = make_user(), make_user(email="dad@example.org")
    make_child(second.household, first_name="Own")
    services.invite_guardian(first, "dad@example.org")
    token = invite_token_for("dad@example.org")
    with pytest.raises(NotAllowed) as caught:
        services.accept_invite(second, token)
    assert code_of(caught.value) == "household_has_children"
    db.session.rollback()
    assert db.session.get(User, second.id).household_id != first.household_id
    assert services.find_invite(token).accepted_at is None  # still usable later


def test_inviting_bad_or_existing_addresses_is_refused(ctx):
    first = make_user(email="mom@example.org")
    with pytest.raises(InvalidInput) as caught:
        services.invite_guardian(first, "not-an-email")
    assert {(p.field, p.code) for p in caught.value.problems} == {("email", "invalid_email")}
    with pytest.raises(InvalidInput) as caught:
        services.invite_guardian(first, "MOM@example.org")
    assert code_of(caught.value) == "already_guardian"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(GuardianInvite.id))) == 0


def test_a_new_invitation_replaces_the_pending_one(ctx):
    first, second = make_user(), make_user(email="dad@example.org")
    services.invite_guardian(first, "dad@example.org")
    old_token = invite_token_for("dad@example.org")
    services.invite_guardian(first, "dad@example.org")
    new_token = invite_token_for("dad@example.org")
    assert len(services.pending_invites(first.household)) == 1
    with pytest.raises(InvalidInput):
        services.accept_invite(second, old_token)
    services.accept_invite(second, new_token)


def test_revoked_invitations_cannot_be_accepted_or_revoked_by_others(ctx):
    first, second, other = make_user(), make_user(email="dad@example.org"), make_user()
    invite = services.invite_guardian(first, "dad@example.org")
    with pytest.raises(NotFound):
        services.revoke_invite(other, invite.id)
    services.revoke_invite(first, invite.id)
    assert services.pending_invites(first.household) == []
    with pytest.raises(InvalidInput):
        services.accept_invite(second, invite_token_for("dad@example.org"))


def test_already_a_member(ctx):
    first, second = make_user(), make_user(email="dad@example.org")
    services.invite_guardian(first, "dad@example.org")
    token = invite_token_for("dad@example.org")
    # dad joins another way (say, an earlier invitation), then opens this link.
    second.household_id = first.household_id
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        services.accept_invite(second, token)
    assert code_of(caught.value) == "already_guardian"


def test_only_one_of_two_racing_acceptances_wins(pg_app):
    with pg_app.test_request_context():
        first, second = make_user(), make_user(email="dad@example.org")
        services.invite_guardian(first, "dad@example.org")
        token = invite_token_for("dad@example.org")
        second_id, household_id = second.id, first.household_id
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        with pg_app.test_request_context():
            user = db.session.get(User, second_id)
            barrier.wait()
            try:
                services.accept_invite(user, token)
                outcomes.append("joined")
            except (InvalidInput, Conflict) as error:
                outcomes.append(code_of(error))

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes)[0] in {"already_guardian", "invite_used"}
    assert outcomes.count("joined") == 1
    with pg_app.app_context():
        assert db.session.get(User, second_id).household_id == household_id
        accepts = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(
                AuditEntry.action == "guardian_invite.accept"
            )
        )
        assert accepts == 1
        assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0
