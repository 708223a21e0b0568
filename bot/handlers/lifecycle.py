"""Before every update: speak the person's language. After every update: save state."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.handlers import screens
from bot.services import people
from bot.telegram import ratelimit
from bot.ui import texts
from bot.ui.callbacks import decode

log = logging.getLogger(__name__)

# In a group the bot only posts tasks and takes the claim button and the link commands;
# nothing personal is ever asked or shown there.
GROUP_COMMANDS = ("/koppla", "/avkoppla", "/link", "/unlink")
# Buttons taken in a group: «Jag tar det» on a group post, and a holder's look at the task
# (forged onto a group post). Both answer in the presser's own chat, with a toast in the
# group; every other button is refused there.
GROUP_BUTTONS = frozenset({("task", "claim"), ("task", "show")})


def _button_allowed_in_group(data: object) -> bool:
    button = decode(data) if isinstance(data, str) else None
    return button is not None and (button.scope, button.action) in GROUP_BUTTONS


def _allowed_in_group(update: Update) -> bool:
    if update.callback_query is not None:
        return _button_allowed_in_group(update.callback_query.data)
    message = update.effective_message
    text = (message.text or "") if message else ""
    command = text.split()[0].split("@")[0] if text.startswith("/") else ""
    return command in GROUP_COMMANDS


async def set_locale(update: Update, context: BotContext) -> None:
    """Make the sender's language current for this update (cached after the first look-up)."""
    user = update.effective_user
    data = context.data
    chat = update.effective_chat
    data.read_aloud.begin(None)
    refused = chat is not None and chat.type != "private" and not _allowed_in_group(update)
    if refused and (update.callback_query is None or user is None):
        raise ApplicationHandlerStop
    if user is None:
        data.catalogs.activate(data.settings.default_locale)
        return
    locale = data.locales.get(user.id)
    if locale is None:
        async with context.uow() as uow:
            locale = await people.seen(uow, user.id)
            reads = await people.reads_aloud(uow, user.id)
        data.read_aloud.remember(user.id, reads)
        if locale is None:
            # Someone new: Telegram's language if we have it, else the default (Swedish).
            code = (user.language_code or "").split("-")[0]
            locale = "en" if code == "en" else data.settings.default_locale
        else:
            data.locales[user.id] = locale
    data.catalogs.activate(locale)
    if refused:
        # A button in a group that would answer there: only the presser sees this toast.
        await update.callback_query.answer(texts.private_chat_only(), show_alert=True)
        raise ApplicationHandlerStop
    # Replies in this person's own chat are read aloud if they asked for it.
    data.read_aloud.begin(chat.id if chat is not None and chat.type == "private" else None)


async def refuse_malformed_button(update: Update, context: BotContext) -> None:
    """Button data we never made (forged, or from an old version): a kind word, nothing else."""
    query = update.callback_query
    log.warning(
        "malformed callback data from %s",
        update.effective_user.id if update.effective_user else None,
    )
    await query.answer(texts.stale_button(), show_alert=True)
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await screens.show_menu(update, context)
    raise ApplicationHandlerStop


def malformed(data: object) -> bool:
    """True for callback data our codec would not have made."""
    return not isinstance(data, str) or decode(data) is None


async def save_state(update: Update, context: BotContext) -> None:
    """Write conversation states and this update's user data now, so a SIGKILL loses at
    most the update in hand. (PTB marks an update's data for saving only after the last
    group, which would leave a tick shown but not saved until the next update.)"""
    user, chat = update.effective_user, update.effective_chat
    context.application.mark_data_for_update_persistence(
        chat_ids=chat.id if chat else None, user_ids=user.id if user else None
    )
    await context.application.update_persistence()


async def began(update: Update, context: BotContext) -> None:
    """Start the clock of this update (handler latency in the metrics); what goes back to this
    chat is a reply, first in the limiter's queue."""
    context.data.metrics.begin(update.update_id)
    chat = update.effective_chat
    ratelimit.replying_to(chat.id if chat is not None else None)


async def ended(update: Update, context: BotContext) -> None:
    """Stop it: the update is handled."""
    context.data.metrics.end(update.update_id)
