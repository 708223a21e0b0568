"""Meeting places (mötesplatser): organisations, places, activities, sign-ups and reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

ACTIVITY_CATEGORIES: tuple[str, ...] = (
    "fika",
    "exercise",
    "culture",
    "study",
    "digital",
    "music",
    "food",
)
ORGANISATION_KINDS: tuple[str, ...] = (
    "municipality",
    "association",
    "church",
    "study_association",
    "other",
)


class Organisation(Base):
    """Who runs a place: the contact catalogue the research asks for."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24), default="other")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    web: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(120))


class Place(Base):
    """A meeting place: a café, a hall, a library – or an online room."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A stable key from the import file, so a re-run updates instead of duplicating.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    lift: Mapped[bool] = mapped_column(Boolean, default=False)
    wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    transit_hint: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(300))


class Activity(Base):
    """Something that happens at a place, once or by a recurrence rule (RRULE)."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    # The first occurrence; the rule repeats its wall-clock time in the local time zone.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    rrule: Mapped[str | None] = mapped_column(String(200))
    cost_sek: Mapped[int | None] = mapped_column(Integer)  # None: free
    signup_required: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class ActivityException(Base):
    """One date of an activity that is cancelled (or moved, when ``moved_to`` is set)."""

    __tablename__ = "activity_exceptions"
    __table_args__ = (UniqueConstraint("activity_id", "occurs_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    occurs_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_to: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignUp(Base):
    """A person going to one date of an activity: confirmed, waiting or cancelled."""

    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("activity_id", "occurs_at", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    occurs_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Reminder(Base):
    """A message due at a time: a database row first, sent once by the dispatcher."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("signup_id", "kind", name="uq_reminders_signup_kind"),
        # Only the rows still to send: the dispatcher's poll never walks past the sent ones.
        Index(
            "ix_reminders_open",
            "due_at",
            "id",
            sqlite_where=text("sent_at IS NULL AND dropped_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND dropped_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
