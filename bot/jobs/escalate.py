"""The escalation job: alerts coordinators about unclaimed requests, tells residents in time,
and closes requests nobody took. It polls the request rows; nothing lives in memory."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import escalation, people
from bot.services.escalation import Alert, DispatchCounts, EscalationPolicy
from bot.services.views import CloseResult, Recipient
from bot.telegram.ratelimit import Lane
from bot.telegram.sender import Kind
from bot.ui import keyboards, texts

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]


class _Sender:
    """Sends while the dispatcher holds its rows, so it never opens a unit of work itself
    (on SQLite that would wait for the dispatcher's own transaction). Chats that cannot be
    reached are collected and marked afterwards.

    The rows are marked before anything is sent: a line that does not go out now is not tried
    again (one missed line beats a second alert to everyone).
    """

    def __init__(self, app: App) -> None:
        self._app = app
        self.blocked: set[int] = set()

    async def _send(self, to: Recipient, text: str, markup: InlineKeyboardMarkup | None) -> None:
        if to.telegram_id is None or to.telegram_id in self.blocked:
            return
        sent = await self._app.bot_data.notifier.attempt(to.telegram_id, text, markup)
        if sent.kind is Kind.UNREACHABLE:
            self.blocked.add(to.telegram_id)
        elif not sent.sent:
            log.warning("escalation message to %s not sent: %s", to.person_id, sent.reason)

    async def alert(self, item: Alert) -> None:
        data, req = self._app.bot_data, item.request
        for coordinator in item.coordinators:
            with data.catalogs.use(coordinator.locale):
                text = texts.escalation_alert(req, data.tz)
                markup = keyboards.escalation.alert(req.id)
            await self._send(coordinator, text, markup)
        if item.resident is not None:
            with data.catalogs.use(item.resident.locale):
                text = texts.resident_warned(req, data.tz, data.settings.municipality_phone)
            await self._send(item.resident, text, None)

    async def expired(self, result: CloseResult) -> None:
        data, req = self._app.bot_data, result.request
        with data.catalogs.use(result.resident.locale):
            text = texts.resident_expired(req, data.tz, data.settings.municipality_phone)
        await self._send(result.resident, text, None)
        for post in result.posts:
            with data.catalogs.use(post.locale or data.settings.default_locale):
                closed = texts.task_closed(req, data.tz)
            edited = await data.notifier.attempt_edit(post.chat_id, post.message_id, closed)
            if not edited.sent:
                log.debug("could not close task post %s: %s", post.message_id, edited.reason)


def policy(app: App) -> EscalationPolicy:
    settings = app.bot_data.settings
    return EscalationPolicy(
        settings.escalation_hours_before,
        settings.escalation_after_hours,
        settings.request_expiry_days,
    )


async def check_due(app: App, scheduler: Scheduler) -> DispatchCounts:
    """Alert and expire what is due."""
    data = app.bot_data
    sender = _Sender(app)
    counts = await escalation.dispatch(
        data.uow,
        sender.alert,
        sender.expired,
        data.clock(),
        data.tz,
        policy(app),
        stopping=lambda: scheduler.stopping,
    )
    for chat_id in sender.blocked:
        data.locales.pop(chat_id, None)  # so that their next message is looked up anew
        async with data.uow() as uow:
            await people.mark_reachable(uow, chat_id, False)
    if counts.escalated or counts.expired:
        log.info("escalations: %s alerted, %s expired", counts.escalated, counts.expired)
    return counts


JOB = Job("escalations", check_due, lambda s: 60.0, Lane.ALERT)
