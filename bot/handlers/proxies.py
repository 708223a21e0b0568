"""/ombud: the municipal coordinators' list of residents without Telegram, to erase one."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers import addresses
from bot.handlers.buttons import Refused, act
from bot.handlers.requests import tell_cancelled
from bot.services import privacy, proxies
from bot.services.errors import NotAllowed
from bot.ui import keyboards, texts


async def list_proxies(update: Update, context: BotContext) -> None:
    """List the residents without Telegram, each a button."""
    try:
        async with context.uow() as uow:
            found = await proxies.listed(uow, update.effective_user.id, context.now())
    except NotAllowed:
        await update.effective_message.reply_text(texts.not_allowed())
        return
    await update.effective_message.reply_text(
        texts.proxies_title(len(found)), reply_markup=keyboards.proxies.proxy_list(found)
    )


async def ask_erase(update: Update, context: BotContext) -> None:
    """Ask once, saying what erasing means."""
    found = await act(
        update, context, lambda uow, user, data, now: proxies.one(uow, user, data.id, now)
    )
    if isinstance(found, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        texts.confirm_erase_proxy(found.first_name),
        reply_markup=keyboards.proxies.confirm(found.person_id, found.first_name),
    )


async def erase(update: Update, context: BotContext) -> None:
    """Erase them; tell the volunteers of requests that were cancelled, strip addresses."""
    found = await act(
        update, context, lambda uow, user, data, now: proxies.one(uow, user, data.id, now)
    )
    if isinstance(found, Refused):
        return
    done = await act(
        update,
        context,
        lambda uow, user, data, now: privacy.erase_proxy(uow, user, data.id, now),
    )
    if isinstance(done, Refused):
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(texts.proxy_erased(found.first_name))
    for closed in done.cancelled:
        await tell_cancelled(context, closed)
    await addresses.strip_for_erasure(context, done.stripped)


async def keep(update: Update, context: BotContext) -> None:
    """Nothing is erased."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(texts.proxy_kept())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """/ombud and its buttons; the services check that this is a municipal coordinator."""
    app.add_handler(CommandHandler(["ombud", "proxies"], list_proxies))
    app.add_handler(CallbackQueryHandler(ask_erase, pattern=r"^prx:ask:[0-9]{1,12}$"))
    app.add_handler(CallbackQueryHandler(erase, pattern=r"^prx:yes:[0-9]{1,12}$"))
    app.add_handler(CallbackQueryHandler(keep, pattern=r"^prx:no$"))
