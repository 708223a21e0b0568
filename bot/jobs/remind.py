"""The reminder job: sends (or drops) every meeting-place reminder that is due.

One reminder per unit of work: the job takes its turn in the limiter's reminder lane, then
claims the reminder, sends it through the one sender and records it in one transaction, with
nothing awaited between Telegram's answer and the commit. A batch per
transaction would let a stop at the wrong moment send the whole batch again.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.jobs.scheduler import Job, Scheduler
from bot.services import reminders
from bot.services.reminders import DispatchResult, ReminderView
from bot.telegram.ratelimit import Lane, slot
from bot.telegram.sender import Kind
from bot.ui import keyboards, texts

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]


async def send_reminder(app: App, view: ReminderView) -> int | None:
    """Send one reminder in its reader's language; the message id, or None if not delivered.

    It marks nothing in a unit of work of its own (on SQLite that would wait for the
    dispatcher's open transaction): ``Unreachable`` tells the dispatcher to mark the person in
    its transaction, ``NotNow`` to leave the rest for the next run.
    """
    data = app.bot_data
    chat_id = view.recipient.telegram_id
    if chat_id is None:
        return None
    text, markup = data.notifier.render(
        view.recipient,
        lambda: (texts.reminder(view, data.tz), keyboards.reminders.reminder(view)),
    )
    sent = await data.notifier.attempt(chat_id, text, markup)
    if sent.kind is Kind.SENT:
        assert sent.message is not None
        message_id: int = sent.message.message_id
        return message_id
    log.info("reminder %s not sent: %s", view.id, sent.reason)
    if sent.kind is Kind.UNREACHABLE:
        raise reminders.Unreachable()
    if sent.retry_after is not None:
        raise reminders.NotNow()
    return None


async def send_due(app: App, scheduler: Scheduler) -> DispatchResult:
    """The job: send (or drop) every reminder due now, one per unit of work."""
    data = app.bot_data
    result = await reminders.dispatch(
        data.uow,
        lambda view: send_reminder(app, view),
        data.clock(),
        data.tz,
        data.reminder_policy,
        batch=1,
        stopping=lambda: scheduler.stopping,
        pace=lambda: slot(app.bot, Lane.REMINDER),
    )
    if result.handled:
        log.info(
            "reminders: %s sent, %s dropped, %s not delivered",
            result.sent,
            result.dropped,
            result.failed,
        )
    return result


JOB = Job("reminders", send_due, lambda s: s.reminder_poll_seconds, Lane.REMINDER)
