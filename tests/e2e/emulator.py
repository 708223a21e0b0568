"""A small Bot API emulator: an aiohttp server in the test's event loop that answers like Telegram.

Tests push updates (``send``, ``press``) and read or wait for what the bot sent (``wait_for``).
An update is kept until getUpdates confirms it with a higher ``offset``, then forgotten for good,
as Telegram does: a restarted bot never gets an update again that an earlier process confirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 5000,
    "is_bot": True,
    "first_name": "Hjälpsam",
    "username": "hjalpsam_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters that are plain strings; every other form value is JSON (PTB encodes it so).
_STRINGS = {"text", "caption", "callback_query_id", "parse_mode", "action", "url"}


@dataclass
class Sent:
    """A message the bot sent, as it looks now (edits update it; ``edits`` counts them)."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None = None
    edits: int = 0
    date: int = field(default_factory=lambda: int(time.time()))
    at: float = field(default_factory=time.monotonic)  # when it arrived (benchmarks)

    def buttons(self) -> list[str]:
        markup = self.reply_markup or {}
        rows = markup.get("keyboard") or markup.get("inline_keyboard") or []
        return [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]

    def callback_data(self) -> dict[str, str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}

    def as_dict(self) -> dict[str, Any]:
        data = {
            "message_id": self.message_id,
            "date": self.date,
            "from": BOT_USER,
            "chat": {"id": self.chat_id, "type": "private" if self.chat_id > 0 else "group"},
            "text": self.text,
        }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class Limits:
    """Telegram's flood limits, enforced when given: a 429 with ``retry_after`` for a message
    above ``per_second`` in any one second in all, or above ``per_chat`` a second in one chat
    (after a burst of ``chat_burst``)."""

    per_second: int = 30
    per_chat: float = 1.0
    chat_burst: int = 3


