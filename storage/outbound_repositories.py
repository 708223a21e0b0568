"""Queries for notifications Telegram did not take at once. They flush but never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from storage.models import OutboundMessage
from storage.repositories import _Repo

_PENDING = and_(OutboundMessage.sent_at.is_(None), OutboundMessage.failed_at.is_(None))


class OutboundRepo(_Repo):
    """The outbound queue: added by the notifier, sent again by the outbound job."""

    async def add(self, row: OutboundMessage) -> OutboundMessage:
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, row_id: int) -> OutboundMessage | None:
        return await self.session.get(OutboundMessage, row_id)

    async def claim_next(self, now: datetime) -> OutboundMessage | None:
        """Lock the oldest pending message that may go now.

        A chat's messages go in the order they were queued: a message waits while an older one
        to the same chat is pending. PostgreSQL: a row another sender holds is skipped, not
        waited for. SQLite renders no FOR UPDATE; its transactions begin IMMEDIATE, so senders
        take turns.
        """
        older = aliased(OutboundMessage)
        waits = exists().where(
            older.chat_id == OutboundMessage.chat_id,
            older.id < OutboundMessage.id,
            older.sent_at.is_(None),
            older.failed_at.is_(None),
        )
        result = await self.session.execute(
            select(OutboundMessage)
            .where(_PENDING, OutboundMessage.next_attempt_at <= now, ~waits)
            .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=OutboundMessage)
        )
        return result.scalars().first()
