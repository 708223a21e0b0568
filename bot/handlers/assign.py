"""Unclaimed requests: a coordinator assigns a volunteer or calls the resident.

The volunteer asked answers yes or no. Every press is checked again in the services.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.buttons import Refused, act
from bot.handlers.tasks import announce_claim
from bot.services import assignments, escalation
from bot.services.errors import (
    AlreadyClaimed,
    AlreadyYours,
    NotFound,
    NotOpen,
    NotVetted,
    Paused,
    Stopped,
)
from bot.ui import keyboards, texts
from bot.ui.callbacks import Callback, pattern

# A yes that came too late, or a second press: say what happened, kindly.
_ANSWERS = {
    AlreadyYours: texts.already_yours,
    AlreadyClaimed: texts.someone_was_faster,
    NotOpen: texts.task_no_longer_open,
    NotVetted: texts.need_vetting,
    Stopped: lambda: texts.stopped(False),
    Paused: lambda: texts.paused(True),
}


def _ids(data: Callback) -> tuple[int, int | None]:
    """The numbers on a button; a malformed one reads as a stale button."""
    try:
        return data.id, (data.id2 if data.arg2 is not None else None)
    except ValueError:
        raise NotFound("button") from None


async def _page(update: Update, context: BotContext, edit: bool) -> None:
    found = await act(
        update,
        context,
        lambda uow, user, data, now: assignments.candidates(
            uow, user, _ids(data)[0], _ids(data)[1] or 0, now
        ),
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    if not found.candidates:
        await update.effective_message.reply_text(texts.no_volunteers())
        return
    text = texts.pick_volunteer(found.request, context.tz)
    markup = keyboards.escalation.candidates(found)
    if edit:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def pick(update: Update, context: BotContext) -> None:
    """Show the volunteers a coordinator can ask, those in the request's area first."""
    await _page(update, context, edit=False)


async def page(update: Update, context: BotContext) -> None:
    """Turn the page of volunteers."""
    await _page(update, context, edit=True)


async def ask(update: Update, context: BotContext) -> None:
    """Ask the chosen volunteer; tell the coordinator that they were asked."""

    async def call(uow: Any, user: int, data: Callback, now: Any) -> assignments.AssignmentView:
        request_id, volunteer_id = _ids(data)
        if volunteer_id is None:
            raise NotFound("volunteer")
        return await assignments.assign(uow, user, request_id, volunteer_id, now)

    found = await act(update, context, call)
    if isinstance(found, Refused):
        return
    req, name, tz = found.request, found.volunteer.first_name, context.tz
    sent = await context.data.notifier.deliver(
        found.volunteer,
        lambda: (texts.ask_volunteer(req, tz), keyboards.escalation.ask_volunteer(found.id)),
    )
    if not sent.arrives:  # blocked us (a question queued for later still reaches them)
        await update.callback_query.answer(texts.could_not_reach(name), show_alert=True)
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(texts.asked_volunteer(name))


async def call_resident(update: Update, context: BotContext) -> None:
    """Show the resident's name and phone to this coordinator (audited in the service)."""
    found = await act(
        update,
        context,
        lambda uow, user, data, now: escalation.call_details(uow, user, _ids(data)[0], now),
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(texts.call_resident(found[1]))


async def yes(update: Update, context: BotContext) -> None:
    """The volunteer takes it: the same claim, the same details, the same updates."""
    found = await act(
        update,
        context,
        lambda uow, user, data, now: assignments.accept(uow, user, _ids(data)[0], now),
        _ANSWERS,
    )
    if isinstance(found, Refused):
        return
    view, result = found
    if not await announce_claim(update, context, result):
        return
    await _drop_buttons(update)
    if view.coordinator is not None:
        name, req, tz = result.volunteer.first_name, result.request, context.tz
        await context.data.notifier.send(
            view.coordinator, lambda: (texts.coordinator_told_accepted(name, req, tz), None)
        )


async def no(update: Update, context: BotContext) -> None:
    """The volunteer says no thank you; the coordinator who asked is told."""
    found = await act(
        update,
        context,
        lambda uow, user, data, now: assignments.decline(uow, user, _ids(data)[0], now),
        _ANSWERS,
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(texts.answered_no_thanks())
    if found.coordinator is not None:
        name, req, tz = found.volunteer.first_name, found.request, context.tz
        await context.data.notifier.send(
            found.coordinator,
            lambda: (
                texts.coordinator_told_declined(name, req, tz),
                keyboards.escalation.pick_again(req.id),
            ),
        )


async def _drop_buttons(update: Update) -> None:
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except Exception:  # the message may be too old to edit; the answer was given already
        pass


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The asg buttons: pick, page, vol and call for coordinators; yes and no for volunteers."""
    app.add_handler(CallbackQueryHandler(pick, pattern=pattern("asg", "pick")))
    app.add_handler(CallbackQueryHandler(page, pattern=pattern("asg", "page")))
    app.add_handler(CallbackQueryHandler(ask, pattern=pattern("asg", "vol")))
    app.add_handler(CallbackQueryHandler(call_resident, pattern=pattern("asg", "call")))
    app.add_handler(CallbackQueryHandler(yes, pattern=pattern("asg", "yes")))
    app.add_handler(CallbackQueryHandler(no, pattern=pattern("asg", "no")))
