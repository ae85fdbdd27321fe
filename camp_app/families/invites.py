"""Guardian invitations: invite another guardian by email, list, revoke, and accept.

Each public function is one unit of work and commits at its end; bad input raises
camp_app.service_errors (nothing changed). The emailed token is stored only as a hash.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from camp_app.accounts.models import User
from camp_app.accounts.users import find_user_by_email, normalize_email
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families.household import as_id, household_of
from camp_app.families.models import GuardianInvite, Household
from camp_app.families.schema import InvitationInput
from camp_app.notifications.services import queue_mail
from camp_app.roles import Role
from camp_app.schemas.validation import validate
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import utcnow

INVITE_TTL = timedelta(days=7)
MAX_INVITES_PER_DAY = 10


def pending_invites(household: Household) -> list[GuardianInvite]:
    return list(
        db.session.scalars(
            select(GuardianInvite)
            .where(
                GuardianInvite.household_id == household.id,
                GuardianInvite.accepted_at.is_(None),
                GuardianInvite.expires_at > utcnow(),
            )
            .order_by(GuardianInvite.created_at, GuardianInvite.id)
        )
    )


def invite_guardian(actor: User, email: str) -> GuardianInvite:
    """Invite another guardian by email; the mail carries a one-time link valid 7 days.
    A newer invitation to the same address replaces an older pending one."""
    household = household_of(actor)
    address = validate(InvitationInput, {"email": email})["email"]
    guardian_emails = set(
        db.session.scalars(select(User.email).where(User.household_id == household.id))
    )
    if address in guardian_emails:
        message = _("This person already belongs to your family.")
        raise InvalidInput(Problem("already_guardian", message, "email"))
    _check_invite_rate(household)
    now = utcnow()
    db.session.execute(
        update(GuardianInvite)
        .where(
            GuardianInvite.household_id == household.id,
            GuardianInvite.email == address,
            GuardianInvite.accepted_at.is_(None),
            GuardianInvite.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invite = GuardianInvite(
        household=household,
        email=address,
        token_hash=hash_token(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITE_TTL,
    )
    db.session.add(invite)
    record(actor.id, "guardian_invite.create", invite, fields=["email"])
    _queue_invite_mail(actor, invite, token)
    db.session.commit()
    return invite


def _check_invite_rate(household: Household) -> None:
    since = utcnow() - timedelta(days=1)
    recent = db.session.scalar(
        select(func.count(GuardianInvite.id)).where(
            GuardianInvite.household_id == household.id, GuardianInvite.created_at > since
        )
    )
    if recent >= MAX_INVITES_PER_DAY:
        message = _("Too many invitations today. Please try again tomorrow.")
        raise NotAllowed(Problem("too_many_invites", message, "email"))


def _queue_invite_mail(actor: User, invite: GuardianInvite, token: str) -> None:
    invitee = find_user_by_email(invite.email)
    queue_mail(
        to=invite.email,
        template="guardian_invite",
        subject=_l("%(name)s invited you to share their family's camp account", name=actor.name),
        context={
            "inviter_name": actor.name,
            "email": invite.email,
            "link_path": f"/family/invite/{token}",
            "expires_at": invite.expires_at,
            "has_account": invitee is not None,
        },
        locale=invitee.locale if invitee else actor.locale,
        user_id=invitee.id if invitee else None,
    )


def revoke_invite(actor: User, invite_id) -> None:
    """Withdraw a pending invitation of the actor's household."""
    invite_id = as_id(invite_id)
    invite = None
    if invite_id is not None and actor.household_id is not None:
        invite = db.session.scalar(
            select(GuardianInvite).where(
                GuardianInvite.id == invite_id,
                GuardianInvite.household_id == actor.household_id,
                GuardianInvite.accepted_at.is_(None),
            )
        )
    if invite is None:
        raise NotFound(Problem("not_found", _("We could not find that invitation."), None))
    invite.expires_at = min(invite.expires_at, utcnow())
    record(actor.id, "guardian_invite.revoke", invite, fields=["expires_at"])
    db.session.commit()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invite(token: str) -> GuardianInvite:
    """The pending invitation for this token: NotFound if unknown, InvalidInput if used or
    expired (each with a message a person understands)."""
    invite = None
    if isinstance(token, str) and 0 < len(token) <= 200:
        invite = db.session.scalar(
            select(GuardianInvite).where(GuardianInvite.token_hash == hash_token(token))
        )
    if invite is None:
        message = _("This invitation link is not valid. Please check that it was copied whole.")
        raise NotFound(Problem("invalid_token", message, None))
    if invite.accepted_at is not None:
        message = _("This invitation has already been used.")
        raise InvalidInput(Problem("invite_used", message, None))
    if invite.expires_at <= utcnow():
        message = _("This invitation has expired. Please ask for a new one.")
        raise InvalidInput(Problem("invite_expired", message, None))
    return invite


