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


async def test_a_reply_takes_the_next_slot_before_the_queued_lower_lanes() -> None:
    gate = ratelimit.Gate(200)  # a slot every 5 ms
    order: list[str] = []

    async def wait(name: str, lane: ratelimit.Lane) -> None:
        await gate.wait(lane)
        order.append(name)

    await gate.wait(ratelimit.Lane.BROADCAST)  # one broadcast message has its slot
    lower = [
        asyncio.create_task(wait(f"{lane.name.lower()}{n}", lane))
        for n in range(3)
        for lane in (ratelimit.Lane.BROADCAST, ratelimit.Lane.REMINDER, ratelimit.Lane.ALERT)
    ]
    await asyncio.sleep(0)
    reply = asyncio.create_task(wait("reply", ratelimit.Lane.REPLY))
    await asyncio.gather(*lower, reply)
    assert order == [
        "reply",
        *[f"alert{n}" for n in range(3)],
        *[f"reminder{n}" for n in range(3)],
        *[f"broadcast{n}" for n in range(3)],
    ]


async def test_the_gate_keeps_its_rate_and_skips_a_caller_who_gave_up() -> None:
    gate = ratelimit.Gate(100)  # a slot every 10 ms
    loop = asyncio.get_running_loop()
    times: list[float] = []

    async def one() -> None:
        await gate.wait()
        times.append(loop.time())

    tasks = [asyncio.create_task(one()) for _ in range(11)]
    await asyncio.sleep(0)
    gone = asyncio.create_task(gate.wait())
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(*tasks)
    assert len(times) == 11
    # 10 gaps of 10 ms: never faster than the rate (a little slower on a busy machine).
    assert times[-1] - times[0] >= 0.099


def test_what_goes_back_to_the_chat_in_hand_is_a_reply_the_rest_is_the_jobs_lane() -> None:
    async def check() -> None:
        ratelimit.replying_to(42)
        assert ratelimit.lane_of(42) is ratelimit.Lane.REPLY
        assert ratelimit.lane_of(7) is ratelimit.Lane.ALERT
        with ratelimit.in_lane(ratelimit.Lane.BROADCAST):
            assert ratelimit.lane_of(42) is ratelimit.Lane.BROADCAST
        assert ratelimit.lane_of(42) is ratelimit.Lane.REPLY

    asyncio.run(check())


async def test_a_job_that_took_its_slot_sends_without_waiting_again() -> None:
    limiter = ChatRateLimiter(5)  # a slot every 200 ms

    class FakeBot:
        rate_limiter = limiter

    done: list[int] = []
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with ratelimit.slot(FakeBot(), ratelimit.Lane.BROADCAST):  # type: ignore[arg-type]
        await _through(limiter, 5, done)
    # One slot, not two: the send did not wait for a second one.
    assert done == [5] and loop.time() - start < 0.15
