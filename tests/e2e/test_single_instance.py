"""One active process per database: SQLite refuses a second one; PostgreSQL keeps a standby."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from tests.conftest import PG_URL
from tests.e2e.conftest import COORDINATOR, BotProcess, StartBot, _env
from tests.e2e.emulator import BotApiEmulator

pytestmark = pytest.mark.e2e


async def test_a_second_process_on_sqlite_refuses_with_a_clear_message(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path
) -> None:
    if PG_URL:
        pytest.skip("the SQLite case")
    await start_bot()
    second = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(database_url, emulator.base_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode == 4
    assert (
        err.decode()
        .strip()
        .endswith(
            "Hjälpsam körs redan mot den här databasen. Med SQLite går det bara att köra en åt "
            "gången: stoppa den andra först, eller använd PostgreSQL om du vill ha en reserv."
        )
    )


async def test_the_standby_takes_over_within_ten_seconds_when_the_active_one_dies(
    emulator: BotApiEmulator, start_bot: StartBot, database_url: str, tmp_path
) -> None:
    if not PG_URL:
        pytest.skip("a standby needs PostgreSQL")
    api = emulator
    active = await start_bot()
    standby = BotProcess(tmp_path, _env(database_url, api.base_url), 99)
    try:
        for _ in range(100):
            if "väntar som reserv" in standby.log():
                break
            await asyncio.sleep(0.1)
        assert "väntar som reserv" in standby.log()
        await api.send(COORDINATOR, "/start")
        await api.wait_for(COORDINATOR, "Hej och välkommen")
        assert "starts (long polling)" not in standby.log()

        active.kill()
        died = time.monotonic()
        for _ in range(150):
            if "starts (long polling)" in standby.log():
                break
            await asyncio.sleep(0.1)
        took = time.monotonic() - died
        assert "starts (long polling)" in standby.log(), standby.log()
        print(f"standby took over in {took:.1f} s")
        await api.send(COORDINATOR, "Svenska")
        await api.wait_for(COORDINATOR, "Vad heter du i förnamn?", within=20)
    finally:
        standby.kill()
