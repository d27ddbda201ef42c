"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via DUBAN_TEST_DATABASE_URL),
a controllable clock, and a runtime wired like the real one."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from telegram.ext import Application

from bot.app import build_application
from bot.runtime import Runtime
from bot.settings import Settings
from db.migrate import upgrade
from db.models import Base
from db.session import make_engine, make_session_factory
from tests.telegram_fakes import RecordingRequest

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN_ID = 1001


def _database_url_for_tests(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DUBAN_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'duban-test.sqlite3'}"


class Clock:
    """The time the services see; tests move it explicitly, nothing sleeps."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def local(*args: int) -> datetime:
    """A Shanghai wall-clock time, e.g. local(2026, 4, 29, 10)."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _simulated_calendar_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """`DUBAN_TEST_SIMULATE_2027=1 pytest` runs the suite as if chinesecalendar knew 2027,
    to show an upgrade keeps it green (tests that need an unknown year pin their own)."""
    if os.environ.get("DUBAN_TEST_SIMULATE_2027"):
        from tests.deadline_phrases import publish_2027

        publish_2027(monkeypatch)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url_for_tests(tmp_path_factory)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with engine.begin() as connection:  # a leftover schema from an aborted run
        Base.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator:
    factory = make_session_factory(engine)
    yield factory
    # Empty every table for the next test (children first).
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(engine: Engine, sessions) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """The test's own session: it sets the scene (committing) and looks at the results.

    A reader, so on SQLite its open read never holds the writer's place the bot needs.
    """
    with make_session_factory(engine, writes=False)() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 4, 29, 2, 0, tzinfo=UTC))  # Wed 2026-04-29 10:00 in Shanghai


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        admins=(ADMIN_ID,),
    )


@pytest.fixture
def runtime(settings: Settings, engine: Engine, sessions, clock: Clock) -> Runtime:  # type: ignore[no-untyped-def]
    return Runtime(settings, engine, sessions, clock)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder with no DUBAN_* variables from the developer's shell."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("DUBAN_") and name != "DUBAN_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    return tmp_path


@pytest.fixture
async def bot_app(settings, runtime) -> AsyncIterator[tuple[Application, RecordingRequest]]:  # type: ignore[no-untyped-def]
    """The real application, talking to a recording request instead of Telegram."""
    request = RecordingRequest()
    app = build_application(settings, runtime, request=request)
    async with app:
        yield app, request
