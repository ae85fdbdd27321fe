"""People who sign in, their roles, and their API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.sealing import EncryptedText
from camp_app.timeutil import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # always lower-cased
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change so that reset links sent before it stop working (sessions and
    # API tokens are ended by rows of their own: accounts.sessions, accounts.tokens).
    auth_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person closed the account (camp_app/privacy/closure.py): it is inactive, its
    # address and sign-in secrets are gone, only the name stays for the records kept.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The authenticator (TOTP, accounts.second_factor): its secret, sealed; set while enrolling
    # and kept once a code confirmed it (otp_enrolled_at). The last time-step accepted, so
    # that a code is never accepted twice.
    otp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    otp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    otp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    household: Mapped["Household | None"] = relationship(back_populates="guardians")  # noqa: F821

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.auth_version}"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_api_tokens_expires_at", "expires_at"),)


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random key; only its SHA-256 is stored, so
    the table alone opens nothing. Ended on sign-out, password change, or when it times out
    (see accounts.sessions)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAttempt(db.Model):
    """One try at signing in with a password, from the pages or the API. Written (and
    committed) before the password is checked, so that every server process counts it at
    once (see accounts.sign_in_attempts). Never holds the password tried."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # SHA-256 of the normalized address tried, known account or not.
    email_hash: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))  # the client's IP address
    outcome: Mapped[str] = mapped_column(String(12))

    __table_args__ = (Index("ix_sign_in_attempts_email_hash_at", "email_hash", "at"),)


class SignInLink(db.Model):
    """A one-time link to sign in by mail; only the SHA-256 of its token is stored."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator (shown once at enrolment); only
    its SHA-256 is stored (the codes are random, so a plain hash cannot be guessed back)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
