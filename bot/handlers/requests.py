"""A resident's buttons on their own requests: show, cancel (with one confirmation)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.services import requests
from bot.services.errors import NotAllowed, NotFound, NotOpen, NotRegistered
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern


async def show(update: Update, context: BotContext) -> None:
    """Show one request to its resident (or a coordinator)."""
    query = update.callback_query
    data = decode(query.data)
    assert data is not None
    try:
        async with context.uow() as uow:
            req, volunteer, contact = await requests.detail(
                uow, update.effective_user.id, data.id, context.now()
            )
    except (NotAllowed, NotRegistered):
        await query.answer(texts.not_allowed(), show_alert=True)
        return
    except NotFound:
        await query.answer(texts.stale_button(), show_alert=True)
        return
    await query.answer()
    await update.effective_message.reply_text(
        texts.request_detail(
            req, volunteer.first_name if volunteer else None, contact, context.tz
        ),
        reply_markup=keyboards.request_actions(req.id, req.status),
    )


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Ask once whether to cancel."""
    query = update.callback_query
    data = decode(query.data)
    assert data is not None
    try:
        async with context.uow() as uow:
            req, _vol, _contact = await requests.detail(
                uow, update.effective_user.id, data.id, context.now()
            )
    except (NotAllowed, NotRegistered):
        await query.answer(texts.not_allowed(), show_alert=True)
        return
    except NotFound:
        await query.answer(texts.stale_button(), show_alert=True)
        return
    await query.answer()
    if req.status not in ("open", "claimed"):
        await update.effective_message.reply_text(texts.task_closed(req, context.tz))
        return
    await update.effective_message.reply_text(
        texts.ask_cancel(req, context.tz), reply_markup=keyboards.confirm_cancel(req.id)
    )


async def confirm_cancel(update: Update, context: BotContext) -> None:
    """Cancel the request; tell the volunteer, and update the task messages."""
    query = update.callback_query
    data = decode(query.data)
    assert data is not None
    if data.action == "cancelno":
        await query.answer()
        await query.edit_message_text(texts.kept())
        return
    try:
        async with context.uow() as uow:
            result = await requests.cancel(uow, update.effective_user.id, data.id, context.now())
    except (NotAllowed, NotRegistered):
        await query.answer(texts.not_allowed(), show_alert=True)
        return
    except (NotFound, NotOpen):
        await query.answer(texts.stale_button(), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(texts.cancelled_resident())
    req, tz, notifier = result.request, context.tz, context.data.notifier
    if result.volunteer is not None:
        name = result.resident.first_name
        await notifier.send(
            result.volunteer, lambda: (texts.volunteer_told_cancelled(req, name, tz), None)
        )
    for post in result.posts:
        with context.data.catalogs.use(post.locale or context.data.settings.default_locale):
            text = texts.task_closed(req, tz)
        await notifier.edit(post.chat_id, post.message_id, text)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The resident's request buttons."""
    app.add_handler(CallbackQueryHandler(show, pattern=pattern("req", "show")))
    app.add_handler(CallbackQueryHandler(ask_cancel, pattern=pattern("req", "cancel")))
    app.add_handler(
        CallbackQueryHandler(confirm_cancel, pattern=pattern("req", "cancelyes", "cancelno"))
    )
