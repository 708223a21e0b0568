"""The bot as its own process (``python -m bot run``) against the Bot API emulator.

SQLite by default (a file in the test's tmp dir; the bot migrates it on start). With
HJALPSAM_TEST_DATABASE_URL set, the PostgreSQL database is migrated once with
``python -m bot db upgrade`` and emptied before every test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Generator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from tests.conftest import PG_URL, _truncate
from tests.e2e.emulator import BotApiEmulator

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"
COORDINATOR, RESIDENT, VOLUNTEER = 900, 100, 200
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _env(database_url: str, api_url: str | None = None) -> dict[str, str]:
    """The process environment: ours, without any HJALPSAM_ setting from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
    env.update(
        PYTHONUNBUFFERED="1",
        HJALPSAM_TELEGRAM_TOKEN=TOKEN,
        HJALPSAM_DATABASE_URL=database_url,
        HJALPSAM_COORDINATOR_IDS="900",
        HJALPSAM_OUTGOING_RATE="0",
    )
    if api_url:
        env["HJALPSAM_TELEGRAM_API_URL"] = api_url
    return env


@pytest.fixture(scope="session")
def pg_upgraded(tmp_path_factory: pytest.TempPathFactory) -> bool:
    """Migrate PostgreSQL once per session, the way an operator would."""
    if PG_URL:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            text=True,
            cwd=tmp_path_factory.mktemp("pg"),
            env=_env(PG_URL),
            capture_output=True,
            timeout=120,
        )
        if done.returncode != 0:
            pytest.fail(f"hjalpsam db upgrade failed:\n{done.stdout}{done.stderr}")
    return bool(PG_URL)


@pytest.fixture
def database_url(tmp_path: Path, pg_upgraded: bool) -> str:
    if pg_upgraded:
        asyncio.run(_truncate(PG_URL))
        return PG_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'hjalpsam.db'}"


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    api = BotApiEmulator(TOKEN)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


class BotProcess:
    """One ``python -m bot run``; its stdout and stderr go to a log file."""

    def __init__(self, cwd: Path, env: dict[str, str], number: int) -> None:
        self.log_path = cwd / f"bot-{number}.log"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no last getUpdates, nothing flushed."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class StartBot(Protocol):
    """Start the bot (again); ``extra_env`` adds or overrides settings for this process."""

    def __call__(self, extra_env: dict[str, str] | None = None) -> Awaitable[BotProcess]: ...


