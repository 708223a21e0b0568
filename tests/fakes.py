"""A Bot API fake at the HTTP boundary (a ``BaseRequest``) and factories for updates."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

BOT_ID = 5000
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Hjälpsam",
    "username": "hjalpsam_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def buttons(self) -> list[str]:
        """Every button label on this message, reply or inline, in order."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("keyboard") or markup.get("inline_keyboard") or []
        return [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]

    def callback_data(self) -> dict[str, str]:
        """Inline buttons: label -> callback data."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return {
            b["text"]: b["callback_data"]
            for row in markup.get("inline_keyboard", [])
            for b in row
            if "callback_data" in b
        }


@dataclass
class RecordingRequest(BaseRequest):
    """Answers every Bot API call like Telegram would, and records it."""

    calls: list[Call] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    # Files the bot may download (getFile, then the file URL), by file_id.
    files: dict[str, bytes] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            # A file download: the bytes themselves, not JSON.
            file_id = url.rsplit("/", 1)[-1].split(".")[0]
            if file_id in self.files:
                return 200, self.files[file_id]
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        call = Call(name, params)
        if name not in ("getMe", "getUpdates", "deleteWebhook"):
            self.calls.append(call)
        chat_id = call.chat_id
        if chat_id is not None and chat_id in self.blocked:
            return 403, json.dumps(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            ).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "getUpdates":
            return []
        if name == "getFile":
            file_id = str(params.get("file_id"))
            return {
                "file_id": file_id,
                "file_unique_id": f"{file_id}u",
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"voice/{file_id}.oga",
            }
        if name in (
            "sendMessage",
            "editMessageText",
            "sendDocument",
            "sendPhoto",
            "sendVoice",
            "sendVenue",
        ):
            chat_id = int(params.get("chat_id", 0))
            message_id = int(params.get("message_id") or next(self._ids))
            return {
                "message_id": message_id,
                "date": 1_790_000_000,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "text": params.get("text", ""),
            }
        return True

    # --- reading what was sent ---------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id)
        ]

    def last(self, chat_id: int) -> Call:
        sent = self.sent(chat_id)
        assert sent, f"nothing was sent to {chat_id}"
        return sent[-1]

    def clear(self) -> None:
        self.calls.clear()


class Updates:
    """Builds updates the way Telegram sends them."""

    def __init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int, first_name: str = "Test", language_code: str = "sv") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def message(
        self, user_id: int, text: str | None = None, *, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        chat = chat_id if chat_id is not None else user_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": 1_790_000_000,
            "chat": {
                "id": chat,
                "type": "private" if chat > 0 else "group",
                **({"title": "Volontärer"} if chat < 0 else {}),
            },
            "from": self.user(user_id),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command)}
                ]
        message.update(extra)
        return {"update_id": next(self._update_ids), "message": message}

    def callback(
        self, user_id: int, data: str, *, message_id: int = 1, chat_id: int | None = None
    ) -> dict[str, Any]:
        chat = chat_id if chat_id is not None else user_id
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self.user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 1_790_000_000,
                    "chat": {"id": chat, "type": "private" if chat > 0 else "group"},
                    "from": BOT_USER,
                    "text": "…",
                },
            },
        }

    def sticker(self, user_id: int) -> dict[str, Any]:
        return self.message(
            user_id,
            sticker={
                "file_id": "s1",
                "file_unique_id": "s1u",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        )

    def photo(self, user_id: int) -> dict[str, Any]:
        return self.message(
            user_id, photo=[{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}]
        )

    def voice(
        self, user_id: int, file_id: str = "v1", duration: int = 3, file_size: int | None = None
    ) -> dict[str, Any]:
        note: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"{file_id}u",
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        if file_size is not None:
            note["file_size"] = file_size
        return self.message(user_id, voice=note)

    def location(self, user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        return self.message(user_id, location={"latitude": latitude, "longitude": longitude})

    def contact(self, user_id: int, phone: str) -> dict[str, Any]:
        return self.message(
            user_id, contact={"phone_number": phone, "first_name": "Anna", "user_id": user_id}
        )


def to_update(data: dict[str, Any], bot: Any) -> Update:
    return Update.de_json(data, bot)
