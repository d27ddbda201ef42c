"""Engine and session factory: one session per update, job or CLI command."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

# `Session.info` key: the bind a unit of work that only reads uses (`reader_bind`).
READER_BIND: Final = "reader_bind"


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
        options = connection.get_execution_options()
        # A reader's connection refuses writes in the database itself, as PostgreSQL's
        # READ ONLY does; the flag stays on the pooled connection, so it is set only
        # when it changes.
        query_only = bool(options.get("sqlite_query_only", False))
        if connection.info.get("query_only", False) != query_only:
            connection.exec_driver_sql(f"PRAGMA query_only={int(query_only)}")
            connection.info["query_only"] = query_only
        connection.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


def reading(engine: Engine) -> Engine:
    """The same database for units of work that only read.

    On SQLite they begin DEFERRED (in WAL mode a reader neither waits for the
    writer nor holds its place) with `query_only` on; on PostgreSQL the
    transaction is READ ONLY. Either way the database refuses a write.
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="DEFERRED", sqlite_query_only=True)
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True)
    return engine


def make_session_factory(
    engine: Engine, *, writes: bool = True, readers_queue: bool = False
) -> sessionmaker[Session]:
    """Sessions for units of work.

    On SQLite a unit of work that may write begins IMMEDIATE: it takes the one
    writer's place up front, so two of them queue (busy_timeout) instead of
    both reading and then failing when the second tries to write over an older
    snapshot. `writes=False` gives plain readers (a test looking at results).
    A unit of work declared read-only (`unit_of_work(..., read_only=True)`)
    uses `reading(engine)` instead, so it never waits behind a writer;
    `readers_queue=True` makes it begin like a writer all the same (the old
    behaviour, kept for the benchmark that compares the two).
    """
    bind = engine
    if writes and engine.dialect.name == "sqlite":
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    reader = bind if readers_queue else reading(engine)
    # expire_on_commit=False: services return loaded objects that callers render after commit.
    return sessionmaker(bind, expire_on_commit=False, info={READER_BIND: reader})
