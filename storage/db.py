"""Engine and session factory. SQLite gets WAL, a busy timeout and immediate transactions.

Nothing personal reaches a log from here: statements are logged and raised without their
parameters (``hide_parameters``), the DEBUG lines of SQLAlchemy and aiosqlite keep their wording
but lose their arguments (fetched rows, parameters), and a new SQLite file is readable by its
owner only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL points to SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


class HideArguments(logging.Filter):
    """Drops the arguments of DEBUG records (a library's rows, parameters or updates); the
    wording stays, so the line still says what happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG and record.args:
            record.msg = f"{record.msg} [arguments hidden]"
            record.args = None
        return True


_HIDE = HideArguments()
# Loggers whose DEBUG lines hold data: SQLAlchemy logs every fetched row, aiosqlite every call
# with its parameters.
STORAGE_LOGGERS = ("sqlalchemy.engine.Engine", "aiosqlite")


def hide_debug_arguments(*names: str) -> None:
    """Keep the arguments of these loggers' DEBUG records out of every log (idempotent)."""
    for name in names:
        logger = logging.getLogger(name)
        if _HIDE not in logger.filters:
            logger.addFilter(_HIDE)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and for SQLite in memory."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_private(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only, unless it exists already.

    SQLite gives its -wal and -shm files the mode of the database file, so they follow.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return  # it exists already, or SQLite will say why it cannot be opened


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the one engine of the process.

    SQLite: every transaction begins IMMEDIATE, so a read followed by a write in one unit of
    work waits for the lock instead of failing with "database is locked" under concurrency.
    """
    hide_debug_arguments(*STORAGE_LOGGERS)
    # An error's message names the statement but never its values (addresses, phones, texts).
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **kwargs)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
    path = sqlite_file(url)

    @event.listens_for(engine.sync_engine, "do_connect")
    def _private_file(*_args: Any) -> None:
        # Before SQLite opens (and would create) the file with the process's umask.
        if path is not None:
            create_private(path)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (ORM objects never leave a unit of work)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
