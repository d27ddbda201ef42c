"""Conditional updates: how many rows an UPDATE changed says whether this process won."""

from __future__ import annotations

from sqlalchemy import CursorResult, Update
from sqlalchemy.orm import Session


def updated_rows(session: Session, statement: Update) -> int:
    """Run `statement` in the session's transaction and count the rows it changed."""
    result = session.execute(statement)
    # An UPDATE always gives a cursor result; Session.execute is typed for any statement.
    assert isinstance(result, CursorResult)
    return result.rowcount
