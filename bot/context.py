"""Typed context: the services and settings every handler reaches through ``context``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Catalogs
from bot.services.flood import FloodGuard
from bot.services.reminders import ReminderPolicy
from bot.settings import Settings
from storage.uow import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from aiohttp import web
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.jobs.scheduler import Scheduler
    from bot.telegram.metrics import Metrics
    from bot.telegram.sender import Notifier
    from bot.voice.listening import Listener
    from bot.voice.read_aloud import ReadAloud


def utc_now() -> datetime:
    return datetime.now(UTC)


class BotData:
    """Everything shared by handlers. Filled in once by ``build_application``."""

    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    catalogs: Catalogs
    notifier: Notifier
    tz: ZoneInfo
    reminder_policy: ReminderPolicy
    flood: FloodGuard
    # Voice notes: the speech engine and what was heard, until the person confirms it.
    listener: Listener
    metrics: Metrics
    # Replies read aloud (a setting per person) and the speech engine behind them.
    read_aloud: ReadAloud
    # The web server (/healthz, /metrics, the webhook) when one runs.
    web: web.AppRunner | None
    # Started in post_init (only when the bot runs), stopped in post_shutdown.
    scheduler: Scheduler | None
    clock: Callable[[], datetime]
    locales: dict[int, str]

    def __init__(self) -> None:
        self.clock = utc_now
        self.scheduler = None
        self.web = None
        self.locales = {}


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to our shared objects."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data

    def uow(self) -> UnitOfWork:
        """A fresh unit of work: ``async with context.uow() as uow:``."""
        return self.bot_data.uow()

    def now(self) -> datetime:
        return self.bot_data.clock()

    @property
    def tz(self) -> ZoneInfo:
        return self.bot_data.tz
