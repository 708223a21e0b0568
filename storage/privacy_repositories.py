"""What /minadata reads and /radera removes. Flush, never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from storage.models import (
    Assignment,
    AuditEntry,
    Delivery,
    Draft,
    FollowUp,
    HelpRequest,
    OutboundMessage,
    PersistedState,
    RequestEvent,
    Role,
    TaskPost,
    VolunteerArea,
    VolunteerProfile,
    VolunteerSkill,
)
from storage.place_models import SignUp
from storage.repositories import StateRepo, _Repo

# PTB's user data in persisted_state (bot/telegram/persistence.py writes it).
_USER_DATA = "user_data"


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
        """Remove or blank every row that names the person; the person row stays, empty, so
        anonymous counts (requests, follow-ups) keep adding up in the reports."""
        s = self.session
        await s.execute(
            update(HelpRequest).where(HelpRequest.resident_id == person_id).values(details=None)
        )
        await s.execute(
            update(FollowUp).where(FollowUp.person_id == person_id).values(comment=None)
        )
        for model in (
            Role,
            VolunteerArea,
            VolunteerSkill,
            VolunteerProfile,
            SignUp,
            Delivery,
            Draft,
        ):
            await s.execute(delete(model).where(model.person_id == person_id))
        await s.execute(delete(Assignment).where(Assignment.volunteer_id == person_id))
        if telegram_id is not None:
            await s.execute(delete(TaskPost).where(TaskPost.chat_id == telegram_id))
            # Messages to them still waiting for Telegram (and the record of sent ones).
            await s.execute(delete(OutboundMessage).where(OutboundMessage.chat_id == telegram_id))
            await s.execute(
                update(AuditEntry)
                .where(AuditEntry.actor_telegram_id == telegram_id)
                .values(actor_telegram_id=None)
            )
            await self._forget_state(telegram_id)
        await s.flush()

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
