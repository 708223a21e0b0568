"""The one rate limiter: the whole bot's pace, and about one message a second per chat."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.settings import Settings
from bot.telegram import ratelimit
from bot.telegram.ratelimit import ChatRateLimiter


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_limiter_when_the_rate_is_zero_and_never_above_30() -> None:
    assert ratelimit.build(settings(outgoing_rate=0)) is None
    assert isinstance(ratelimit.build(settings()), ChatRateLimiter)
    assert ratelimit.overall_rate(settings(outgoing_rate=100, broadcast_rate=30)) == 30
    assert ratelimit.overall_rate(settings(outgoing_rate=29, broadcast_rate=20)) == 20


async def _through(limiter: ChatRateLimiter, chat_id: int, done: list[int]) -> None:
    async def call() -> bool:
        done.append(chat_id)
        return True

    await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat_id}, None)


async def test_a_busy_chat_does_not_hold_up_another_chat() -> None:
    # Fast numbers so the test is quick; the shape is the real one.
    limiter = ChatRateLimiter(1000, chat_rate=20, chat_burst=3)
    done: list[int] = []
    busy = [asyncio.create_task(_through(limiter, 1, done)) for _ in range(6)]
    await asyncio.sleep(0)
    other = asyncio.create_task(_through(limiter, 2, done))
    await asyncio.gather(*busy, other)
    # The first three of chat 1 go at once (a burst); chat 2 goes before chat 1's rest.
    assert done[:3] == [1, 1, 1]
    assert done.index(2) < 5


async def test_groups_are_not_limited_per_chat_and_the_buckets_stay_bounded() -> None:
    limiter = ChatRateLimiter(100_000)
    done: list[int] = []
    for chat in range(ratelimit.MAX_CHATS + 50):
        await _through(limiter, chat + 1, done)
    await _through(limiter, -100, done)
    assert len(done) == ratelimit.MAX_CHATS + 51
    assert len(limiter._chat_limiters) <= ratelimit.MAX_CHATS
    assert -100 not in limiter._chat_limiters
