"""A burst of updates into webhook mode: how fast they are acknowledged, and how long the
replies take to drain at Telegram's limits.

    python -m bench.webhook [--updates 5000] [--rate 500] [--database-url URL]
    python -m bench.webhook --smoke       # --updates 30 --rate 100: a few seconds

The bot runs as its own process (``hjalpsam run`` with HJALPSAM_WEBHOOK_URL set) against the
local Bot API emulator, which enforces Telegram's limits (429 above 30 msg/s in total or
about 1 msg/s in one chat). This process is the load generator: it posts ``--updates``
updates (each a /start from a different person) at ``--rate`` per second to the webhook, over
loopback, and times each acknowledgement. Then it waits until every person has their reply
(at most ``--drain-timeout`` seconds; by default enough for the replies at 20 a second, plus a
minute). The last line printed is one JSON object; ``ok`` is true when every update was
acknowledged with 200 and every person got a reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout

from bench.common import finish, load_average, run_guarded
from tests.e2e.emulator import BotApiEmulator, Limits

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"
SECRET = "bench-webhook-secret-0123456789"


def _free_port() -> int:
    """A port the system has just handed out (the bot is told it; no port is fixed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _update(n: int) -> dict[str, object]:
    user = 10_000_000 + n
    return {
        "update_id": n,
        "message": {
            "message_id": n,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Test", "language_code": "sv"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def _log(path: Path) -> str:
    return path.read_text(errors="replace")


async def _wait_for_server(port: int, proc: asyncio.subprocess.Process, log: Path) -> None:
    async with ClientSession() as session:
        for _ in range(300):
            if proc.returncode is not None:
                raise RuntimeError(f"the bot exited:\n{_log(log)}")
            try:
                async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the bot did not start:\n{_log(log)}")


async def _burst(port: int, updates: int, rate: float) -> tuple[list[float], int]:
    """Post the updates at ``rate`` per second; the acknowledgement time of each, in ms, and
    how many were not acknowledged with 200."""
    url = f"http://127.0.0.1:{port}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    times: list[float] = []
    failures = 0

    async def post(session: ClientSession, n: int) -> None:
        nonlocal failures
        started = time.perf_counter()
        async with session.post(url, json=_update(n), headers=headers) as response:
            if response.status != 200:
                failures += 1
        times.append((time.perf_counter() - started) * 1000)

    async with ClientSession(timeout=ClientTimeout(total=60)) as session:
        tasks = []
        begin = time.perf_counter()
        for n in range(1, updates + 1):
            delay = begin + (n - 1) / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(session, n)))
        await asyncio.gather(*tasks)
    if failures:
        print(f"{failures} updates were not acknowledged with 200", file=sys.stderr)
    return times, failures


async def run(
    updates: int, rate: float, database_url: str | None, drain_timeout: float | None = None
) -> dict[str, object]:
    """Start the bot, post the burst, wait for the replies; the figures."""
    api = BotApiEmulator(TOKEN, Limits())
    await api.start()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp:
        workdir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HJALPSAM_")}
        env.update(
            PYTHONUNBUFFERED="1",
            HJALPSAM_TELEGRAM_TOKEN=TOKEN,
            HJALPSAM_TELEGRAM_API_URL=api.base_url,
            HJALPSAM_DATABASE_URL=database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
            HJALPSAM_WEBHOOK_URL=f"http://127.0.0.1:{port}",
            HJALPSAM_WEBHOOK_SECRET=SECRET,
            HJALPSAM_HTTP_PORT=str(port),
        )
        log = workdir / "bot.log"
        out = os.open(log, os.O_WRONLY | os.O_CREAT)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stdout=out, stderr=out
        )
        os.close(out)
        users = {10_000_000 + n for n in range(1, updates + 1)}

        def replied() -> int:
            return sum(1 for chat in api.counts if chat in users)

        try:
            await _wait_for_server(port, proc, log)
            start = time.perf_counter()
            acks, failures = await _burst(port, updates, rate)
            sent_in = time.perf_counter() - start
            print(f"{updates} updates posted in {sent_in:.1f} s; waiting for the replies …")
            deadline = start + (drain_timeout or updates / 20 + 60)
            last = -1
            while (
                replied() < updates and proc.returncode is None and time.perf_counter() < deadline
            ):
                if replied() != last:
                    last = replied()
                    print(f"  replies: {last} of {updates}", flush=True)
                await asyncio.sleep(min(2.0, max(0.1, updates / 500)))
            drained = time.perf_counter() - start
            exited = proc.returncode
        finally:
            if proc.returncode is None:
                proc.terminate()
            await asyncio.wait_for(proc.wait(), 30)
            await api.stop()
        if exited is not None:
            print(f"the bot exited early ({exited}):\n{_log(log)}", file=sys.stderr)
    acks.sort()
    p95 = acks[int(len(acks) * 0.95) - 1] if acks else 0.0
    return {
        "updates": updates,
        "rate": rate,
        "ack_p50_ms": round(statistics.median(acks), 1) if acks else None,
        "ack_p95_ms": round(p95, 1),
        "ack_max_ms": round(acks[-1], 1) if acks else None,
        "not_acknowledged": failures,
        "replied": replied(),
        "drain_s": round(drained, 1),
        "replies_per_s": round(replied() / drained, 1) if drained else None,
        "http_429": api.http_429,
        "ok": failures == 0 and replied() == updates,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.webhook", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--updates", type=int, default=5000, help="updates to post (5000)")
    parser.add_argument("--rate", type=float, default=500, help="updates posted a second (500)")
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    parser.add_argument(
        "--drain-timeout", type=float, help="seconds to wait for the replies at most"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a run of a few seconds (--updates 30 --rate 100)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.updates, args.rate = 30, 100
    if args.updates < 1 or args.rate <= 0:
        parser.error("need --updates >= 1 and --rate > 0")

    def bench() -> int:
        load = load_average()
        result = asyncio.run(run(args.updates, args.rate, args.database_url, args.drain_timeout))
        return finish(result | {"load_avg_at_start": round(load, 2)})

    return run_guarded(bench)


if __name__ == "__main__":
    sys.exit(main())
