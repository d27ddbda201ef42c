"""One unit of work per update, job or CLI command: the caller owns the transaction.

Services only add and flush; the entry point opens one session with
`unit_of_work`, and it commits once when the block ends, or rolls back once
if anything is raised (a refusal as much as a crash), so nothing is half
saved. Rules two processes could race on live in the database (unique
constraints, version columns); when one is hit the database's error becomes
the Chinese refusal for that rule here, in one place, instead of a generic
failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.core.access import Refusal
from db.models import Base

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
        return name
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


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed once at the end, or not at all."""
    session = sessions()
    try:
        yield session
        session.commit()
    except (IntegrityError, StaleDataError, OperationalError) as error:
        session.rollback()
        refusal = conflict_refusal(error)
        if refusal is None:
            raise
        raise refusal from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
