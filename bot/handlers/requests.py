"""A resident's buttons on their own requests: show, cancel (with one confirmation)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers import addresses
from bot.handlers.buttons import Refused, act
from bot.handlers.tasks import alert_if_nobody, send_offers
from bot.i18n import current_locale
from bot.services import requests
from bot.services.views import CloseResult, Contact, GiveBackResult, Recipient, RequestView
from bot.ui import keyboards, texts
from bot.ui.callbacks import decode, pattern


async def _detail(
    update: Update, context: BotContext
) -> tuple[RequestView, Recipient | None, Contact | None] | Refused:
    return await act(
        update, context, lambda uow, user, data, now: requests.detail(uow, user, data.id, now)
    )


async def show(update: Update, context: BotContext) -> None:
    """Show one request to its resident (or a coordinator)."""
    found = await _detail(update, context)
    if isinstance(found, Refused):
        return
    req, volunteer, contact = found
    text = texts.request_detail(
        req, volunteer.first_name if volunteer else None, contact, context.tz
    )
    markup = keyboards.tasks.request_actions(req.id, req.status)
    await update.callback_query.answer()
    sent = await update.effective_message.reply_text(text, reply_markup=markup)
    # The holder may open it here too: then it is one of their messages with the address.
    holder = volunteer.telegram_id if volunteer else None
    if contact is not None and holder == update.effective_user.id:
        await addresses.remember(context, req, (sent.chat_id, sent.message_id), current_locale())


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Ask once whether to cancel."""
    found = await _detail(update, context)
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    req, tz = found[0], context.tz
    if req.status not in ("open", "claimed"):
        await update.effective_message.reply_text(texts.task_closed(req, tz))
        return
    await update.effective_message.reply_text(
        texts.ask_cancel(req, tz), reply_markup=keyboards.tasks.confirm_cancel(req.id)
    )


async def confirm_cancel(update: Update, context: BotContext) -> None:
    """Cancel the request; tell the volunteer, and update the task messages."""
    query = update.callback_query
    data = decode(query.data)
    if data is not None and data.action == "cancelno":
        await query.answer()
        await query.edit_message_text(texts.kept())
        return
    result = await act(
        update, context, lambda uow, user, data, now: requests.cancel(uow, user, data.id, now)
    )
    if isinstance(result, Refused):
        return
    await query.answer()
    await query.edit_message_text(texts.cancelled_resident())
    await tell_cancelled(context, result)


async def tell_cancelled(
    context: BotContext, result: CloseResult, *, activity_cancelled: bool = False
) -> None:
    """After a cancel: tell the volunteer who held it, and close the task messages.

    ``activity_cancelled``: the meeting place called the date off, not the resident.
    """
    req, tz, notifier = result.request, context.tz, context.data.notifier
    if result.volunteer is not None:
        name = result.resident.first_name
        say = (
            texts.volunteer_told_activity_cancelled
            if activity_cancelled
            else (texts.volunteer_told_cancelled)
        )
        await notifier.send(result.volunteer, lambda: (say(req, name, tz), None))
    await addresses.strip(context, req, result.posts, "cancelled")
    for post in result.posts:
        if post.kind != "offer":
            continue
        with context.data.catalogs.use(post.locale or context.data.settings.default_locale):
            text = texts.task_closed(req, tz)
        await notifier.edit(post.chat_id, post.message_id, text)


async def tell_given_back(context: BotContext, result: GiveBackResult) -> None:
    """A task opened again: its address taken out of the holder's messages, the resident told
    calmly and the task offered to volunteers again."""
    req, tz, name = result.request, context.tz, result.volunteer.first_name
    await addresses.strip(context, req, result.address_posts, result.why)
    await context.data.notifier.send(
        result.resident,
        lambda: (
            texts.resident_told_given_back(req, name, tz, result.resident.on_behalf_of),
            None,
        ),
    )
    delivered = await send_offers(context, req, result.volunteers, result.group_chat_ids)
    await alert_if_nobody(context, req, delivered, [])


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The resident's request buttons."""
    app.add_handler(CallbackQueryHandler(show, pattern=pattern("req", "show")))
    app.add_handler(CallbackQueryHandler(ask_cancel, pattern=pattern("req", "cancel")))
    app.add_handler(
        CallbackQueryHandler(confirm_cancel, pattern=pattern("req", "cancelyes", "cancelno"))
    )
