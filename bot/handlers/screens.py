"""Who is writing, and the main menu: what single-step handlers and conversations both show.

It lives with the handlers, below the conversations, so that a handler never needs a
conversation's module (conversations build on handlers, not the other way round).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.services import people
from bot.services.views import PersonView
from bot.ui import keyboards, texts

END = ConversationHandler.END


async def person(update: Update, context: BotContext) -> PersonView | None:
    """The person behind this update, or None before /start."""
    user = update.effective_user
    if user is None:
        return None
    async with context.uow() as uow:
        return await people.find(uow, user.id)


async def show_menu(update: Update, context: BotContext, text: str | None = None) -> None:
    """Send the main menu with big buttons for the person's roles."""
    found = await person(update, context)
    message = update.effective_message
    if message is None:
        return
    if found is None or not found.onboarded:
        await message.reply_text(texts.start_first(), reply_markup=keyboards.common.remove())
        return
    await message.reply_text(text or texts.menu(), reply_markup=keyboards.common.main_menu(found))


async def end_to_menu(update: Update, context: BotContext, text: str | None = None) -> int:
    """Leave the conversation (if in one) and show the menu."""
    await show_menu(update, context, text or texts.cancelled_to_menu())
    return END
