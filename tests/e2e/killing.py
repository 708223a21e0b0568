"""A rolling kill: bot processes on one PostgreSQL database, the active one SIGKILLed between
the steps of a conversation while a standby takes over.

One process is active (it holds the advisory lock and polls the emulator); the others wait on
the lock as standbys. After each answer, ``Cluster.step`` kills the active process, waits for a
standby to poll (the takeover, timed) and starts a fresh standby in the background, so process
start-up overlaps the next steps instead of adding to them.

Two moments to kill at:
- ``shown`` (the default): the moment the next question reaches the person. The emulator
  delivers it but holds Telegram's answer back, and the process dies waiting for it. This is
  the earliest moment the person can answer, so everything the step needs must have been
  saved before the question was sent (common.checkpoint). A step that only edits a message
  (a tick) is killed the moment the edit shows.
- ``settled``: the answer has been fully handled and everything written, conversation state
  and user data; a probe from someone else proves it (see ``Cluster.settled``).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import text

from storage.db import create_engine
from storage.instance import LOCK_KEY
from tests.e2e.conftest import BotProcess
from tests.e2e.emulator import BotApiEmulator, Sent

# Someone who never signs up; their /hjalp is the probe of Cluster.settled.
STRANGER = 777
HELP_TEXT = "Hjälpsam hjälper dig att få kontakt med volontärer."
POLLING = "Hjälpsam starts (long polling)"
PYCACHE = "hjalpsam-e2e-pycache"
TAKEOVER_LIMIT = 10.0  # the issue: a standby takes over within 10 s
# A message the bot should send: its exact text, or a check of it.
Expect = str | Callable[[Sent], bool]
Moment = Literal["settled", "shown"]
_WAITING = text(
    """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::bigint = :high AND objid::bigint = :low
    """
)


class KillEmulator(BotApiEmulator):
    """The emulator, kept for a whole module (``reset`` between tests), that can also hold
    back Telegram's answer to a message it has delivered (``stall``)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.stall: Callable[[str, dict[str, Any]], bool] | None = None
        self.stalled: list[tuple[str, dict[str, Any]]] = []
        self._unstall = asyncio.Event()

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        result = await super()._answer(method, params)
        if self.stall is not None and self.stall(method, params):
            self.stall = None  # one at a time
            self.stalled.append((method, params))
            event = self._unstall
            await self._notify()
            await event.wait()  # the sender is killed meanwhile; this answer reaches nobody
        return result

    def unstall(self) -> None:
        """Let a held answer go (to a process that is gone by now)."""
        self.stall = None
        self._unstall.set()
        self._unstall = asyncio.Event()

    def reset(self) -> None:
        """Forget what was said in the last test; ids keep counting, as Telegram's do."""
        self.unstall()
        self.release()
        self._release = asyncio.Event()
        self.hold, self.held, self.stalled = None, 0, []
        self.limits, self.inject_429, self.injected, self.http_429 = None, {}, 0, 0
        self.counts.clear()
        self.calls.clear()
        self.sent.clear()
        self._by_id.clear()
        self._seen.clear()


