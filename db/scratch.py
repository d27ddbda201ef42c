"""A throwaway database, for the migration tests and the benchmarks."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from db.session import make_engine


@contextmanager
def scratch_database(server_url: str | None, *, migrate: bool = True) -> Iterator[Engine]:
    """SQLite in a temporary folder, or a fresh database next to `server_url`, dropped after.

    With `migrate=False` it stays empty (the stairway test walks the migrations itself).
    """
    if server_url is None:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
            try:
                if migrate:
                    upgrade(engine)
                yield engine
            finally:
                engine.dispose()
        return
    name = f"duban_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(server_url).set(database=name).render_as_string(False))
    try:
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()
