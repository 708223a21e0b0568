"""The composition root: ``build_application(settings)`` wires everything, nothing else does."""

from __future__ import annotations

import logging
import warnings
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.context import BotContext, BotData
from bot.conversations import (
    add_area,
    broadcast,
    find_place,
    followup,
    give_back,
    manage_activities,
    manage_places,
    onboarding,
    proxy_request,
    report_concern,
    request_help,
    suspend,
)
from bot.handlers import (
    activity_admin,
    assign,
    coordinator,
    errors,
    flood,
    hours,
    lifecycle,
    menu,
    place_admin,
    places,
    preferences,
    privacy,
    proxies,
    reminders,
    reports,
    requests,
    safety,
    tasks,
    volunteers,
)
from bot.handlers import voice as voice_notes
from bot.i18n import Catalogs
from bot.jobs import escalate, purge, remind, resend, revet, scheduler, send_broadcasts
from bot.services.flood import FloodGuard
from bot.services.reminders import ReminderPolicy
from bot.settings import Settings
from bot.telegram import announce, ratelimit, timeouts, web
from bot.telegram.metrics import CountingRequest, Metrics
from bot.telegram.persistence import SqlPersistence
from bot.telegram.retrying import RetryingRequest
from bot.telegram.sender import Notifier
from bot.voice.listening import Listener
from bot.voice.read_aloud import ReadAloud, ReadAloudBot
from bot.voice.stt import Transcriber
from bot.voice.tts import Speaker
from storage.db import create_engine, create_session_factory, hide_debug_arguments
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
# PTB's DEBUG lines hold whole updates and every Bot API call with its text.
TELEGRAM_LOGGERS = (
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
)
# Handler groups: the clock for the metrics, the language, flood control, the gate for
# malformed buttons, the default group 0 with every feature, the state save, the metrics.
BEGIN, LOCALE, FLOOD, GATE, AFTER, DONE = -4, -3, -2, -1, 100, 101


# Periodic jobs; each polls its own rows in the database.
JOBS: tuple[scheduler.Job, ...] = (
    remind.JOB,
    send_broadcasts.JOB,
    resend.JOB,
    escalate.JOB,
    purge.JOB,
    revet.JOB,
)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    await announce.announce(app)
    # Conversations stored before a restart (loaded by initialize()) time out again.
    await timeouts.rearm(app)
    await scheduler.start(app, JOBS)
    settings: Settings = app.bot_data.settings
    if settings.http_port and not settings.webhook_url:
        # Polling mode with /healthz and /metrics (webhook mode starts its own server).
        app.bot_data.web = await web.start_server(
            app, settings.http_host, settings.http_port, None
        )


