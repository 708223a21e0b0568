"""Figures for /healthz and /metrics: how much work is waiting. Read only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.models import Delivery, OutboundMessage
from storage.place_models import Reminder
from storage.repositories import _Repo


class HealthRepo(_Repo):
    """Queue depths for the operator."""

    async def outbox_depth(self) -> int:
        """Broadcast messages still to send."""
        result = await self.session.execute(
            select(func.count()).select_from(Delivery).where(Delivery.status == "pending")
        )
        return int(result.scalar_one())

    async def outbound_depth(self) -> int:
        """Notifications Telegram did not take yet, still to send."""
        result = await self.session.execute(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.sent_at.is_(None), OutboundMessage.failed_at.is_(None))
        )
        return int(result.scalar_one())

    async def oldest_due_reminder(self, now: datetime) -> datetime | None:
        """When the oldest reminder that is due but not yet sent (or dropped) fell due."""
        result = await self.session.execute(
            select(func.min(Reminder.due_at)).where(
                Reminder.due_at <= now, Reminder.sent_at.is_(None), Reminder.dropped_at.is_(None)
            )
        )
        return result.scalar_one()
