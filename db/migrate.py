"""Alembic, driven from code: `python -m bot migrate` and start-up call `upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


class SchemaTooNew(Exception):
    """The database was migrated by a newer duban than this one; the message is for the operator."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    unknown = [head for head in current if head not in known]
    if unknown:
        raise SchemaTooNew(
            f"数据库的结构版本（{'、'.join(unknown)}）比本程序新：它已被新版 duban 升级过。"
            "请升级本程序（git pull 后 pip install -r requirements.txt），"
            "不要用旧版程序打开新版数据库。"
        )
    command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def new_revision(message: str) -> None:
    """Write a migration for what the models have and the migrations lack.

    Compares against a throwaway SQLite database at head, so no real database
    is needed: `python -m db.migrate "add duty rosters"`.
    """
    from tempfile import TemporaryDirectory

    from db.session import make_engine

    with TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/head.sqlite3")
        try:
            upgrade(engine)
            config = alembic_config(engine)
            heads = ScriptDirectory.from_config(config).get_heads()
            number = int(heads[0]) + 1 if heads and heads[0].isdigit() else 1
            command.revision(config, message=message, autogenerate=True, rev_id=f"{number:04d}")
        finally:
            engine.dispose()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit('usage: python -m db.migrate "what the migration does"')
    new_revision(sys.argv[1])
