"""Engine and session factory: one session per update, job or CLI command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the per-dialect settings the ledger relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)

    in_memory = parsed.database in (None, "", ":memory:")
    if in_memory:
        # One shared connection: otherwise each worker thread would get its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite begins transactions late and on its own, which breaks SAVEPOINT
        # (a RELEASE could commit everything); SQLAlchemy's "begin" event below
        # starts each transaction explicitly instead, as its documentation advises.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Two writers (bot and CLI) wait for each other instead of failing at once.
        cursor.execute("PRAGMA busy_timeout=10000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_session_factory(engine: Engine, *, writes: bool = True) -> sessionmaker[Session]:
    """Sessions for units of work.

    On SQLite a unit of work that may write begins IMMEDIATE: it takes the one
    writer's place up front, so two of them queue (busy_timeout) instead of
    both reading and then failing when the second tries to write over an older
    snapshot. `writes=False` gives plain readers (a test looking at results).
    """
    bind = engine
    if writes and engine.dialect.name == "sqlite":
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    # expire_on_commit=False: services return loaded objects that callers render after commit.
    return sessionmaker(bind, expire_on_commit=False)
