"""Every migration runs up, down and up again; the models match the migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db.migrate import alembic_config, downgrade, upgrade
from db.models import Base
from db.scratch import scratch_database


@pytest.fixture
def empty_engine() -> Iterator[Engine]:
    """A database of its own, so going down to nothing disturbs no other test."""
    with scratch_database(os.environ.get("DUBAN_TEST_DATABASE_URL"), migrate=False) as engine:
        yield engine


def revisions(engine: Engine) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_stairway_up_down_up(empty_engine) -> None:
    previous = "base"
    for revision in revisions(empty_engine):
        upgrade(empty_engine, revision)
        downgrade(empty_engine, previous)
        upgrade(empty_engine, revision)
        previous = revision
    tables = set(inspect(empty_engine).get_table_names())
    assert {"tasks", "units", "people", "task_events", "calendar_overrides"} <= tables


def test_models_and_migrations_agree(empty_engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_database_from_a_newer_duban_is_refused_in_words(
    empty_engine, monkeypatch, capsys
) -> None:
    from sqlalchemy import text

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
