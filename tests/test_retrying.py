"""The HTTP-boundary retries: which failures are tried again, how often, and what is final."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.services.backoff import HTTP, Backoff
from bot.telegram.retrying import RetryingRequest
from tests.fakes import TOKEN, RecordingRequest

NO_WAIT = Backoff(first=0, factor=2, most=0)
URL = "http://127.0.0.1:1/bot" + TOKEN


def answer(code: int, description: str = "") -> tuple[int, bytes]:
    return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def timed_out(cause: type[httpx.TimeoutException]) -> TimedOut:
    """TimedOut as HTTPXRequest raises it, with httpx's error as the cause."""
    error = TimedOut()
    error.__cause__ = cause("timed out")
    return error


@dataclass
class Scripted(RecordingRequest):
    """Answers the first calls from a script (a status, or an exception to raise); each entry
    may first deliver the call, as a timeout after Telegram acted would."""

    script: list[tuple[int | BaseException, bool]] = field(default_factory=list)
    tries: int = 0

    async def do_request(self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any):  # type: ignore[no-untyped-def]
        self.tries += 1
        if not self.script:
            return await super().do_request(url, method, request_data, *a, **k)
        outcome, delivered = self.script.pop(0)
        if delivered:
            await super().do_request(url, method, request_data, *a, **k)
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome == 400:
            return answer(400, "Bad Request: message is not modified: specified new message")
        return answer(outcome, "Internal Server Error")


def bot_over(inner: Scripted, retries: list[int] | None = None, attempts: int = 3) -> Bot:
    counted = retries if retries is not None else []
    request = RetryingRequest(
        inner, attempts=attempts, backoff=NO_WAIT, on_retry=lambda: counted.append(1)
    )
    return Bot(TOKEN, base_url="http://127.0.0.1:1/bot", request=request)


async def test_5xx_answers_are_tried_again_until_one_goes_through() -> None:
    inner = Scripted()
    retries: list[int] = []
    async with bot_over(inner, retries) as bot:
        inner.tries, inner.script = 0, [(500, False), (502, False)]
        message = await bot.send_message(7, "Hej")
    assert message.text == "Hej" and inner.tries == 3 and len(retries) == 2
    assert [c.text for c in inner.sent(7)] == ["Hej"]


async def test_timeouts_and_network_errors_are_tried_again() -> None:
    inner = Scripted()
    async with bot_over(inner) as bot:
        inner.script = [
            (timed_out(httpx.ReadTimeout), False),
            (NetworkError("httpx.RemoteProtocolError: closed"), False),
        ]
        await bot.send_message(7, "Hej")
    assert [c.text for c in inner.sent(7)] == ["Hej"]


async def test_after_the_last_attempt_the_failure_is_raised() -> None:
    inner = Scripted()
    async with bot_over(inner) as bot:
        inner.tries = 0
        inner.script = [(timed_out(httpx.ConnectTimeout), False)] * 3
        with pytest.raises(TimedOut):
            await bot.send_message(7, "Hej")
        assert inner.tries == 3
        inner.tries = 0
        inner.script = [(503, False)] * 3
        with pytest.raises(NetworkError):
            await bot.send_message(7, "Hej")
        assert inner.tries == 3
    assert inner.sent(7) == []


@pytest.mark.parametrize("code", [400, 403, 429])
async def test_4xx_answers_are_final_here(code: int) -> None:
    """A 429 is the rate limiter's to wait out (it raises RetryAfter); 400 and 403 are final."""
    body = {"ok": False, "error_code": code, "description": "no"}
    if code == 429:
        body["parameters"] = {"retry_after": 1}

    @dataclass
    class Refusing(RecordingRequest):
        tries: int = 0

        async def do_request(self, *a: Any, **k: Any):  # type: ignore[no-untyped-def]
            self.tries += 1
            return code, json.dumps(body).encode()

    inner = Refusing()
    request = RetryingRequest(inner, attempts=3, backoff=NO_WAIT)
    code_seen, _ = await request.do_request(URL + "/sendMessage", "POST")
    assert code_seen == code and inner.tries == 1


async def test_a_message_that_timed_out_after_delivery_arrives_twice_not_never() -> None:
    """The documented trade-off: a duplicate notification is better than a lost one."""
    inner = Scripted()
    async with bot_over(inner) as bot:
        inner.script = [(timed_out(httpx.ReadTimeout), True)]
        await bot.send_message(7, "Hej")
    assert [c.text for c in inner.sent(7)] == ["Hej", "Hej"]


async def test_an_edit_that_landed_before_its_timeout_counts_as_done() -> None:
    """The retry is told "not modified": the first attempt landed, so the caller sees success."""
    inner = Scripted()
    async with bot_over(inner) as bot:
        inner.script = [(timed_out(httpx.ReadTimeout), True), (400, False)]
        assert await bot.edit_message_text("Klart", chat_id=7, message_id=3) is True
    assert [c.text for c in inner.sent(7, "editMessageText")] == ["Klart"]


async def test_not_modified_is_an_error_when_nothing_can_have_landed() -> None:
    # A connect timeout never reached Telegram; nor did a first attempt that got a 400.
    inner = Scripted()
    async with bot_over(inner) as bot:
        inner.script = [(timed_out(httpx.ConnectTimeout), False), (400, False)]
        with pytest.raises(BadRequest):
            await bot.edit_message_text("Klart", chat_id=7, message_id=3)
        inner.script = [(400, False)]
        with pytest.raises(BadRequest):
            await bot.edit_message_text("Klart", chat_id=7, message_id=3)


def test_the_backoff_is_short_jittered_and_capped() -> None:
    request = RetryingRequest(RecordingRequest(), backoff=HTTP, rng=random.Random(1))

    def delays(attempt: int) -> list[float]:
        return [request.delay(attempt) for _ in range(200)]

    assert all(0 <= d <= 0.25 for d in delays(1))
    assert all(0 <= d <= 0.5 for d in delays(2)) and max(delays(2)) > 0.25
    assert all(0 <= d <= HTTP.most for d in delays(10))
    assert len(set(delays(1))) > 100  # jittered: clients do not retry in step
