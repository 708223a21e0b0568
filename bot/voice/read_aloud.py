"""Replies read aloud: after a text to someone who asked for it, the same text as a voice note.

Only while the bot handles that person's own update. ``lifecycle.set_locale`` marks the chat
in a ContextVar (as it does the language), and ``ReadAloudBot.send_message`` compares each
message's chat with it. A volunteer told about a new task, a reminder from the scheduler, a
broadcast: those go to other chats (or outside any update) and are never voiced.

The voice note is made in the background, after the text has gone, so a slow or failed
synthesis never holds up or breaks a reply. The voice notes of one chat keep their order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextvars import ContextVar
from typing import Any

from telegram import Bot, Message
from telegram.error import Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.i18n import current_locale
from bot.voice.tts import Speaker, SpeechUnavailable, ogg_seconds

log = logging.getLogger(__name__)

_reading_to: ContextVar[int | None] = ContextVar("hjalpsam_read_aloud_chat", default=None)
# How long a shutdown waits for voice notes still on their way.
SHUTDOWN_WAIT = 10.0


class ReadAloud:
    """Who has reading aloud on (a cache of ``people.read_aloud``), and the voice notes."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker
        self._readers: set[int] = set()
        # Per chat, the latest voice note on its way; each waits for the one before it.
        self._last: dict[int, asyncio.Task[None]] = {}

    @property
    def available(self) -> bool:
        """Whether this service can read aloud at all."""
        return self.speaker.available

    def remember(self, telegram_id: int, on: bool) -> None:
        """Note a person's setting (looked up with their language, or just changed)."""
        if on:
            self._readers.add(telegram_id)
        else:
            self._readers.discard(telegram_id)

    def begin(self, chat_id: int | None) -> None:
        """This update is from the private chat ``chat_id`` (None: no chat to read to)."""
        on = chat_id is not None and chat_id in self._readers and self.available
        _reading_to.set(chat_id if on else None)

    def follow(self, bot: Bot, chat_id: int, text: str) -> None:
        """After a text went to ``chat_id``: voice it too, if that is this update's reader."""
        if _reading_to.get() != chat_id or not text.strip():
            return
        previous = self._last.get(chat_id)
        task = asyncio.create_task(self._voice(bot, chat_id, text, current_locale(), previous))
        self._last[chat_id] = task
        task.add_done_callback(lambda done: self._done(chat_id, done))

    def _done(self, chat_id: int, task: asyncio.Task[None]) -> None:
        if self._last.get(chat_id) is task:
            del self._last[chat_id]

    async def _voice(
        self,
        bot: Bot,
        chat_id: int,
        text: str,
        locale: str,
        previous: asyncio.Task[None] | None,
    ) -> None:
        audio = None
        try:
            audio = await self.speaker.speak(text, locale)
        except SpeechUnavailable as error:
            log.info("no voice note for chat %s: %s", chat_id, error)
        except Exception:
            log.exception("reading aloud failed for chat %s", chat_id)
        if previous is not None:
            await asyncio.wait([previous])  # keep the voice notes in the order of the texts
        if audio is None:
            return
        try:
            await bot.send_voice(
                chat_id,
                audio,
                duration=ogg_seconds(audio),
                filename="reply.ogg",
                # The text has already rung; the voice note that follows it need not.
                disable_notification=True,
            )
        except Forbidden:
            log.info("chat %s blocked the bot; no voice note", chat_id)
        except TelegramError as error:
            log.warning("could not send a voice note to chat %s: %s", chat_id, error)
        except Exception:
            log.exception("could not send a voice note to chat %s", chat_id)

    async def wait(self) -> None:
        """Until every voice note on its way has gone (or failed)."""
        while self._last:
            await asyncio.wait(list(self._last.values()))

    async def close(self) -> None:
        """At shutdown: let the voice notes on their way go, for a little while."""
        try:
            await asyncio.wait_for(self.wait(), SHUTDOWN_WAIT)
        except TimeoutError:
            log.warning("%s voice notes were not sent before shutdown", len(self._last))
            for task in list(self._last.values()):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


class ReadAloudBot(ExtBot[Any]):
    """PTB's ExtBot (rate limiter, request, everything) plus the voice note after a text."""

    __slots__ = ("_read_aloud",)

    def __init__(self, *args: Any, read_aloud: ReadAloud, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_aloud = read_aloud  # PTB freezes a bot's public attributes

    @property
    def read_aloud(self) -> ReadAloud:
        return self._read_aloud

    async def send_message(
        self, chat_id: int | str, text: str, *args: Any, **kwargs: Any
    ) -> Message:
        """Send the text; then, for a reader, its voice note (which never raises here)."""
        message = await super().send_message(chat_id, text, *args, **kwargs)
        self.read_aloud.follow(self, message.chat_id, text)
        return message

    async def shutdown(self) -> None:
        await self.read_aloud.close()
        await super().shutdown()
