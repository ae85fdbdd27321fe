"""Cabins (overnight camps) and groups (day camps): who sleeps or plays together."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.timeutil import utcnow


class CampGroup(db.Model):
    """A cabin or group of an event. Its limits warn when broken; they do not forbid."""

    __tablename__ = "camp_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    capacity: Mapped[int] = mapped_column()
    min_age: Mapped[int | None] = mapped_column()
    max_age: Mapped[int | None] = mapped_column()
    gender: Mapped[str] = mapped_column(String(20), default="")  # "" = any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("event_id", "name", name="uq_camp_groups_event_name"),)
