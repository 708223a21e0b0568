"""Before every update: speak the person's language. After every update: save state."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.services import people

# In a group the bot only posts tasks and takes the claim button and the link commands;
# nothing personal is ever asked or shown there.
GROUP_COMMANDS = ("/koppla", "/avkoppla", "/link", "/unlink")


def _allowed_in_group(update: Update) -> bool:
    if update.callback_query is not None:
        return True
    message = update.effective_message
    text = (message.text or "") if message else ""
    command = text.split()[0].split("@")[0] if text.startswith("/") else ""
    return command in GROUP_COMMANDS


async def set_locale(update: Update, context: BotContext) -> None:
    """Make the sender's language current for this update (cached after the first look-up)."""
    user = update.effective_user
    data = context.data
    chat = update.effective_chat
    if chat is not None and chat.type != "private" and not _allowed_in_group(update):
        raise ApplicationHandlerStop
    if user is None:
        data.catalogs.activate(data.settings.default_locale)
        return
    locale = data.locales.get(user.id)
    if locale is None:
        async with context.uow() as uow:
            found = await people.find(uow, user.id)
        locale = found.locale if found and found.locale else None
        if locale is None:
            # Someone new: Telegram's language if we have it, else the default (Swedish).
            code = (user.language_code or "").split("-")[0]
            locale = "en" if code == "en" else data.settings.default_locale
        else:
            data.locales[user.id] = locale
    data.catalogs.activate(locale)


async def save_state(update: Update, context: BotContext) -> None:
    """Write conversation states now, so a SIGKILL loses at most the update in hand."""
    await context.application.update_persistence()