async def _post_stop(app: Application) -> None:  # type: ignore[type-arg]
    # Updates have stopped coming; the jobs finish their batch while the bot can still send.
    await scheduler.stop(app)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    if app.bot_data.web is not None:
        await app.bot_data.web.cleanup()
    await scheduler.stop(app)  # when post_stop did not run (a failed start)
    await app.bot_data.listener.close()
    await app.bot_data.engine.dispose()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot: storage, catalogues, persistence, rate limiter and every handler.

    The engine is made here, not in post_init: the persistence reads conversation states
    during ``Application.initialize()``, which runs before post_init. Making an engine opens
    no connection.
    """
    hide_debug_arguments(*TELEGRAM_LOGGERS)
    engine = create_engine(settings.database_url)
    uow = UnitOfWorkFactory(create_session_factory(engine))
    catalogs = Catalogs(settings.default_locale)

    builder = (
        ApplicationBuilder()
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .persistence(SqlPersistence(uow))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    metrics = Metrics()
    # Every Bot API call goes through one counting wrapper (messages sent, 429s).
    # 5xx answers, timeouts and network errors are tried again a few times (429 is the
    # limiter's); a notification that still fails is queued by the notifier.
    retrying = RetryingRequest(
        request or HTTPXRequest(connection_pool_size=256), on_retry=metrics.retries.inc
    )
    sender = CountingRequest(retrying, metrics)
    # Our ExtBot: after a text, the same as a voice note for those who asked for it.
    read_aloud = ReadAloud(Speaker(settings))
    bot = ReadAloudBot(
        settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url or "https://api.telegram.org/file/bot",
        request=sender,
        # Long polling has a connection of its own (as PTB's builder would make it).
        get_updates_request=get_updates_request or request or HTTPXRequest(connection_pool_size=1),
        # One limiter for all outgoing traffic (None in tests); it honours RetryAfter, too.
        rate_limiter=ratelimit.build(settings),
        read_aloud=read_aloud,
    )
    builder = builder.bot(bot)
    if settings.webhook_url:
        # Updates come in through bot/telegram/web.py, not by polling.
        builder = builder.updater(None)
    app = builder.build()

    data: BotData = app.bot_data
    data.settings = settings
    data.engine = engine
    data.uow = uow
    data.catalogs = catalogs
    data.tz = ZoneInfo(settings.timezone)
    data.metrics = metrics
    data.read_aloud = read_aloud
    data.flood = FloodGuard(
        settings.flood_messages, settings.flood_seconds, settings.flood_quiet_seconds
    )
    data.reminder_policy = ReminderPolicy(
        settings.reminder_evening_at, settings.reminder_hours_before
    )
    data.notifier = Notifier(
        app.bot,
        catalogs,
        uow,
        forget=lambda chat_id: data.locales.pop(chat_id, None),
        clock=lambda: data.clock(),
    )

    # Voice notes: heard off the event loop by one bounded worker; the model loads lazily.
    data.listener = Listener(Transcriber(settings), settings.stt_max_seconds)

    timeout = settings.conversation_timeout_minutes * 60 or None
    # Before anything: the sender's language; then turn away buttons we never made. (PTB lets
    # empty callback data through every pattern, so this check cannot live in the patterns.)
    app.add_handler(TypeHandler(Update, lifecycle.began), BEGIN)
    app.add_handler(TypeHandler(Update, lifecycle.set_locale), LOCALE)
    app.add_handler(TypeHandler(Update, flood.guard), FLOOD)
    app.add_handler(
        CallbackQueryHandler(lifecycle.refuse_malformed_button, pattern=lifecycle.malformed), GATE
    )
    # Inline buttons with fixed meanings come first; their services check every permission.
    tasks.register(app)
    requests.register(app)
    coordinator.register(app)
    reminders.register(app)
    preferences.register(app)
    places.register(app)
    privacy.register(app)
    assign.register(app)
    hours.register(app)
    reports.register(app)
    place_admin.register(app)
    activity_admin.register(app)
    volunteers.register(app)
    proxies.register(app)
    safety.register(app)
    # Conversations. Those entered by a button come first, so a catch-all for old buttons in
    # another conversation's step never swallows them; onboarding, which owns /start, is last.
    with warnings.catch_warnings():
        # Our conversations mix message steps and inline-button steps on purpose, so PTB's
        # note that buttons are not tracked per message does not apply.
        warnings.filterwarnings("ignore", message="If 'per_message=False'")
        for conversation in (
            give_back,
            suspend,
            followup,
            report_concern,
            manage_activities,
            manage_places,
            find_place,
            broadcast,
            proxy_request,
            request_help,
            add_area,
            onboarding,
        ):
            app.add_handler(conversation.build(timeout))
    menu.register(app)
    # A voice note outside any conversation (a resident may start a request by speaking).
    voice_notes.register_fallbacks(app)
    # Last in line: whatever nobody else took gets a kind answer.
    menu.register_fallbacks(app)
    # After everything: save conversation states right away.
    app.add_handler(TypeHandler(Update, lifecycle.save_state), AFTER)
    app.add_handler(TypeHandler(Update, lifecycle.ended), DONE)
    app.add_error_handler(errors.on_error)
    return app
