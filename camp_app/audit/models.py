"""The audit log: who changed what, who read which medical details, who signed in; when, on
which record. Field names only, never values."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.timeutil import utcnow


class EntryKind:
    CHANGE = "change"  # a record was created, changed or removed
    READ = "read"  # medical details were read: a page, a file, an API answer
    SIGN_IN = "sign_in"  # a sign-in, a failed one, or one refused by the cap

    ALL = (CHANGE, READ, SIGN_IN)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column()
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(10), default=EntryKind.CHANGE, server_default="change")
    # A read of a list or an export: how many records it held, and (a page's, bounded) which.
    record_count: Mapped[int | None] = mapped_column()
    record_ids: Mapped[list[int] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        Index("ix_audit_entries_kind_at", "kind", "at"),
    )