class BotApiEmulator:
    def __init__(self, token: str, limits: Limits | None = None) -> None:
        self.token, self.port = token, 0
        self.limits = limits
        self.counts: Counter[int] = Counter()  # messages per chat (sendMessage)
        self.http_429 = 0  # flood-limit answers given, injected ones included
        self.inject_429: dict[int, int] = {}  # chat -> how many 429s to answer first
        self.injected = 0
        # A held message waits, not yet delivered, until released: a kill test can stop the
        # bot while one of its messages is on the way.
        self.hold: Callable[[dict[str, Any]], bool] | None = None
        self.held = 0
        self._release = asyncio.Event()
        self._window: deque[float] = deque()  # times of the messages of the last second
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (level, at)
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every call, in order
        self.sent: list[Sent] = []  # every sendMessage, in order
        self.confirmed = 0  # highest update_id the bot has confirmed
        self._polls = 0  # getUpdates calls so far; a newer one ends an older one
        self._pending: list[dict[str, Any]] = []
        self._ids = itertools.count(1)  # message ids of the bot's messages, callback query ids
        self._update_ids, self._user_message_ids = itertools.count(1), itertools.count(1)
        self._by_id: dict[int, Sent] = {}
        self._seen: dict[int, int] = {}  # chat -> how many of its messages wait_for consumed
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None

    # --- the server ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        await self._notify()  # long polls still waiting return at once
        if self._runner is not None:
            await self._runner.cleanup()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _params(request)
        if method == "sendMessage" and self.hold is not None and self.hold(params):
            self.held += 1
            await self._notify()
            await self._release.wait()
            return web.json_response(  # the bot is gone; this message never arrived
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
                status=500,
            )
        flood = self._flood(method, params)
        if flood is not None:
            self.http_429 += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {flood}",
                    "parameters": {"retry_after": flood},
                },
                status=429,
            )
        self.calls.append((method, params))
        await self._notify()  # someone may wait for this call (a long poll answers later)
        if method == "getUpdates":
            result = await self._get_updates(params)
            if result is None:  # like Telegram, when a newer poll (a restarted bot) came in
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 409,
                        "description": "Conflict: terminated by other getUpdates request",
                    },
                    status=409,
                )
        else:
            result = await self._answer(method, params)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getMyCommands":
            return next(
                (p.get("commands", []) for m, p in reversed(self.calls) if m == "setMyCommands"),
                [],
            )
        if method == "sendMessage":
            sent = Sent(
                next(self._ids),
                int(params["chat_id"]),
                str(params.get("text", "")),
                params.get("reply_markup"),
            )
            self.sent.append(sent)
            self._by_id[sent.message_id] = sent
            self.counts[sent.chat_id] += 1
            return sent.as_dict()
        if method in ("sendVenue", "sendDocument"):
            # Kept with the messages: a venue by its title, a file by its caption.
            shown = params.get("title") or params.get("caption") or ""
            sent = Sent(next(self._ids), int(params["chat_id"]), f"[{method}] {shown}", None)
            self.sent.append(sent)
            self._by_id[sent.message_id] = sent
            return sent.as_dict()
        if method in ("editMessageText", "editMessageReplyMarkup"):
            edited = self._by_id.get(int(params.get("message_id", 0)))
            if edited is None:
                return True
            if method == "editMessageText":
                edited.text = str(params.get("text", ""))
            edited.reply_markup = params.get("reply_markup")
            edited.edits += 1
            return edited.as_dict()
        return True  # deleteWebhook, setMyCommands, answerCallbackQuery, sendChatAction, ...

    def release(self) -> None:
        """Let held messages go, undelivered (their sender was killed)."""
        self.hold = None
        self._release.set()

    def _flood(self, method: str, params: dict[str, Any]) -> int | None:
        """Seconds to wait if this message breaks a limit (or a 429 is injected), else None."""
        if method not in ("sendMessage", "editMessageText") or "chat_id" not in params:
            return None
        chat = int(params["chat_id"])
        if method == "sendMessage" and self.inject_429.get(chat, 0) > 0:
            self.inject_429[chat] -= 1
            self.injected += 1
            return 1
        if self.limits is None:
            return None
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1:
            self._window.popleft()
        level, at = self._buckets.get(chat, (0.0, now))
        level = max(0.0, level - (now - at) * self.limits.per_chat)
        if len(self._window) >= self.limits.per_second or level + 1 > self.limits.chat_burst:
            return 1
        self._window.append(now)
        self._buckets[chat] = (level + 1, now)
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]] | None:
        self._polls = poll = self._polls + 1
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirms every update before the offset: they are gone for good
            self.confirmed = max(self.confirmed, offset - 1)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        async with self._changed:
            while not (self._pending or self._closing or poll != self._polls):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
            return self._pending[:limit] if poll == self._polls else None

    # --- what tests do -------------------------------------------------------------------

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "sv"}

    async def push(self, update: dict[str, Any]) -> int:
        """Queue one update (its update_id is filled in) for the bot's next getUpdates."""
        update = {"update_id": next(self._update_ids), **update}
        self._pending.append(update)
        await self._notify()
        return int(update["update_id"])

    async def send(self, user_id: int, text: str) -> int:
        """A person writes to the bot in their private chat."""
        message: dict[str, Any] = {
            "message_id": next(self._user_message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Test"},
            "from": self.user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self.push({"message": message})

    async def press(self, user_id: int, message: Sent, data: str) -> int:
        """A person presses an inline button (callback data ``data``) under ``message``."""
        return await self.push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self.user(user_id),
                    "chat_instance": "ci",
                    "data": data,
                    "message": message.as_dict(),
                }
            }
        )

    async def press_label(self, user_id: int, message: Sent, label: str) -> int:
        """Press the inline button with this label."""
        return await self.press(user_id, message, message.callback_data()[label])

    def messages(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    async def until(self, check: Callable[[], Any], within: float, what: str) -> Any:
        """Wait until ``check()`` returns something true, and return it."""
        async with self._changed:
            try:
                return await asyncio.wait_for(self._changed.wait_for(check), within)
            except TimeoutError:
                raise AssertionError(f"timed out after {within} s waiting for {what}") from None

    async def wait_for(
        self, chat_id: int, match: str | Callable[[Sent], bool] = "", within: float = 15
    ) -> Sent:
        """The next message to this chat that matches (a text fragment or a predicate).

        Messages are taken in order: each call looks only after the one found before.
        """
        ok = (lambda m: match in m.text) if isinstance(match, str) else match

        def check() -> Sent | None:
            mine = self.messages(chat_id)
            for index in range(self._seen.get(chat_id, 0), len(mine)):
                if ok(mine[index]):
                    self._seen[chat_id] = index + 1
                    return mine[index]
            return None

        try:
            found: Sent = await self.until(check, within, f"a message to {chat_id} with {match!r}")
            return found
        except AssertionError as error:
            seen = "\n---\n".join(m.text for m in self.messages(chat_id)[-5:])
            raise AssertionError(f"{error}; last messages to {chat_id}:\n{seen}") from None

    async def wait_confirmed(self, update_id: int, within: float = 15) -> None:
        """Wait until the bot has confirmed this update (and so will not get it again)."""
        await self.until(
            lambda: self.confirmed >= update_id, within, f"update {update_id} to be confirmed"
        )

    async def wait_polling(self, since: int = 0, within: float = 15) -> None:
        """Wait until the bot calls getUpdates (after the first ``since`` calls)."""
        await self.until(
            lambda: any(m == "getUpdates" for m, _ in self.calls[since:]),
            within,
            "the bot to poll",
        )


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters from a JSON body, a query string, or url-encoded or multipart form data."""
    if request.content_type == "application/json":
        body = await request.text()
        return dict(json.loads(body)) if body else {}
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    params: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            params[key] = value if key in _STRINGS else json.loads(value)
        except ValueError:
            params[key] = value
    return params
