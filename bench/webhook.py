"""A burst of updates into webhook mode: how fast they are acknowledged, and how long the
replies take to drain at Telegram's limits.

    python -m bench.webhook [--updates 5000] [--rate 500] [--database-url URL]

The bot runs as its own process (``hjalpsam run`` with HJALPSAM_WEBHOOK_URL set) against the
local Bot API emulator, which enforces Telegram's limits (429 above 30 msg/s in total or
about 1 msg/s in one chat). This process is the load generator: it posts ``--updates``
updates (each a /start from a different person) at ``--rate`` per second to the webhook, over
loopback, and times each acknowledgement. Then it waits until every person has their reply.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout

from tests.e2e.emulator import BotApiEmulator, Limits

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_123"
SECRET = "bench-webhook-secret-0123456789"


def _free_port() -> int:
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
                raise SystemExit(f"the bot exited:\n{_log(log)}")
            try:
                async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"the bot did not start:\n{_log(log)}")


async def _burst(port: int, updates: int, rate: float) -> list[float]:
    """Post the updates at ``rate`` per second; the acknowledgement time of each, in ms."""
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
    return times


async def main(updates: int, rate: float, database_url: str | None) -> dict[str, object]:
    api = BotApiEmulator(TOKEN, Limits())
    await api.start()
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
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
    try:
        await _wait_for_server(port, proc, log)
        start = time.perf_counter()
        acks = await _burst(port, updates, rate)
        sent_in = time.perf_counter() - start
        print(f"{updates} updates posted in {sent_in:.1f} s; waiting for the replies …")
        users = {10_000_000 + n for n in range(1, updates + 1)}

        def replied() -> int:
            return sum(1 for chat in api.counts if chat in users)

        last = -1
        while replied() < updates and proc.returncode is None:
            if replied() != last:
                last = replied()
                print(f"  replies: {last} of {updates}", flush=True)
            await asyncio.sleep(2)
        drained = time.perf_counter() - start
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
        await api.stop()
    acks.sort()
    p95 = acks[int(len(acks) * 0.95) - 1] if acks else 0.0
    return {
        "updates": updates,
        "rate": rate,
        "ack_p50_ms": round(statistics.median(acks), 1) if acks else None,
        "ack_p95_ms": round(p95, 1),
        "ack_max_ms": round(acks[-1], 1) if acks else None,
        "replied": replied(),
        "drain_s": round(drained, 1),
        "replies_per_s": round(replied() / drained, 1) if drained else None,
        "http_429": api.http_429,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    result = asyncio.run(main(args.updates, args.rate, args.database_url))
    print(json.dumps(result))
