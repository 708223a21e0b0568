"""aiohttp: the webhook endpoint (checks the secret token), /healthz and /metrics.

In webhook mode the Application has no Updater: this endpoint puts each update on the
application's queue and answers 200 only once it is queued. Too large or malformed requests
get a 4xx and never reach a handler.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import signal
import time
from typing import Any

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
WEBHOOK_PATH = "/telegram"
# Telegram's updates are a few kB; a megabyte is never one of them.
MAX_BODY = 256 * 1024
_APP: web.AppKey[App] = web.AppKey("telegram_app", Application)
_SECRET: web.AppKey[str] = web.AppKey("secret", str)


async def _webhook(request: web.Request) -> web.Response:
    app = request.app[_APP]
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), request.app[_SECRET].encode()):
        return web.Response(status=403)
    try:
        payload = await request.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400)
        update = Update.de_json(payload, app.bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return web.Response(status=400)
    if update is None:
        return web.Response(status=400)
    await app.update_queue.put(update)
    return web.Response(status=200)


async def _database_ok(app: App) -> bool:
    try:
        async with app.bot_data.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def _queues(app: App) -> dict[str, int | None]:
    """Update the queue gauges; the depths, or None when the database is down."""
    data = app.bot_data
    try:
        async with data.uow() as uow:
            depth = await uow.health.outbox_depth()
            outbound = await uow.health.outbound_depth()
            oldest = await uow.health.oldest_due_reminder(data.clock())
    except Exception:
        return {"outbox_depth": None, "outbound_depth": None}
    data.metrics.outbox_depth.set(depth)
    data.metrics.outbound_depth.set(outbound)
    lag = (data.clock() - oldest).total_seconds() if oldest is not None else 0.0
    data.metrics.reminder_lag.set(max(0.0, lag))
    return {"outbox_depth": int(depth), "outbound_depth": int(outbound)}


async def _healthz(request: web.Request) -> web.Response:
    app = request.app[_APP]
    data = app.bot_data
    scheduler = data.scheduler
    last = data.metrics.last_update_at
    body = {
        "database": "ok" if await _database_ok(app) else "error",
        "scheduler": "running" if scheduler is not None and scheduler.running else "stopped",
        "last_update_age_s": None if last is None else round(time.monotonic() - last, 1),
        **await _queues(app),
    }
    healthy = body["database"] == "ok" and body["scheduler"] == "running"
    return web.Response(
        status=200 if healthy else 503, text=json.dumps(body), content_type="application/json"
    )


async def _metrics(request: web.Request) -> web.Response:
    app = request.app[_APP]
    await _queues(app)
    return web.Response(
        body=app.bot_data.metrics.render(), content_type="text/plain", charset="utf-8"
    )


def build(app: App, secret: str | None) -> web.Application:
    """The web application: /healthz, /metrics and, given a secret, the webhook."""
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app[_APP] = app
    web_app.router.add_get("/healthz", _healthz)
    web_app.router.add_get("/metrics", _metrics)
    if secret:
        web_app[_SECRET] = secret
        web_app.router.add_post(WEBHOOK_PATH, _webhook)
    return web_app


async def start_server(app: App, host: str, port: int, secret: str | None) -> web.AppRunner:
    """Serve the web application on host:port until ``runner.cleanup()``."""
    runner = web.AppRunner(build(app, secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on %s:%s", host, port)
    return runner


async def serve_webhook(app: App, settings: Settings) -> None:
    """Run the bot in webhook mode until SIGTERM or SIGINT."""
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # The order of PTB's run_polling: stop, post_stop, shutdown (which saves the persistence),
    # then post_shutdown (which closes the database).
    try:
        async with app:
            if app.post_init is not None:
                await app.post_init(app)
            runner = await start_server(
                app, settings.http_host, settings.http_port or 8080, secret
            )
            url = (settings.webhook_url or "").rstrip("/") + WEBHOOK_PATH
            await app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            await app.start()
            try:
                await stop.wait()
            finally:
                # Take no more updates, handle those queued, let the jobs finish their batch.
                await runner.cleanup()
                await app.stop()
                if app.post_stop is not None:
                    await app.post_stop(app)
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
