"""The one rate limiter for everything the bot sends (replies, reminders, broadcasts).

PTB's AIORateLimiter throttles the whole bot and each group, but not private chats. Telegram
also allows only about one message a second in one chat, so ``ChatRateLimiter`` adds a small
leaky bucket per private chat in front of it: a short burst (a reply of two or three
messages) goes at once, a longer run at one a second.

The whole bot's pace is ``Pace``: each message reserves the next free slot on a grid of
1/rate seconds. PTB's own overall bucket (aiolimiter, a bucket of ``rate``) would let 29 go at
once and 29 more in the next second: 58 within one second by Telegram's count. A bucket of
one avoids that but loses the event loop's lateness on every wake-up (about 26 of 29/s). On a
grid a late wake-up does not move the next slot, so no second holds more than rate + 1 and
the rate is kept. Slots are handed out in turn, so a reply waits behind at most the broadcast
message already queued (the outbox queues one at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.settings import Settings

JSONDict = dict[str, Any]

CHAT_RATE = 1.0  # messages per second in one private chat
CHAT_BURST = 3  # messages that may go at once before that rate applies
MAX_CHATS = 4096  # per-chat buckets kept; idle ones are dropped first
Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class Pace:
    """At most ``rate`` a second: each caller reserves the next slot, then sleeps until it."""

    def __init__(self, rate: float) -> None:
        self.gap = 1 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self.gap
        if slot > now:
            await asyncio.sleep(slot - now)


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter plus about one message a second per private chat, with small bursts."""

    __slots__ = ("_chat_burst", "_chat_limiters", "_chat_rate", "pace")

    def __init__(
        self,
        overall_rate: float,
        *,
        chat_rate: float = CHAT_RATE,
        chat_burst: int = CHAT_BURST,
        max_retries: int = 2,
    ) -> None:
        super().__init__(
            overall_max_rate=0,  # the overall pace is ours (see the module's docstring)
            group_max_rate=20,
            group_time_period=60,
            max_retries=max_retries,
        )
        self._chat_rate = chat_rate
        self._chat_burst = chat_burst
        self._chat_limiters: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self.pace = Pace(overall_rate)

    def chat_limiter(self, chat_id: int) -> AsyncLimiter:
        """The bucket of one private chat (made on first use; the dict stays bounded)."""
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            if len(self._chat_limiters) >= MAX_CHATS:
                self._forget_idle()
            limiter = AsyncLimiter(self._chat_burst, self._chat_burst / self._chat_rate)
            self._chat_limiters[chat_id] = limiter
        else:
            self._chat_limiters.move_to_end(chat_id)
        return limiter

    def _forget_idle(self) -> None:
        # Oldest first; a bucket that is full again remembers nothing worth keeping.
        for key, limiter in list(self._chat_limiters.items()):
            if limiter.has_capacity(limiter.max_rate):
                del self._chat_limiters[key]
            if len(self._chat_limiters) < MAX_CHATS // 2:
                break
        while len(self._chat_limiters) >= MAX_CHATS:
            self._chat_limiters.popitem(last=False)

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the chat's bucket (private chats), then for the bot's slot, then PTB's
        group limit and RetryAfter handling."""
        chat_id: object = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if isinstance(chat_id, int) and chat_id > 0:
            async with self.chat_limiter(chat_id):
                await self.pace.wait()
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        if chat_id is not None:  # groups and channels; PTB's group limit applies as well
            await self.pace.wait()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def overall_rate(settings: Settings) -> float:
    """Messages per second for the whole bot: never above broadcast_rate or Telegram's 30."""
    return min(settings.outgoing_rate, settings.broadcast_rate, 30)


def build(settings: Settings) -> BaseRateLimiter[Any] | None:
    """The limiter for this bot, or None when outgoing_rate is 0 (tests and benchmarks)."""
    if settings.outgoing_rate <= 0:
        return None
    return ChatRateLimiter(overall_rate(settings))
