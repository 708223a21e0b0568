"""At start: the command list and the bot's description, in Swedish and English."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application

from bot.ui import texts

log = logging.getLogger(__name__)
LOCALES = ("sv", "en")


async def announce(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """setMyCommands, setMyDescription and setMyShortDescription per language.

    The default (for any other language) is the default locale's. Telegram being unreachable
    here is not fatal: the bot works without them.
    """
    data = app.bot_data
    default = data.settings.default_locale
    for locale in (None, *LOCALES):
        with data.catalogs.use(locale or default):
            commands = [BotCommand(name, text) for name, text in texts.command_list()]
            description, short = texts.bot_description(), texts.bot_short_description()
        try:
            await app.bot.set_my_commands(commands, language_code=locale)
            await app.bot.set_my_description(description, language_code=locale)
            await app.bot.set_my_short_description(short, language_code=locale)
        except TelegramError as error:
            log.warning("could not set the commands for %s: %s", locale, error)
