"""What /minadata reads and /radera removes. Flush, never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

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
from storage.repositories import _Repo


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
            mine = row.namespace == "user_data" and row.key == str(telegram_id)
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
