"""A PostgreSQL database of its own for each pytest-xdist worker, cloned from a template.

HJALPSAM_TEST_DATABASE_URL names a base database (``test``). It only holds the lock that puts
the workers in line; nothing is written to it. Worker ``gw0`` gets ``test_gw0``, a run without
xdist ``test_main``. Each is dropped and made anew at the start of a run, with
``CREATE DATABASE … TEMPLATE``, from ``test_tmpl_<hash>``: a database migrated once, named
after a hash of the migrations, so a template with an older schema is never used.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

import storage
from storage.migrate import upgrade

MIGRATIONS = Path(storage.__file__).resolve().parent / "migrations"
# pg_advisory_lock key (any bigint) that puts the workers' set-up in line, one at a time.
SETUP_LOCK = 0x48_4A_41_4C_50  # "HJALP"


def worker_url(base_url: str, worker: str) -> str:
    """The URL of this worker's database: the base database's name with the worker's id."""
    if not base_url:
        return ""
    url = make_url(base_url)
    return url.set(database=f"{url.database}_{worker or 'main'}").render_as_string(
        hide_password=False
    )


def migrations_hash() -> str:
    """A short hash of every migration file: it changes when the schema may have."""
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.rglob("*.py")):
        digest.update(path.relative_to(MIGRATIONS).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _dsn(url: str) -> str:
    """asyncpg's form of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def prepare(base_url: str, url: str) -> None:
    """Make the database at ``url`` anew from the migrated template (built first if needed)."""
    asyncio.run(_prepare(base_url, url))


async def _prepare(base_url: str, url: str) -> None:
    admin = await asyncpg.connect(_dsn(base_url))
    try:
        # Held by this connection: a worker that dies lets go of it with the connection.
        await admin.execute("SELECT pg_advisory_lock($1)", SETUP_LOCK)
        template = await _template(admin, base_url)
        name = _quoted(str(make_url(url).database))
        # FORCE: bot processes of an earlier run that was killed may still be connected.
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {_quoted(template)}")
    finally:
        await admin.close()


async def _template(admin: asyncpg.Connection, base_url: str) -> str:
    """The name of the migrated template of these migrations; built now if there is none."""
    base = str(make_url(base_url).database)
    template = f"{base}_tmpl_{migrations_hash()}"
    if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", template):
        return template
    # Built under another name and renamed when complete: a set-up that dies half-way leaves
    # nothing that looks finished.
    building = f"{template}_new"
    await admin.execute(f"DROP DATABASE IF EXISTS {_quoted(building)} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {_quoted(building)}")
    building_url = make_url(base_url).set(database=building).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, building_url)  # Alembic runs its own event loop
    await admin.execute(f"ALTER DATABASE {_quoted(building)} RENAME TO {_quoted(template)}")
    # Templates of older migrations are of no more use (one still being copied stays).
    stale = await admin.fetch(
        "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
        f"{base}\\_tmpl\\_%",
        template,
    )
    for row in stale:
        try:
            await admin.execute(f"DROP DATABASE {_quoted(row['datname'])}")
        except asyncpg.PostgresError:
            pass
    return template
