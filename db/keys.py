"""Rows identified by a unique key (outbox rows, duty checks): which keys exist, and
inserting only the new ones, so planning can run in every scan and in two processes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

CHUNK = 500


def existing_keys(
    session: Session, column: InstrumentedAttribute[str], keys: Iterable[str]
) -> set[str]:
    """The keys among `keys` that `column` already holds."""
    wanted = list(dict.fromkeys(keys))
    known: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        known.update(session.scalars(select(column).where(column.in_(chunk))))
    return known


def insert_new(
    session: Session,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    *,
    key: str = "key",
    returning: tuple[InstrumentedAttribute[Any], ...] = (),
) -> list[Row[*tuple[Any, ...]]]:
    """INSERT … ON CONFLICT (key) DO NOTHING: a key another process wrote meanwhile is kept.

    With `returning`, those columns of the rows this call inserted (not of the kept ones).
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # A Core insert on the table: the ORM's bulk insert costs more and nothing reads
    # the rows back as objects.
    skip_known = insert(model.__table__).on_conflict_do_nothing(index_elements=[key])
    statement = skip_known.returning(*returning) if returning else skip_known
    written: list[Row[*tuple[Any, ...]]] = []
    for start in range(0, len(rows), CHUNK):
        result = session.execute(statement, list(rows[start : start + CHUNK]))
        if returning:
            written.extend(result.all())
    return written
