"""The one rate limiter for everything the bot sends, with priority lanes.

PTB's AIORateLimiter throttles the whole bot and each group, but not private chats. Telegram
also allows only about one message a second in one chat, so ``ChatRateLimiter`` adds a small
leaky bucket per private chat in front of it: a short burst (a reply of two or three
messages) goes at once, a longer run at one a second.

The whole bot's pace is ``Gate``: one message every 1/rate seconds, on a grid (a late wake-up
does not move the next slot, so no second holds more than rate + 1 and the rate is kept).
Whoever waits for a slot waits in a **lane**, and each slot goes to the best lane waiting:

1. ``REPLY``: the answer to the person whose update is being handled;
2. ``ALERT``: task offers, alerts to coordinators, messages queued for a retry;
3. ``REMINDER``: reminders;
4. ``BROADCAST``: broadcasts (and their progress messages).

A message's lane is the ``REPLY`` lane when it goes to the chat of the update in hand
(``replying_to``), otherwise the lane its job runs in (``in_lane``; ``ALERT`` by default). A
job that sends one message per transaction takes its slot *before* it opens the transaction
(``slot``), so it never holds a database lock while it waits; the send then goes straight
through. So a reply in the middle of a 10,000-recipient broadcast waits behind at most the
one broadcast message that already has its slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextvars import ContextVar
from enum import IntEnum
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.settings import Settings

JSONDict = dict[str, Any]

CHAT_RATE = 1.0  # messages per second in one private chat
CHAT_BURST = 3  # messages that may go at once before that rate applies
MAX_CHATS = 4096  # per-chat buckets kept; idle ones are dropped first
Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class Lane(IntEnum):
    """Who goes first when several wait for the next slot (lowest first)."""

    REPLY = 0
    ALERT = 1
    REMINDER = 2
    BROADCAST = 3


_replying_to: ContextVar[int | None] = ContextVar("hjalpsam_replying_to", default=None)
_lane: ContextVar[Lane] = ContextVar("hjalpsam_lane", default=Lane.ALERT)
# The slot a job took before its transaction (its time on the loop clock), if not used yet.
_prepaid: ContextVar[float | None] = ContextVar("hjalpsam_prepaid", default=None)


def replying_to(chat_id: int | None) -> None:
    """This update came from ``chat_id``: what goes back there is a reply."""
    _replying_to.set(chat_id)


@contextlib.contextmanager
def in_lane(lane: Lane) -> Iterator[None]:
    """Send in ``lane`` (a job's messages) for the duration of the block."""
    token = _lane.set(lane)
    reply = _replying_to.set(None)
    try:
        yield
    finally:
        _replying_to.reset(reply)
        _lane.reset(token)


def lane_of(chat_id: object) -> Lane:
    """The lane of a message to ``chat_id`` sent from here."""
    if chat_id is not None and chat_id == _replying_to.get():
        return Lane.REPLY
    return _lane.get()


class Gate:
    """At most ``rate`` a second; each slot goes to the best lane waiting, then first come."""

    def __init__(self, rate: float) -> None:
        self.gap = 1 / rate
        self._next = 0.0
        self._order = itertools.count()
        self._waiting: list[tuple[int, int, asyncio.Future[float]]] = []
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        return sum(1 for *_, future in self._waiting if not future.done())

    async def wait(self, lane: Lane = Lane.ALERT) -> float:
        """Return in this caller's slot; its time on the loop's clock."""
        loop = asyncio.get_running_loop()
        if not self.waiting and loop.time() >= self._next:
            return self._take(loop.time())
        future: asyncio.Future[float] = loop.create_future()
        heapq.heappush(self._waiting, (int(lane), next(self._order), future))
        self._arm(loop)
        return await future  # a cancelled waiter is skipped when its turn comes

    def _take(self, now: float) -> float:
        # On the grid while we keep up; from now on after an idle spell.
        slot = self._next if now - self._next < self.gap else now
        self._next = slot + self.gap
        return slot

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None:
            self._timer = loop.call_at(max(loop.time(), self._next), self._release, loop)

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        while self._waiting:
            *_, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(self._take(loop.time()))
                break
        if self._waiting:
            self._arm(loop)


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter plus about one message a second per private chat, with small bursts."""

    __slots__ = ("_chat_burst", "_chat_limiters", "_chat_rate", "gate")

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
        self.gate = Gate(overall_rate)

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
        """Wait for the chat's bucket (private chats), then for the bot's slot in this
        message's lane (unless the job took it already), then PTB's group limit and RetryAfter
        handling."""
        chat_id: object = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if isinstance(chat_id, int) and chat_id > 0:
            async with self.chat_limiter(chat_id):
                await self._slot(chat_id)
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        if chat_id is not None:  # groups and channels; PTB's group limit applies as well
            await self._slot(chat_id)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _slot(self, chat_id: object) -> None:
        taken = _prepaid.get()
        if taken is not None:
            _prepaid.set(None)
            # Sent within half a gap of its slot, a message keeps the grid's promise (no second
            # holds more than rate + 1); a claim that took longer waits for a new slot.
            if asyncio.get_running_loop().time() - taken <= self.gate.gap / 2:
                return
        await self.gate.wait(lane_of(chat_id))


@contextlib.asynccontextmanager
async def slot(bot: Bot, lane: Lane) -> AsyncIterator[None]:
    """Wait for a slot in ``lane`` now; the first message sent in the block uses it.

    For jobs that send one message per transaction: the wait comes before the transaction.
    Without our limiter (tests, benchmarks with rate 0) there is nothing to wait for.
    """
    limiter = getattr(bot, "rate_limiter", None)
    if not isinstance(limiter, ChatRateLimiter):
        yield
        return
    token = _prepaid.set(await limiter.gate.wait(lane))
    try:
        yield
    finally:
        _prepaid.reset(token)


def overall_rate(settings: Settings) -> float:
    """Messages per second for the whole bot: never above broadcast_rate or Telegram's 30."""
    return min(settings.outgoing_rate, settings.broadcast_rate, 30)


def build(settings: Settings) -> BaseRateLimiter[Any] | None:
    """The limiter for this bot, or None when outgoing_rate is 0 (tests and benchmarks)."""
    if settings.outgoing_rate <= 0:
        return None
    return ChatRateLimiter(overall_rate(settings))