def accept_invite(user: User, token: str) -> Household:
    """The signed-in, verified user (with the invited address) joins the inviting household.

    Refused if the user's own household has children (they would be left behind). An own
    household without children is dropped; its contacts move to the joined household.
    The token works once, even when two requests race.
    """
    invite = invite_for(user, token)
    old_household = db.session.get(Household, user.household_id) if user.household_id else None
    now = utcnow()
    claimed = db.session.execute(
        update(GuardianInvite)
        .where(GuardianInvite.id == invite.id, GuardianInvite.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        message = _("This invitation has already been used.")
        raise InvalidInput(Problem("invite_used", message, None))
    joined = db.session.get(Household, invite.household_id)
    # Through the relationship, so that a loaded old.guardians list forgets the user too.
    user.household = joined
    db.session.flush()
    record(user.id, "guardian_invite.accept", invite, fields=["accepted_at", "accepted_by_id"])
    record(user.id, "user.join_household", user, fields=["household_id"])
    if old_household is not None:
        _drop_empty_household(user, old_household, joined)
    db.session.commit()
    return joined


def invite_for(user: User, token: str) -> GuardianInvite:
    """The invitation if this user may accept it now; otherwise the reason, as a ServiceError
    (the accept page shows it before the person clicks)."""
    invite = find_invite(token)
    _check_can_accept(user, invite)
    own = db.session.get(Household, user.household_id) if user.household_id else None
    if own is not None and own.children:
        message = _(
            "Your own family record already has children, so it cannot be merged. "
            "Please contact the camp office."
        )
        raise NotAllowed(Problem("household_has_children", message, None))
    return invite


def _check_can_accept(user: User, invite: GuardianInvite) -> None:
    if not user.has_role(Role.PARENT):
        message = _("Only a parent account can join a family.")
        raise NotAllowed(Problem("not_a_parent", message, None))
    if not user.is_verified:
        message = _("Please verify your email address first, then open the link again.")
        raise NotAllowed(Problem("email_not_verified", message, None))
    if normalize_email(user.email) != invite.email:
        # The link is for one person: someone who got it forwarded cannot use it.
        message = _(
            "This invitation was sent to another email address. "
            "Please sign in with the address that received it."
        )
        raise NotAllowed(Problem("invite_for_other_email", message, None))
    if user.household_id == invite.household_id:
        message = _("You already belong to this family.")
        raise Conflict(Problem("already_guardian", message, None))


def _drop_empty_household(user: User, old: Household, joined: Household) -> None:
    """Remove the user's former household if nobody else uses it; keep its contacts."""
    others = db.session.scalar(
        select(func.count(User.id)).where(User.household_id == old.id, User.id != user.id)
    )
    if others:
        return
    for contact in list(old.contacts):
        contact.household = joined  # through the relationship: old.contacts lets go of it
        contact.children = []
        record(user.id, "contact.update", contact, fields=["household_id"])
    db.session.execute(delete(GuardianInvite).where(GuardianInvite.household_id == old.id))
    record(user.id, "household.delete", old)
    db.session.flush()
    db.session.delete(old)
