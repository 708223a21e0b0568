"""One active bot process per database.

PostgreSQL: the process holds a session-level advisory lock on a connection of its own for as
long as it lives; a second process waits for it (a standby) and takes over when the first one
dies, because PostgreSQL releases the lock the moment that connection closes. SQLite: a lock
file beside the database; a second process cannot get it and says so.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import make_url, text

from storage.db import create_engine, is_sqlite

log = logging.getLogger(__name__)
# Any fixed 64-bit number; the same for every Hjälpsam process on one database.
LOCK_KEY = 0x48_4A_41_4C_50_53_41_4D  # "HJALPSAM"


class AlreadyRunning(Exception):
    """Another process already serves this (SQLite) database."""


class InstanceLock:
    """Held from ``acquire`` to the end of the process."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._file: IO[str] | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None

    def acquire(self, on_wait: object = None) -> None:
        """Return once this process is the active one (SQLite: at once, or AlreadyRunning)."""
        if is_sqlite(self._url):
            self._lock_file()
            return
        thread = threading.Thread(target=self._hold_advisory, name="instance-lock", daemon=True)
        thread.start()
        if not self._ready.wait(timeout=2) and callable(on_wait):
            on_wait()
        self._ready.wait()
        if self._failed is not None:
            raise self._failed

    def _lock_file(self) -> None:
        database = make_url(self._url).database or ""
        if not database or database == ":memory:":
            return
        path = Path(database).with_name(Path(database).name + ".lock")
        handle = path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(str(path)) from None
        self._file = handle  # kept open: the lock lasts as long as the process

    def _hold_advisory(self) -> None:
        try:
            asyncio.run(self._advisory())
        except BaseException as error:
            if self._ready.is_set():
                # The lock is gone with its connection, and a standby may be taking over:
                # this process must stop serving at once.
                log.critical("lost the instance lock (%s); stopping", error.__class__.__name__)
                os._exit(70)
            self._failed = error
            self._ready.set()

    async def _advisory(self) -> None:
        engine = create_engine(self._url, pool_size=1, max_overflow=0)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            await conn.commit()
            self._ready.set()
            # Hold the connection (and so the lock) until the process ends; a cheap query now
            # and then keeps it from being closed as idle.
            while True:
                await asyncio.sleep(30)
                await conn.execute(text("SELECT 1"))
                await conn.commit()
