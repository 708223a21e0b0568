"""PTB persistence on our own database: conversation states and user data survive a restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, MutableMapping
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.uow import UnitOfWork

# PTB's own aliases live in the private telegram.ext._utils.types; these are the same types,
# as BasePersistence's documented signatures spell them out.
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

_USER = "user_data"


class SqlPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Keeps conversation states and user data in ``persisted_state``.

    The application flushes after every update (see ``bot/app.py``), so a SIGKILL loses at most
    the update being handled.
    """

    def __init__(self, uow: Callable[[], UnitOfWork], update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._uow = uow
        self._user_data: dict[int, dict[Any, Any]] | None = None
        self._conversations: dict[str, ConversationDict] = {}
        self._unsaved: dict[tuple[str, ConversationKey], object | None] = {}
        # PTB writes several states at once; one at a time keeps the retries in order.
        self._writing = asyncio.Lock()

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        if self._user_data is None:
            async with self._uow() as uow:
                raw = await uow.states.load(_USER)
            self._user_data = {int(k): json.loads(v) for k, v in raw.items()}
        return deepcopy(self._user_data)

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._uow() as uow:
            raw = await uow.states.load(f"conv:{name}")
        states: ConversationDict = {tuple(json.loads(k)): json.loads(v) for k, v in raw.items()}
        self._conversations[name] = dict(states)
        return states

    async def conversations_dated(
        self, name: str
    ) -> dict[ConversationKey, tuple[object, datetime | None]]:
        """Each stored state of a conversation and when it was written (None: not recorded).

        Read at start to arm the timeouts again (``bot/telegram/timeouts.py``).
        """
        async with self._uow() as uow:
            raw = await uow.states.load_dated(f"conv:{name}")
        return {tuple(json.loads(k)): (json.loads(v), at) for k, (v, at) in raw.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        # PTB hands over a changed state once. One whose write failed (the database was away)
        # is tried again with the next write, or a finished flow would stay stored and come
        # back after a restart.
        async with self._writing:
            self._unsaved[(name, key)] = new_state
            for (pending_name, pending_key), state in list(self._unsaved.items()):
                await self._write_conversation(pending_name, pending_key, state)
                del self._unsaved[(pending_name, pending_key)]

    async def _write_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        known = self._conversations.setdefault(name, {})
        if known.get(key) == new_state and (new_state is not None or key not in known):
            return
        async with self._uow() as uow:
            await uow.states.save(
                f"conv:{name}",
                json.dumps(list(key)),
                None if new_state is None else json.dumps(new_state),
                # Real time, like PTB's JobQueue that runs the timeouts.
                at=datetime.now(UTC),
            )
        # Only once it is stored: the cache tells what the database holds.
        if new_state is None:
            known.pop(key, None)
        else:
            known[key] = new_state

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        if self._user_data is None:
            self._user_data = {}
        if self._user_data.get(user_id) == data:
            return
        async with self._uow() as uow:
            await uow.states.save(_USER, str(user_id), json.dumps(data) if data else None)
        self._user_data[user_id] = deepcopy(data)

    async def drop_user_data(self, user_id: int) -> None:
        if self._user_data is not None:
            self._user_data.pop(user_id, None)
        async with self._uow() as uow:
            await uow.states.save(_USER, str(user_id), None)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
