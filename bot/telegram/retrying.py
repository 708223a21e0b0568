"""Transient Bot API failures, tried again at the HTTP boundary: 5xx, timeouts, network errors.

``RetryingRequest`` wraps the real request, so every method gets the same few attempts with a
short jittered backoff. A 429 is not retried here: PTB turns it into ``RetryAfter``, which the
rate limiter waits out and retries (bot/telegram/ratelimit.py). Other 4xx answers are final.

Sending again after a failure that may have reached Telegram (a read timeout, a dropped
connection, a 5xx) can deliver a message twice. For a notification a duplicate is better than
a loss, so every method is tried again; those that may have landed are logged as such. Where
Telegram can tell that the first attempt landed, the duplicate's 400 answer is taken as
success: an edit that is "not modified", a callback query already answered, a message already
deleted. Only a connect or pool timeout and a refused connection are known not to have been
sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.services.backoff import HTTP, HTTP_ATTEMPTS, Backoff
from bot.telegram.wrapped import WrappedRequest

log = logging.getLogger(__name__)

# Failures that never reached Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# 400 answers to a repeated call that mean the call before it was carried out.
_LANDED: dict[str, tuple[str, ...]] = {
    "answerCallbackQuery": ("query is too old", "query id is invalid"),
    "editMessageText": ("message is not modified",),
    "editMessageReplyMarkup": ("message is not modified",),
    "deleteMessage": ("message to delete not found",),
}
_TRUE = json.dumps({"ok": True, "result": True}).encode()


def _not_sent(error: BaseException) -> bool:
    """True when the request surely never left (PTB keeps httpx's error as the cause)."""
    return isinstance(error, _NOT_SENT) or isinstance(error.__cause__, _NOT_SENT)


def _landed(method: str, body: bytes) -> bool:
    phrases = _LANDED.get(method)
    if not phrases:
        return False
    try:
        description = str(json.loads(body).get("description", "")).lower()
    except (ValueError, AttributeError):
        return False
    return any(phrase in description for phrase in phrases)


class RetryingRequest(WrappedRequest):
    """Tries a Bot API call again after a 5xx answer, a timeout or a network error."""

    def __init__(
        self,
        inner: BaseRequest,
        *,
        attempts: int | None = None,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        on_retry: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(inner)
        # Read here rather than as default values, so that tests can shorten them.
        self.attempts = max(1, HTTP_ATTEMPTS if attempts is None else attempts)
        self.backoff = HTTP if backoff is None else backoff
        self._rng = rng or random.Random()
        self._on_retry = on_retry

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1, 2, ...): full jitter."""
        return self.backoff.jittered(attempt, self._rng)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        maybe_landed = False
        for attempt in range(1, self.attempts + 1):
            try:
                code, body = await self._inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except (NetworkError, httpx.TransportError) as error:  # TimedOut is a NetworkError
                if attempt == self.attempts:
                    raise
                reason = error.__class__.__name__
                maybe_landed = maybe_landed or not _not_sent(error)
            else:
                if code == 400 and maybe_landed and _landed(name, body):
                    log.info("Bot API %s: the earlier attempt had landed", name)
                    return 200, _TRUE
                if code < 500 or attempt == self.attempts:
                    return code, body
                reason = str(code)
                maybe_landed = True  # Telegram may have acted before failing
            self._on_retry()
            log.info(
                "Bot API %s failed (%s), attempt %s of %s%s",
                name,
                reason,
                attempt,
                self.attempts,
                "; it may have landed, so it may arrive twice" if maybe_landed else "",
            )
            await asyncio.sleep(self.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover
