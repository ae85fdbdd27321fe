"""Creating users and changing their roles. Callers commit."""

from camp_app.accounts.models import User, UserRole
from camp_app.accounts.passwords import hash_password
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import utcnow


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def create_user(
    *,
    email: str,
    password: str,
    name: str,
    roles=(Role.PARENT,),
    verified: bool = False,
    phone: str | None = None,
    locale: str = "en",
) -> User:
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        phone=phone,
        locale=locale,
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
    )
    user.role_rows = [UserRole(role=Role(r).value) for r in dict.fromkeys(roles)]
    db.session.add(user)
    return user
