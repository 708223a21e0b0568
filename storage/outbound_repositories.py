"""Queries for notifications Telegram did not take at once. They flush but never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select, update
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

    async def drop_for_task(self, request_id: int, now: datetime) -> int:
        """A task ended: its holder's queued messages with the address are never sent (the
        text is cleared, the row kept as failed); queued edits that strip it still go.

        On PostgreSQL a row the outbound job is sending now is waited for: once that commits,
        the message is sent and recorded, and the caller finds it among the task's posts.
        """
        result = await self.session.execute(
            update(OutboundMessage)
            .where(
                _PENDING,
                OutboundMessage.request_id == request_id,
                OutboundMessage.edit_message_id.is_(None),
            )
            .values(text="", markup=None, failed_at=now, error="task ended")
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
