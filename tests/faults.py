"""A Bot API fake that fails a seeded share of calls the way Telegram and the network do:
5xx answers, read and connect timeouts, 429 with retry_after; outages; timeouts after delivery.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram import retrying
from tests.fakes import RecordingRequest

KINDS = ("500", "502", "read timeout", "connect timeout", "429")
UNTOUCHED = frozenset({"getMe", "getUpdates", "deleteWebhook"})  # start-up, not the loops


def _json(code: int, description: str, **extra: Any) -> tuple[int, bytes]:
    body = {"ok": False, "error_code": code, "description": description, **extra}
    return code, json.dumps(body).encode()


def _timed_out(cause: type[httpx.TimeoutException]) -> TimedOut:
    error = TimedOut()  # as HTTPXRequest raises it: httpx's error as the cause
    error.__cause__ = cause("timed out")
    return error


@dataclass
class FaultyRequest(BaseRequest):
    """Wraps the recording fake: a seeded share of calls fails before reaching it.

    Whether a call fails depends only on the seed, the call (method, chat, text, ...) and how
    often that same call was made before, not on the order in which concurrent handlers
    happen to run. Such a fault is transient: one call fails at most ``HTTP_ATTEMPTS - 1`` times in
    a row, so the HTTP retries always get it through. (Independent faults would, one call in a
    thousand, outlast three attempts: a notification would then be queued, but a reply would
    reach the error handler, at random, whichever volunteer won the race.) What outlasts the
    retries is an outage: while a chat is ``down``, every sendMessage to it fails.
    """

    inner: RecordingRequest
    rate: float = 0.0
    seed: int = 0
    down: set[int] = field(default_factory=set)
    outages: bool = True  # False: ``down`` is ignored (the clean run)
    after_delivery: set[str] = field(default_factory=set)  # methods that time out after
    tally: Counter[str] = field(default_factory=Counter)
    attempts: int = 0  # Bot API calls that reached this fake, each retry counted
    _seen: Counter[str] = field(default_factory=Counter)
    _streak: Counter[str] = field(default_factory=Counter)
    _done: set[str] = field(default_factory=set)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        self.attempts += name not in UNTOUCHED
        key = "|".join(
            str(params.get(p)) for p in ("chat_id", "message_id", "callback_query_id", "text")
        )
        chat = int(params.get("chat_id") or 0)
        if name == "sendMessage" and self.outages and chat in self.down:
            self.tally["outage"] += 1
            return _json(502, "Bad Gateway")
        if name in self.after_delivery:
            return await self._after_delivery(name, key, url, method, request_data, *a, **k)
        call = f"{name}|{key}"
        rng = random.Random(f"{self.seed}|{call}|{self._seen[call]}")
        self._seen[call] += 1
        transient = self._streak[call] < retrying.HTTP_ATTEMPTS - 1
        if name in UNTOUCHED or rng.random() >= self.rate or not transient:
            self._streak[call] = 0
            return await self.inner.do_request(url, method, request_data, *a, **k)
        self._streak[call] += 1
        kind = rng.choice(KINDS)
        self.tally[kind] += 1
        if kind == "read timeout":
            raise _timed_out(httpx.ReadTimeout)
        if kind == "connect timeout":
            raise _timed_out(httpx.ConnectTimeout)
        if kind == "429":
            retry = {"parameters": {"retry_after": 1}}
            return _json(429, "Too Many Requests: retry after 1", **retry)
        return _json(int(kind), "Internal Server Error" if kind == "500" else "Bad Gateway")

    async def _after_delivery(
        self, name: str, key: str, *args: Any, **k: Any
    ) -> tuple[int, bytes]:
        """The first try of each call is delivered, then times out; a repeat gets the 400
        Telegram gives a repeated edit or callback answer (a repeated message is delivered)."""
        if key in self._done and name != "sendMessage":
            self.tally["told it landed"] += 1
            if name == "answerCallbackQuery":
                return _json(400, "Bad Request: query is too old and response timeout expired")
            return _json(400, "Bad Request: message is not modified: specified new message")
        answer = await self.inner.do_request(*args, **k)
        if key not in self._done:
            self._done.add(key)
            self.tally["timeout after delivery"] += 1
            raise _timed_out(httpx.ReadTimeout)
        return answer
