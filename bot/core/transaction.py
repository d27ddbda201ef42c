"""One unit of work per update, job or CLI command: the caller owns the transaction.

Services only add and flush; the entry point opens one session with
`unit_of_work`, and it commits once when the block ends, or rolls back once
if anything is raised (a refusal as much as a crash), so nothing is half
saved. Rules two processes could race on live in the database (unique
constraints, version columns); when one is hit the database's error becomes
the Chinese refusal for that rule here, in one place, instead of a generic
failure.

A unit of work that only reads says so (`read_only=True`): it begins as a
reader (`db.session.reading`), so on SQLite it neither waits for the writer
nor makes the next writer wait, and anything that would write in it raises
`WriteInReader` instead (the ORM refuses before the database does), so a
reader can never race a writer; the caller may redo the work as a writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import UniqueConstraint, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.core.access import Refusal
from db.models import Base
from db.session import READER_BIND

# The user's words for each rule the database keeps, by constraint name.
CONFLICTS: Final[dict[str, str]] = {
    "uq_tasks_code": "这个编号已被使用，请换一个编号，或不填编号由系统分配。",
    "uq_extension_requests_pending": "这项事项已有一条延期申请在等待督查室审批，请勿重复申请。",
    "uq_calendar_overrides_span": "这条节假日安排已经登记过了，发送 /holiday 可以查看。",
    "uq_units_name": "已有同名的责任单位。",
    "uq_people_telegram_user_id": "这个 Telegram 账号已经绑定过了。",
}
STALE: Final = "这项记录刚被他人修改，未保存您的操作。请重新查看后再试。"
# SQLite: another writer held the database longer than the busy timeout.
BUSY: Final = "数据库正忙（有其他操作在写入），未保存您的操作。请稍后再发一次。"


def _unique_rules() -> dict[tuple[str, frozenset[str]], str]:
    """(table, columns) → constraint name, for drivers that name columns, not constraints."""
    rules: dict[tuple[str, frozenset[str]], str] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
                rules[(table.name, frozenset(c.name for c in constraint.columns))] = constraint.name
        for index in table.indexes:
            if index.unique and isinstance(index.name, str):
                rules[(table.name, frozenset(c.name for c in index.columns))] = index.name
    return rules


_RULES: Final = _unique_rules()
_SQLITE_UNIQUE: Final = re.compile(r"UNIQUE constraint failed: (.+)")


def broken_rule(error: IntegrityError) -> str | None:
    """The name of the unique rule `error` reports, if it is one of ours."""
    diagnostics = getattr(error.orig, "diag", None)  # psycopg names the constraint
    name = getattr(diagnostics, "constraint_name", None)
    if name:
        return str(name)
    match = _SQLITE_UNIQUE.search(str(error.orig))  # SQLite names table.column pairs
    if match is None:
        return None
    pairs = [item.strip().split(".", 1) for item in match[1].split(",")]
    tables = {pair[0] for pair in pairs if len(pair) == 2}
    if len(tables) != 1:
        return None
    columns = frozenset(pair[1] for pair in pairs)
    return _RULES.get((tables.pop(), columns))


def conflict_refusal(error: IntegrityError | StaleDataError | OperationalError) -> Refusal | None:
    """The refusal to show for a rule the database kept, or None for an unexpected error."""
    if isinstance(error, StaleDataError):
        return Refusal(STALE)
    if isinstance(error, OperationalError):
        return Refusal(BUSY) if "database is locked" in str(error.orig) else None
    rule = broken_rule(error)
    return Refusal(CONFLICTS[rule]) if rule in CONFLICTS else None


READ_ONLY: Final = "read_only"  # `Session.info` key: the unit of work only reads


class WriteInReader(RuntimeError):
    """Something tried to write in a unit of work begun as a reader; nothing was written."""


@event.listens_for(Session, "before_flush")
def _refuse_flush_in_reader(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(READ_ONLY):
        return
    # `dirty` also lists objects whose attributes were set to the values they had.
    changed = [obj for obj in session.dirty if session.is_modified(obj)]
    if session.new or session.deleted or changed:
        raise WriteInReader(
            f"a reader unit of work would write: {len(session.new)} new, "
            f"{len(changed)} changed, {len(session.deleted)} deleted"
        )


@event.listens_for(Session, "do_orm_execute")
def _refuse_statement_in_reader(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and (
        state.is_insert or state.is_update or state.is_delete
    ):
        raise WriteInReader(f"a reader unit of work would run: {str(state.statement)[:80]}")


def _refused_by_reader(error: DBAPIError) -> bool:
    """The database's own refusal of a write in a read-only transaction."""
    message = str(error.orig)
    return "readonly database" in message or "read-only transaction" in message


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], *, read_only: bool = False) -> Iterator[Session]:
    """A session whose work is committed once at the end, or not at all.

    `read_only`: the block only reads (see the module's note); a write raises
    `WriteInReader` and rolls back.
    """
    session = sessions()
    if read_only:
        session.info[READ_ONLY] = True
        session.bind = session.info.get(READER_BIND, session.bind)
    try:
        yield session
        session.commit()
    except BaseException as error:
        session.rollback()
        if read_only and isinstance(error, DBAPIError) and _refused_by_reader(error):
            raise WriteInReader(str(error.orig)) from error
        if isinstance(error, IntegrityError | StaleDataError | OperationalError):
            refusal = conflict_refusal(error)
            if refusal is not None:
                raise refusal from error
        raise
    finally:
        session.close()
