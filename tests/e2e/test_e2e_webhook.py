"""Webhook mode with the bot as its own process: set up, secret checked, updates answered."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from aiohttp import ClientSession

from tests.e2e.conftest import BotProcess, _env
from tests.e2e.emulator import BotApiEmulator

pytestmark = pytest.mark.e2e
SECRET = "e2e-webhook-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_answers_through_the_webhook(
    emulator: BotApiEmulator, database_url: str, tmp_path
) -> None:
    api, port = emulator, _free_port()
    env = {
        **_env(database_url, api.base_url),
        "HJALPSAM_WEBHOOK_URL": "https://bot.example.org/hook",
        "HJALPSAM_WEBHOOK_SECRET": SECRET,
        "HJALPSAM_HTTP_PORT": str(port),
    }
    bot = BotProcess(tmp_path, env, 1)
    try:
        base = f"http://127.0.0.1:{port}"
        async with ClientSession() as http:
            for _ in range(300):
                assert bot.proc.poll() is None, bot.log()
                try:
                    async with http.get(f"{base}/healthz") as response:
                        health = json.loads(await response.text())
                        if response.status == 200:
                            break
                except OSError:
                    pass
                await asyncio.sleep(0.1)
            assert health == {
                "database": "ok",
                "scheduler": "running",
                "last_update_age_s": None,
                "outbox_depth": 0,
                "outbound_depth": 0,
            }
            hooks = [p for m, p in api.calls if m == "setWebhook"]
            assert hooks and hooks[-1]["url"] == "https://bot.example.org/hook/telegram"
            assert hooks[-1]["secret_token"] == SECRET
            assert not any(m == "getUpdates" for m, _ in api.calls)

            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 1_790_000_000,
                    "chat": {"id": 555, "type": "private"},
                    "from": {"id": 555, "is_bot": False, "first_name": "A"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            async with http.post(f"{base}/telegram", json=update) as response:
                assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(f"{base}/telegram", json=update, headers=headers) as response:
                assert response.status == 200
            await api.wait_for(555, "Hej och välkommen")
            async with http.get(f"{base}/metrics") as response:
                assert "hjalpsam_updates_total 1.0" in await response.text()
    finally:
        bot.kill()
    assert "Traceback" not in bot.log()
