"""SQLAlchemy 2 models. Times are stored in UTC and come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime in UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every table."""


class Municipality(Base):
    """The level above organisations: it owns the areas, and its coordinators answer for the
    residents in them. One installation has one today; the row keeps room for several."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    """Anyone the bot knows: resident, volunteer, coordinator (or several)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    first_name: Mapped[str | None] = mapped_column(String(60))
    locale: Mapped[str | None] = mapped_column(String(8))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    # The person asked not to get meeting-place reminders.
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False)
    # The person wants the bot's answers in a conversation read aloud as a voice note too.
    read_aloud: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Coordinators and volunteers belong to an organisation (a coordinator vets only its own).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # A municipal coordinator: the municipality whose residents they answer for.
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Role(Base):
    """One role of one person: resident, volunteer or coordinator."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class Area(Base):
    """A part of the municipality that residents live in and volunteers cover."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VolunteerProfile(Base):
    """A volunteer's vetting state and pause switch. Never the contents of a record extract.

    ``vetting``: pending | approved | declined | suspended (stopped by a coordinator) | lapsed
    (the approval grew older than the settings allow; paused until renewed).
    """

    __tablename__ = "volunteer_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    vetting: Mapped[str] = mapped_column(String(16), default="pending")
    vetted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    vetted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    # Seen by coordinators only; never told to the volunteer.
    suspend_reason: Mapped[str | None] = mapped_column(Text)
    # The coordinators were reminded that re-vetting is due (once per approval).
    revet_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VolunteerArea(Base):
    """An area a volunteer covers."""

    __tablename__ = "volunteer_areas"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True
    )


class VolunteerSkill(Base):
    """A kind of help (request category code) a volunteer gives."""

    __tablename__ = "volunteer_skills"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(16), primary_key=True)


class HelpRequest(Base):
    """A resident's request for help and where it is in its life: open, claimed, done, …"""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    when_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    when_precision: Mapped[str] = mapped_column(String(8), default="none")
    details: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Coordinators were alerted that nobody has taken it; the resident was told what happens now.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The volunteer's time, estimated from the kind of help and corrected when marking it done.
    volunteer_minutes: Mapped[int | None] = mapped_column(Integer)
    # Company to a meeting place: the sign-up (one date of an activity) this request is for.
    signup_id: Mapped[int | None] = mapped_column(
        ForeignKey("signups.id", ondelete="SET NULL"), index=True
    )


class RequestEvent(Base):
    """One thing that happened to a request: created, claimed, given back, done, cancelled."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """The short question after a task is done (ärendeutvärdering): a score and a comment."""

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("request_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    score: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Draft(Base):
    """A half-written help request, so a restart or a timeout never loses it."""

    __tablename__ = "drafts"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    when_day: Mapped[str | None] = mapped_column(String(10))
    when_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    when_precision: Mapped[str | None] = mapped_column(String(8))
    details: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskPost(Base):
    """A message that offered a task to a volunteer or a group, so it can be updated later."""

    __tablename__ = "task_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    # offer: the task offered (no personal data); address: the holder's message with the
    # resident's address, edited to drop it when the task ends.
    kind: Mapped[str] = mapped_column(String(8), default="offer", server_default="offer")


class VolunteerGroup(Base):
    """A volunteers' group chat that new tasks are posted to."""

    __tablename__ = "volunteer_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PersistedState(Base):
    """PTB persistence: conversation states and user data as JSON, written after every update.

    ``namespace`` is ``conv:<conversation name>`` or ``user_data``.
    """

    __tablename__ = "persisted_state"

    namespace: Mapped[str] = mapped_column(String(48), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    # When the state was last written: a conversation's timeout is re-armed from it on start.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who read or changed whose personal data, and refused attempts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(80))
    allowed: Mapped[bool] = mapped_column(Boolean)
    # Why contact details were read (escalated, assigning, proxy, report, …); never free text.
    reason: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Assignment(Base):
    """A coordinator asks one vetted volunteer to take a request; they accept or decline."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(String(12), default="pending")  # accepted | declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Broadcast(Base):
    """One announcement to many: the audience, the text in each language and the progress."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # residents | volunteers | area | language | activity; the argument is an id or a locale.
    audience: Mapped[str] = mapped_column(String(16))
    audience_arg: Mapped[str | None] = mapped_column(String(40))
    text_sv: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="sending")  # sending | done
    total: Mapped[int] = mapped_column(Integer, default=0)
    # The coordinator's message that is edited in place: "Skickat till 1 200 av 3 400 …".
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """The outbox: one row per recipient of a broadcast, sent once."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "person_id", name="uq_delivery_person"),
        Index(
            "ix_deliveries_pending",
            "broadcast_id",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    locale: Mapped[str | None] = mapped_column(String(8))
    # pending | sent | unreachable | failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class OutboundMessage(Base):
    """A message to one chat that Telegram did not take yet: kept and retried until it is sent.

    Notifications to other people (a volunteer's new task, a resident's "your request was
    taken") must not be lost to a passing Bot API failure.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index(
            "ix_outbound_pending",
            "next_attempt_at",
            "id",
            sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    # The reply markup as Telegram JSON, or None.
    markup: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(80))
    # Set when this row edits an earlier message instead of sending a new one.
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Whose personal data the text holds (erasure drops the row) and, for a holder's address
    # message, its task (ending the task strips it, and once sent it is recorded as a post).
    about_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="SET NULL"), index=True
    )


class SafetyReport(Base):
    """«Något kändes fel», or a ☹️ follow-up: goes to the coordinators responsible.

    ``kind``: report | followup. The text is the reporter's own words (erased with them).
    """

    __tablename__ = "safety_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="report")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # The volunteer it is about (for a report from a resident), and the task, if any.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