@pytest.fixture
async def start_bot(
    request: pytest.FixtureRequest, tmp_path: Path, database_url: str, emulator: BotApiEmulator
) -> AsyncIterator[StartBot]:
    """Start the bot (again); returns once it polls the emulator. Killed at teardown."""
    started: list[BotProcess] = []
    request.node.bot_processes = started
    env = _env(database_url, emulator.base_url)

    async def start(extra_env: dict[str, str] | None = None) -> BotProcess:
        since = len(emulator.calls)
        bot = BotProcess(tmp_path, {**env, **(extra_env or {})}, len(started) + 1)
        started.append(bot)
        for _ in range(300):  # up to 30 s; a bot that dies on start fails at once
            if bot.proc.poll() is not None:
                pytest.fail(f"the bot exited with {bot.proc.returncode}:\n{bot.log()}")
            with contextlib.suppress(AssertionError):
                await emulator.wait_polling(since, within=0.1)
                return bot
        pytest.fail(f"the bot did not start polling:\n{bot.log()}")

    yield start
    for bot in started:
        bot.kill()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, show what each bot process wrote (its log has the tracebacks)."""
    report: pytest.TestReport = yield
    if report.failed:
        for number, bot in enumerate(getattr(item, "bot_processes", []), 1):
            report.sections.append((f"bot process {number} (pid {bot.pid}) output", bot.log()))
    return report


# --- Steps the tests share: what people write and press, and what they see ------------


async def coordinator_with_area(api: BotApiEmulator) -> None:
    """Coordinator 900 signs up in Swedish and adds the area Centrum."""
    await api.send(COORDINATOR, "/start")
    welcome = await api.wait_for(COORDINATOR, "Hej och välkommen till Hjälpsam!")
    assert "Svenska" in welcome.buttons()
    await api.send(COORDINATOR, "Svenska")
    await api.wait_for(COORDINATOR, "Vad heter du i förnamn?")
    await api.send(COORDINATOR, "Karin")
    ready = await api.wait_for(COORDINATOR, "Välkommen, Karin! Du är samordnare.")
    assert "Det finns inga områden än." in ready.text
    assert "➕ Lägg till område" in ready.buttons()
    await api.send(COORDINATOR, "➕ Lägg till område")
    await api.wait_for(COORDINATOR, "Vad heter det nya området?")
    await api.send(COORDINATOR, "Centrum")
    added = await api.wait_for(COORDINATOR, "Området Centrum är tillagt.")
    assert "🧾 Volontärer som väntar" in added.buttons()


async def volunteer_signs_up_and_is_approved(api: BotApiEmulator) -> None:
    """Erik signs up as a volunteer; the coordinator approves him from the waiting list."""
    await api.send(VOLUNTEER, "/start")
    await api.wait_for(VOLUNTEER, "Hej och välkommen")
    await api.send(VOLUNTEER, "Svenska")
    role = await api.wait_for(VOLUNTEER, "Vad vill du göra?")
    assert "🤝 Jag vill hjälpa till" in role.buttons()
    await api.send(VOLUNTEER, "🤝 Jag vill hjälpa till")
    await api.wait_for(VOLUNTEER, "Vad heter du i förnamn?")
    await api.send(VOLUNTEER, "Erik")
    areas = await api.wait_for(VOLUNTEER, "Tack, Erik! I vilka områden kan du hjälpa till?")
    assert areas.callback_data()["◻️ Centrum"] == "ob:area:1"
    await api.press(VOLUNTEER, areas, "ob:area:1")
    await api.until(lambda: "✅ Centrum" in areas.buttons(), 15, "the area to be ticked")
    await api.press(VOLUNTEER, areas, "ob:done")
    skills = await api.wait_for(VOLUNTEER, "Vilken sorts hjälp kan du ge?")
    await api.press(VOLUNTEER, skills, "ob:skill:shopping")
    await api.until(lambda: "✅ Handla" in skills.buttons(), 15, "the skill to be ticked")
    await api.press(VOLUNTEER, skills, "ob:done")
    await api.wait_for(VOLUNTEER, "Tack, Erik! 💛\nEn samordnare")
    await api.wait_for(COORDINATOR, "En ny volontär väntar på att bli godkänd: Erik.")

    await api.send(COORDINATOR, "🧾 Volontärer som väntar")
    await api.wait_for(COORDINATOR, "Godkänn bara när du har gjort kontrollen")
    card = await api.wait_for(COORDINATOR, "Erik\n")
    assert "Områden: Centrum" in card.text and "Handla" in card.text
    approve = next(data for data in card.callback_data().values() if data.startswith("vet:ok:"))
    assert re.fullmatch(r"vet:ok:\d+", approve)
    await api.press(COORDINATOR, card, approve)
    await api.wait_for(VOLUNTEER, "Välkommen som volontär, Erik! 🎉 Du är godkänd.")
    await api.until(lambda: card.text == "Erik är godkänd. Tack!", 15, "the card to be edited")


async def resident_signs_up(api: BotApiEmulator) -> None:
    """Anna signs up as a resident with address and phone."""
    await api.send(RESIDENT, "/start")
    await api.wait_for(RESIDENT, "Hej och välkommen")
    await api.send(RESIDENT, "Svenska")
    await api.wait_for(RESIDENT, "Vad vill du göra?")
    await api.send(RESIDENT, "🙋 Jag vill ha hjälp")
    await api.wait_for(RESIDENT, "Vad heter du i förnamn?")
    await api.send(RESIDENT, "Anna")
    area = await api.wait_for(RESIDENT, "Tack, Anna! Var bor du? Välj ditt område.")
    assert "Centrum" in area.buttons()
    await api.send(RESIDENT, "Centrum")
    await api.wait_for(RESIDENT, "Vilken adress ska volontären komma till?")
    await api.send(RESIDENT, "Storgatan 5")
    phone = await api.wait_for(RESIDENT, "Vill du lämna ett telefonnummer?")
    assert "Hoppa över" in phone.buttons()
    await api.send(RESIDENT, "070-123 45 67")
    consent = await api.wait_for(
        RESIDENT,
        "Den volontär som tar din förfrågan ser ditt namn, din adress och ditt telefonnummer.",
    )
    assert "✅ Ja, det är okej" in consent.buttons()
    await api.send(RESIDENT, "✅ Ja, det är okej")
    ready = await api.wait_for(RESIDENT, "Klart! Välkommen, Anna.")
    assert "🙋 Be om hjälp" in ready.buttons()


async def ask_for_shopping(api: BotApiEmulator, user_id: int = RESIDENT) -> str:
    """The resident asks for help with shopping tomorrow at ten; returns the time as read back."""
    await api.send(user_id, "🙋 Be om hjälp")
    category = await api.wait_for(user_id, "Vad behöver du hjälp med?")
    assert "🛒 Handla" in category.buttons()
    await api.send(user_id, "🛒 Handla")
    await api.wait_for(user_id, "När behöver du hjälpen?")
    await api.send(user_id, "imorgon kl 10")
    read_back = await api.wait_for(user_id, "Jag uppfattade:")
    # The bot's clock is real here: tomorrow in Stockholm (today, if midnight has just passed).
    days = [
        format_date(datetime.now(STOCKHOLM).date() + timedelta(days=n), "EEEE d MMMM", locale="sv")
        for n in (1, 0)
    ]
    found = re.fullmatch(r"Jag uppfattade: ((.+) kl\. 10\.00)\. Stämmer det\?", read_back.text)
    assert found and found.group(2) in days, (read_back.text, days)
    assert "✅ Ja" in read_back.buttons()
    await api.send(user_id, "✅ Ja")
    await api.wait_for(user_id, "Vill du berätta mer?")
    return found.group(1)
