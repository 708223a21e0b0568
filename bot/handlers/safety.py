"""«Något kändes fel» at the coordinators' end: the alert, and its three buttons.

The reporter's side (the words) is the ``report_concern`` conversation; a ☹️ or a comment
after a task comes through the ``followup`` one. Both hand the alert to ``tell_coordinators``.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.services import safety
from bot.services.safety import Alert
from bot.telegram.sender import Render
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern

log = logging.getLogger(__name__)


def _render(alert: Alert, may_call: bool, tz: ZoneInfo) -> Render:
    """The alert in its reader's language (the notifier calls it in their locale)."""
    return lambda: (
        texts.safety_alert(alert, tz),
        keyboards.safety.alert(
            alert.report_id, may_call=may_call, about_volunteer=alert.about_volunteer
        ),
    )


async def tell_coordinators(context: BotContext, alert: Alert) -> int:
    """Send the alert to each coordinator responsible; returns how many it reaches."""
    reached = 0
    for coordinator in alert.coordinators:
        render = _render(alert, coordinator.may_call, context.tz)
        outcome = await context.data.notifier.deliver(
            coordinator.to, render, about=alert.reporter_id
        )
        reached += outcome.arrives
    if not reached:
        log.warning("safety report %s reached no coordinator", alert.report_id)
    return reached


async def call(update: Update, context: BotContext) -> None:
    """«Ring»: the reporter's name and phone, to this coordinator only (audited)."""
    contact = await act(
        update, context, lambda uow, user, data, now: safety.call(uow, user, data.id, now)
    )
    if isinstance(contact, Refused):
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(texts.call_resident(contact))


async def stop(update: Update, context: BotContext) -> None:
    """«Stoppa volontären»: ask once more, as from the volunteer list (the same flow)."""
    found = await act(
        update, context, lambda uow, user, data, now: safety.stop(uow, user, data.id, now)
    )
    if isinstance(found, Refused):
        return
    if found.stopped:
        await update.callback_query.answer(texts.already_suspended(found.name), show_alert=True)
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        texts.confirm_suspend(found.name),
        reply_markup=keyboards.volunteers.confirm_suspend(found.person_id, found.name),
    )


async def handled(update: Update, context: BotContext) -> None:
    """«Klart, hanterat»: mark it, or say who was first; the button goes either way."""
    query = update.callback_query
    done = await act(
        update, context, lambda uow, user, data, now: safety.handle(uow, user, data.id, now)
    )
    if isinstance(done, Refused):
        return
    if done.now:
        await query.answer(texts.handled_now())
    else:
        await query.answer(texts.already_handled(done.by), show_alert=True)
    data = decode(query.data)
    assert data is not None  # act has checked it
    markup = keyboards.safety.alert(
        data.id,
        may_call=done.may_call,
        about_volunteer=done.about_volunteer,
        handled=True,
    )
    try:
        await query.edit_message_reply_markup(markup)
    except Exception:  # too old to edit; the answer was given already
        log.debug("could not drop the handled button")


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The coordinators' buttons on an alert (the reporter's start the conversation)."""
    app.add_handler(CallbackQueryHandler(call, pattern=pattern("sr", "call", ids=1)))
    app.add_handler(CallbackQueryHandler(stop, pattern=pattern("sr", "stop", ids=1)))
    app.add_handler(CallbackQueryHandler(handled, pattern=pattern("sr", "done", ids=1)))
