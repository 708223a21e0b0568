"""What /minadata reads and /radera removes. Flush, never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, delete, func, or_, select, update

from storage.models import (
    Assignment,
    AuditEntry,
    Base,
    Broadcast,
    Delivery,
    Draft,
    FollowUp,
    HelpRequest,
    OutboundMessage,
    PersistedState,
    Person,
    RequestEvent,
    SafetyReport,
    TaskPost,
)
from storage.place_models import SignUp
from storage.repositories import StateRepo, _Repo

# PTB's user data in persisted_state (bot/telegram/persistence.py writes it).
_USER_DATA = "user_data"
_PENDING = and_(OutboundMessage.sent_at.is_(None), OutboundMessage.failed_at.is_(None))


def _links_to_people() -> list[tuple[Table, Column[Any], str | None]]:
    """Every column that points at a person, with what deleting the person would do."""
    people = Person.__table__
    return [
        (table, fk.parent, fk.ondelete)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is people
    ]


class PrivacyRepo(_Repo):
    """One person's rows across the tables."""

    async def requests_of(self, person_id: int) -> Sequence[HelpRequest]:
        result = await self.session.execute(
            select(HelpRequest)
            .where(HelpRequest.resident_id == person_id)
            .order_by(HelpRequest.id)
        )
        return result.scalars().all()

    async def tasks_of(self, person_id: int) -> Sequence[HelpRequest]:
        result = await self.session.execute(
            select(HelpRequest)
            .where(HelpRequest.volunteer_id == person_id)
            .order_by(HelpRequest.id)
        )
        return result.scalars().all()

    async def follow_ups_of(self, person_id: int) -> Sequence[FollowUp]:
        result = await self.session.execute(
            select(FollowUp).where(FollowUp.person_id == person_id).order_by(FollowUp.id)
        )
        return result.scalars().all()

    async def signups_of(self, person_id: int) -> Sequence[SignUp]:
        result = await self.session.execute(
            select(SignUp).where(SignUp.person_id == person_id).order_by(SignUp.occurs_at)
        )
        return result.scalars().all()

    async def events_by(self, person_id: int) -> Sequence[RequestEvent]:
        """What they did to requests (made, took, gave back with a reason, …)."""
        result = await self.session.execute(
            select(RequestEvent)
            .where(RequestEvent.actor_id == person_id)
            .order_by(RequestEvent.id)
        )
        return result.scalars().all()

    async def reports_by(self, person_id: int) -> Sequence[SafetyReport]:
        """The safety reports they made («Något kändes fel», a ☹️ follow-up)."""
        result = await self.session.execute(
            select(SafetyReport)
            .where(SafetyReport.reporter_id == person_id)
            .order_by(SafetyReport.id)
        )
        return result.scalars().all()

    async def user_data_of(self, telegram_id: int) -> dict[str, Any]:
        """What the bot keeps between steps for this Telegram user (empty if nothing)."""
        row = await self.session.get(PersistedState, (_USER_DATA, str(telegram_id)))
        return _json_dict(row.value) if row is not None else {}

    async def all_user_data(self) -> dict[int, dict[str, Any]]:
        """Every Telegram user's kept data, by Telegram id."""
        raw = await StateRepo(self.session).load(_USER_DATA)
        return {int(key): _json_dict(value) for key, value in raw.items()}

    async def put_user_data(self, telegram_id: int, data: dict[str, Any]) -> None:
        """Write a user's kept data back; empty data removes the row."""
        value = json.dumps(data) if data else None
        await StateRepo(self.session).save(_USER_DATA, str(telegram_id), value)

    async def drop_drafts_before(self, cutoff: datetime) -> int:
        """Remove drafts last touched before ``cutoff``; how many."""
        old = select(Draft.person_id).where(Draft.updated_at < cutoff)
        ids = list((await self.session.execute(old)).scalars())
        if ids:
            await self.session.execute(delete(Draft).where(Draft.person_id.in_(ids)))
        return len(ids)

    async def erase(self, person_id: int, telegram_id: int | None) -> None:
        """Remove or blank every row that names the person or holds their words.

        The person row stays (the caller empties it) so the anonymous counts in the reports
        keep adding up: requests keep pointing at it, as resident, volunteer or who entered
        them. Every other link to it goes the way deleting it would take it (``_cut``).
        """
        s = self.session
        mine = select(HelpRequest.id).where(HelpRequest.resident_id == person_id)
        done_by = select(HelpRequest.id).where(HelpRequest.volunteer_id == person_id)
        await s.execute(
            update(HelpRequest).where(HelpRequest.resident_id == person_id).values(details=None)
        )
        # Their own words, and the other party's words about them (on their requests and
        # tasks): follow-up comments, notes such as a give-back reason, safety reports.
        await s.execute(
            update(FollowUp)
            .where(
                or_(
                    FollowUp.person_id == person_id,
                    FollowUp.request_id.in_(mine),
                    FollowUp.request_id.in_(done_by),
                )
            )
            .values(comment=None)
        )
        await s.execute(
            update(RequestEvent)
            .where(or_(RequestEvent.actor_id == person_id, RequestEvent.request_id.in_(mine)))
            .values(note=None)
        )
        await s.execute(delete(SafetyReport).where(SafetyReport.reporter_id == person_id))
        await s.execute(
            update(SafetyReport)
            .where(
                or_(
                    SafetyReport.volunteer_id == person_id,
                    SafetyReport.request_id.in_(mine),
                    SafetyReport.request_id.in_(done_by),
                )
            )
            .values(text=None)
        )
        # Their requests are closed by now: their task messages and questions are done with.
        await s.execute(delete(TaskPost).where(TaskPost.request_id.in_(mine)))
        await s.execute(delete(Assignment).where(Assignment.request_id.in_(mine)))
        # Messages about them still waiting for Telegram, to anyone; a broadcast's copy.
        await s.execute(
            delete(OutboundMessage).where(OutboundMessage.about_id == person_id, _PENDING)
        )
        await self._drop_deliveries(Delivery.person_id == person_id)
        if telegram_id is not None:
            await self._forget_chat(telegram_id)
        await self._cut(person_id)
        await s.flush()

    async def _forget_chat(self, telegram_id: int) -> None:
        """Rows that name their Telegram chat: messages to it (sent, waiting or offered),
        the audit lines of what they did, a broadcast's progress message, kept steps."""
        s = self.session
        for model in (TaskPost, OutboundMessage):
            await s.execute(delete(model).where(model.chat_id == telegram_id))
        await self._drop_deliveries(Delivery.chat_id == telegram_id)
        await s.execute(
            update(AuditEntry)
            .where(AuditEntry.actor_telegram_id == telegram_id)
            .values(actor_telegram_id=None)
        )
        await s.execute(
            update(Broadcast)
            .where(Broadcast.progress_chat_id == telegram_id)
            .values(progress_chat_id=None, progress_message_id=None)
        )
        await self._forget_state(telegram_id)

    async def _drop_deliveries(self, which: ColumnElement[bool]) -> None:
        """Remove their copies of broadcasts; each broadcast counts one recipient fewer, so
        one still under way is done when the others are."""
        counted = await self.session.execute(
            select(Delivery.broadcast_id, func.count())
            .where(which)
            .group_by(Delivery.broadcast_id)
        )
        for broadcast_id, n in counted.all():
            await self.session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values(total=Broadcast.total - n)
            )
        await self.session.execute(delete(Delivery).where(which))

    async def _cut(self, person_id: int) -> None:
        """Do to each link to the person what deleting their row would: rows that belong to
        them (ON DELETE CASCADE: roles, volunteer profile, areas and skills, drafts, sign-ups
        and their reminders, questions put to them) go; other links (SET NULL) are cut. Read
        from the models, so a table added later is covered the day it is added."""
        for table, column, ondelete in _links_to_people():
            match = column == person_id
            if ondelete == "CASCADE":
                await self.session.execute(delete(table).where(match))
            elif ondelete == "SET NULL":
                await self.session.execute(update(table).where(match).values({column.name: None}))

    async def _forget_state(self, telegram_id: int) -> None:
        """Saved conversation steps and answers of this Telegram user."""
        rows = (await self.session.execute(select(PersistedState))).scalars().all()
        for row in rows:
            mine = row.namespace == _USER_DATA and row.key == str(telegram_id)
            if row.namespace.startswith("conv:"):
                try:
                    mine = telegram_id in json.loads(row.key)
                except ValueError:
                    mine = False
            if mine:
                await self.session.delete(row)

    async def blank_closed_before(self, cutoff: datetime) -> int:
        """Blank the free texts of requests closed before ``cutoff``; how many requests."""
        closed = select(HelpRequest.id).where(
            HelpRequest.closed_at.is_not(None),
            HelpRequest.closed_at < cutoff,
            HelpRequest.details.is_not(None),
        )
        ids = list((await self.session.execute(closed)).scalars())
        if ids:
            await self.session.execute(
                update(HelpRequest).where(HelpRequest.id.in_(ids)).values(details=None)
            )
        old = select(HelpRequest.id).where(
            HelpRequest.closed_at.is_not(None), HelpRequest.closed_at < cutoff
        )
        await self.session.execute(
            update(FollowUp)
            .where(FollowUp.request_id.in_(old), FollowUp.comment.is_not(None))
            .values(comment=None)
        )
        await self.session.execute(
            update(RequestEvent)
            .where(RequestEvent.request_id.in_(old), RequestEvent.note.is_not(None))
            .values(note=None)
        )
        await self.session.execute(delete(TaskPost).where(TaskPost.request_id.in_(old)))
        # Notifications that were delivered or given up on long ago: only the record is left.
        await self.session.execute(
            delete(OutboundMessage).where(
                OutboundMessage.created_at < cutoff,
                or_(OutboundMessage.sent_at.is_not(None), OutboundMessage.failed_at.is_not(None)),
            )
        )
        await self.session.flush()
        return len(ids)


def _json_dict(value: str) -> dict[str, Any]:
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
