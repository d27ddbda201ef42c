"""Every migration runs up, down and up again; the models match the migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from db.migrate import MIGRATIONS, downgrade, upgrade
from db.models import Base, OutboxKind, OutboxMessage, Person, Role, Unit, UnitKind
from db.scratch import scratch_database


@pytest.fixture
def empty_engine() -> Iterator[Engine]:
    """A database of its own, so going down to nothing disturbs no other test."""
    with scratch_database(os.environ.get("DUBAN_TEST_DATABASE_URL"), migrate=False) as engine:
        yield engine


def _revisions() -> list[Script]:
    """The migrations, oldest first (no engine needed to read them)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))


def _schema(engine: Engine) -> dict[str, tuple[list[str], list[str]]]:
    """Each table's columns and index names."""
    inspector = inspect(engine)
    return {
        table: (
            sorted(column["name"] for column in inspector.get_columns(table)),
            sorted(str(index["name"]) for index in inspector.get_indexes(table)),
        )
        for table in inspector.get_table_names()
    }


@pytest.mark.parametrize("script", _revisions(), ids=lambda script: script.revision)
def test_stairway_up_down_up(empty_engine: Engine, script: Script) -> None:
    """One test per revision, so a failure names the migration that cannot go back."""
    assert isinstance(script.down_revision, str | None), "a merge revision needs its own test"
    previous = script.down_revision or "base"
    if previous != "base":
        upgrade(empty_engine, previous)
    upgrade(empty_engine, script.revision)
    schema = _schema(empty_engine)
    downgrade(empty_engine, previous)
    upgrade(empty_engine, script.revision)
    assert _schema(empty_engine) == schema


def test_models_and_migrations_agree(empty_engine) -> None:
    upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert {"tasks", "units", "people", "task_events", "calendar_overrides"} <= tables
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_database_from_a_newer_duban_is_refused_in_words(
    empty_engine, monkeypatch, capsys
) -> None:
    from bot.cli import main

    upgrade(empty_engine)
    with empty_engine.begin() as connection:  # as a later release would leave it
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    monkeypatch.setenv("DUBAN_DATABASE_URL", empty_engine.url.render_as_string(False))
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("数据库的结构版本（0099）比本程序新：它已被新版 duban 升级过。")
    assert "Traceback" not in err
    with empty_engine.connect() as connection:  # and nothing was touched
        assert MigrationContext.configure(connection).get_current_heads() == ("0099",)


def test_enum_columns_hold_the_values_and_read_back_as_members(empty_engine) -> None:
    """Rows written before the columns were typed as enums load, and new rows store the same
    strings, so the schema and the data did not change with the typing."""
    upgrade(empty_engine)
    with empty_engine.begin() as connection:  # as an earlier release wrote them
        connection.execute(
            text(
                "INSERT INTO units (id, name, kind, created_at)"
                " VALUES (1, '城关镇', 'township', :now)"
            ),
            {"now": datetime(2026, 5, 1)},
        )
        connection.execute(
            text(
                "INSERT INTO people (id, name, role, unit_id, active, created_at)"
                " VALUES (1, '李四', 'member', 1, :yes, :now)"
            ),
            {"now": datetime(2026, 5, 1), "yes": True},
        )
    moment = datetime(2026, 5, 2, tzinfo=UTC)
    with Session(empty_engine) as session, session.begin():
        person = session.get_one(Person, 1)
        assert type(person.role) is Role and person.role is Role.MEMBER
        assert type(person.unit.kind) is UnitKind and person.unit.kind is UnitKind.TOWNSHIP
        session.add(
            OutboxMessage(
                key="k",
                chat_id=-100,
                kind=OutboxKind.DIGEST,
                text="早报",
                due_at=moment,
                next_try_at=moment,
            )
        )
    with empty_engine.connect() as connection:
        stored = connection.execute(text("SELECT kind, state FROM outbox")).one()
    assert tuple(stored) == ("digest", "pending")
    assert type(stored.kind) is str


def test_an_unknown_enum_string_is_refused_before_the_database(empty_engine) -> None:
    upgrade(empty_engine)
    with Session(empty_engine) as session:
        session.add(Unit(name="某单位", kind="village"))
        with pytest.raises(StatementError, match="'village' is not a valid UnitKind"):
            session.flush()