class Cluster:
    """Bot processes on one database: one active, ``standbys`` waiting on the lock."""

    def __init__(
        self,
        api: KillEmulator,
        cwd: Path,
        env: dict[str, str],
        database_url: str,
        standbys: int = 3,
    ) -> None:
        self.api, self._cwd = api, cwd
        # Compiled modules go to a cache of our own, kept between runs: the checkout stays
        # clean (it writes no bytecode of its own) and a process starts in less time. Python
        # checks each entry against its source, so a stale one is simply compiled again.
        self._env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self._env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / PYCACHE)
        self._standbys = standbys
        self._engine = create_engine(database_url, pool_size=1)
        self.started: list[BotProcess] = []
        self.recent: list[BotProcess] = []  # the processes of the current test
        self.takeovers: list[float] = []  # seconds from SIGKILL to the standby's first poll
        self.locks: list[float] = []  # seconds from SIGKILL to the standby's "starts" line
        self.standby_waits: list[float] = []  # seconds a kill waited for a standby to be ready
        self.active: BotProcess | None = None

    # --- processes -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the first process, wait until it polls, then start the standbys."""
        since = len(self.api.calls)
        first = self._spawn()
        deadline = time.monotonic() + 90
        while not self._polled(since):
            if first.proc.poll() is not None:
                pytest.fail(f"the bot exited with {first.proc.returncode}:\n{first.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the bot did not start polling:\n{first.log()}")
            await asyncio.sleep(0.05)
        self.active = first
        self._top_up()

    def _spawn(self) -> BotProcess:
        bot = BotProcess(self._cwd, self._env, len(self.started) + 1)
        self.started.append(bot)
        self.recent.append(bot)
        return bot

    def _alive(self) -> list[BotProcess]:
        return [b for b in self.started if b.proc.poll() is None]

    def _top_up(self) -> None:
        """Start standbys in the background until there are enough."""
        for _ in range(self._standbys - (len(self._alive()) - 1)):
            self._spawn()

    def _polled(self, since: int) -> bool:
        return any(method == "getUpdates" for method, _ in self.api.calls[since:])

    async def waiting(self) -> int:
        """How many processes wait on the instance lock right now."""
        async with self._engine.connect() as conn:
            found = await conn.execute(
                _WAITING, {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF}
            )
            return int(found.scalar_one())

    async def standby_ready(self) -> None:
        """Return once a standby waits on the lock (a kill then needs no process start)."""
        await self._serving()  # one taking over may still be counted as waiting
        began = time.monotonic()
        while await self.waiting() < 1:
            for bot in self.started:
                if bot.proc.poll() is not None and bot.proc.returncode != -9:
                    pytest.fail(f"a bot process exited by itself:\n{bot.log()}")
            if time.monotonic() - began > 120:
                pytest.fail("no standby was waiting on the lock after 120 s")
            await asyncio.sleep(0.1)
        self.standby_waits.append(time.monotonic() - began)

    async def _serving(self) -> BotProcess:
        """The active process (once a standby has taken over, if one is taking over)."""
        if self.active is None:

            def polling() -> BotProcess | None:
                serving = [b for b in self._alive() if POLLING in b.log()]
                return serving[0] if len(serving) == 1 and self._polled(0) else None

            self.active = await self.api.until(polling, 60, "a standby to take over")
        return self.active

    async def kill_active(self, wait: bool = True) -> float:
        """SIGKILL the active process; return how long a standby took to poll in its place
        (unless ``wait`` is false: then the next step finds out which one it is)."""
        dying = await self._serving()
        await self.standby_ready()
        killed_at, killed_wall = time.monotonic(), time.time()
        dying.kill()
        self.active = None
        self.api.unstall()  # an answer held back for it now goes nowhere
        self._top_up()
        if not wait:
            return 0.0
        since = len(self.api.calls)  # the dead process makes no more calls
        await self.api.until(
            lambda: self._polled(since), TAKEOVER_LIMIT, "a standby to take over (poll)"
        )
        took = time.monotonic() - killed_at
        serving = [b for b in self._alive() if POLLING in b.log()]
        assert len(serving) == 1, [b.log_path.name for b in serving]
        self.active = serving[0]
        self.takeovers.append(took)
        self.locks.append(_logged_at(self.active.log(), POLLING) - killed_wall)
        return took

    async def fresh(self) -> None:
        """For the next test (the database just emptied): an active process that has read
        nothing yet. The test need not wait for it: what it sends waits in the emulator."""
        self.recent = self._alive()
        if len(self.started) > 1 + self._standbys:  # not the first test
            await self.kill_active(wait=False)

    async def close(self) -> None:
        for bot in self.started:
            bot.kill()
        await self._engine.dispose()

    def summary(self) -> str:
        """The takeover times, for the report."""
        if not self.takeovers:
            return "no takeovers"
        polls, locks = sorted(self.takeovers), sorted(self.locks)
        return (
            f"{len(polls)} takeovers; lock taken after {spread(locks)}; polling after "
            f"{spread(polls)}; waited for a standby {sum(self.standby_waits):.1f} s in all; "
            f"{len(self.started)} processes"
        )

    # --- talking -----------------------------------------------------------------------------

    async def settled(self) -> None:
        """Return once everything sent so far has been handled and saved.

        The bot handles updates one at a time. An update's conversation state is written by
        lifecycle.save_state, its last handler; its user data only by the next write (PTB
        marks it after the last handler). So: the stranger's first /hjalp writes the data of
        what came before, and the answer to the second shows that the first is done.
        """
        for _ in range(2):
            count = len(self.api.messages(STRANGER))
            await self.api.send(STRANGER, "/hjalp")
            await self.api.until(
                lambda count=count: any(  # type: ignore[misc]
                    HELP_TEXT in m.text for m in self.api.messages(STRANGER)[count:]
                ),
                30,
                "the bot to answer the probe",
            )

    async def step(
        self,
        user: int,
        act: Callable[[], Awaitable[object]],
        *expected: Expect,
        kill: Moment | None = "shown",
    ) -> list[Sent]:
        """Do ``act`` (a message or a button); the bot must answer ``user`` with exactly the
        ``expected`` messages, in order. Then kill the active process: the moment the last of
        them is shown (by default), once everything is settled, or not at all (None)."""
        api, before = self.api, len(self.api.messages(user))
        if kill == "shown":
            # The process must die before it gives up waiting for Telegram (PTB's read
            # timeout), so a standby is made ready first.
            await self.standby_ready()
            last = before + len(expected)

            def shown(method: str, params: dict[str, Any]) -> bool:
                """The last expected message; with none, the first edit (a tick)."""
                if int(params.get("chat_id") or 0) != user:
                    return False
                if not expected:
                    return method.startswith("editMessage")
                return method == "sendMessage" and len(api.messages(user)) == last

            api.stall = shown
        stalled = len(api.stalled)
        await act()
        if kill == "shown":
            await api.until(lambda: len(api.stalled) > stalled, 30, f"the answer to {user}")
        else:
            await api.until(
                lambda: len(api.messages(user)) >= before + len(expected),
                30,
                f"{len(expected)} answer(s) to {user}",
            )
            await self.settled()
        got = api.messages(user)[before:]
        check(got, expected)
        if kill is not None:
            await self.kill_active()
        return got

    async def says(
        self, user: int, words: str, *expected: Expect, kill: Moment | None = "shown"
    ) -> Sent:
        """``user`` writes (or presses a reply-keyboard button); the last answer."""
        got = await self.step(user, lambda: self.api.send(user, words), *expected, kill=kill)
        return got[-1]

    async def presses(
        self,
        user: int,
        message: Sent,
        data: str,
        *expected: Expect,
        kill: Moment | None = "shown",
    ) -> Sent | None:
        """``user`` presses an inline button; the last answer (None when only edits came)."""
        got = await self.step(
            user, lambda: self.api.press(user, message, data), *expected, kill=kill
        )
        return got[-1] if got else None


def spread(times: list[float]) -> str:
    """Min, median and max of sorted times."""
    return f"min {times[0]:.2f} s, median {statistics.median(times):.2f} s, max {times[-1]:.2f} s"


def _logged_at(log: str, line: str) -> float:
    """When the process logged ``line`` (its log's local time, to the millisecond)."""
    found = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) .*" + re.escape(line), log, re.M)
    assert found, line
    at = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S")
    return at.timestamp() + int(found.group(2)) / 1000


def check(got: Sequence[Sent], expected: Sequence[Expect]) -> None:
    """The messages are exactly the expected ones."""
    shown = [m.text for m in got]
    assert len(got) == len(expected), f"expected {len(expected)} message(s), got {shown}"
    for message, want in zip(got, expected, strict=True):
        if isinstance(want, str):
            assert message.text == want, shown
        else:
            assert want(message), shown


def starts(prefix: str) -> Callable[[Sent], bool]:
    """A message that begins with ``prefix``."""
    return lambda m: m.text.startswith(prefix)
