"""Task codes (`DB-NNNN`): a counter in the database, never handing a code out twice.

An imported ledger may bring its own codes (DB-2026-07, or DB-0042 written by
hand); the counter skips any code already taken and is moved past `DB-N` codes
given by hand, so it never draws them later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import CodeCounter, Task, varchar_length

CODE_PREFIX = "DB-"
CODE_LENGTH = varchar_length(Task.code)
TASK_CODES = "task"  # the CodeCounter row behind DB-NNNN
_NUMBERED = re.compile(rf"{CODE_PREFIX}(\d{{1,12}})")
# A code as people type it: db0006, DB 6, ＤＢ－０００６, or the bare number 6.
_LOOSE = re.compile(r"([A-Z]{1,6})?\s*[-_－—–]?\s*0*(\d{1,12})")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "_": "-"})


def typed_codes(typed: str) -> list[str]:
    """The codes `typed` may mean, the exact one first: `DB0006`, `db-6`, `6` and the
    full-width `ＤＢ－０００６` all mean DB-0006. An imported code (DB-2026-07) is
    only ever itself."""
    exact = unicodedata.normalize("NFKC", typed).strip().upper().translate(_DASHES)
    loose = _LOOSE.fullmatch(exact)
    if loose is None:
        return [exact]
    prefix, number = (loose[1] or CODE_PREFIX.rstrip("-")), int(loose[2])
    return list(dict.fromkeys([exact, f"{prefix}-{number:04d}", f"{prefix}-{number}"]))


def _highest_numbered_code(session: Session) -> int:
    """The highest N among existing `DB-N` codes (imported codes like DB-2026-07 do not count)."""
    codes = session.scalars(select(Task.code).where(Task.code.like(f"{CODE_PREFIX}%")))
    return max((int(m[1]) for code in codes if (m := _NUMBERED.fullmatch(code))), default=0)


def _ensure_counter(session: Session) -> None:
    """Start the DB-N counter after the highest existing code, once per database."""
    if session.scalar(select(CodeCounter.value).where(CodeCounter.name == TASK_CODES)) is not None:
        return
    highest = _highest_numbered_code(session)
    try:
        with session.begin_nested():
            session.execute(insert(CodeCounter).values(name=TASK_CODES, value=highest))
    except IntegrityError:
        pass  # another process started it at the same moment: theirs counts


def next_task_code(session: Session) -> str:
    """The next `DB-NNNN` code (growing past four digits), never handed out twice.

    The counter is bumped in the database (`UPDATE … RETURNING`), whose row lock
    keeps two processes apart; a number whose code is already taken (a ledger
    imported with its own codes) is skipped.
    """
    with session.no_autoflush:  # a bulk import flushes once at the end, not per row
        _ensure_counter(session)
        while True:
            number = session.execute(
                update(CodeCounter)
                .where(CodeCounter.name == TASK_CODES)
                .values(value=CodeCounter.value + 1)
                .returning(CodeCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            code = f"{CODE_PREFIX}{number:04d}"
            if session.scalar(select(Task.id).where(Task.code == code)) is None:
                return code


class DrawnCode(str):
    """A code the counter handed out: unique already, so `create_task` need not check it."""


def next_task_codes(session: Session, count: int) -> list[DrawnCode]:
    """`count` fresh codes with one counter bump (a ledger import draws them all at once)."""
    codes: list[DrawnCode] = []
    with session.no_autoflush:
        _ensure_counter(session)
        while len(codes) < count:
            wanted = count - len(codes)
            last = session.execute(
                update(CodeCounter)
                .where(CodeCounter.name == TASK_CODES)
                .values(value=CodeCounter.value + wanted)
                .returning(CodeCounter.value)
                .execution_options(synchronize_session=False)
            ).scalar_one()
            block = [f"{CODE_PREFIX}{n:04d}" for n in range(last - wanted + 1, last + 1)]
            taken = set(session.scalars(select(Task.code).where(Task.code.in_(block))))
            codes += [DrawnCode(code) for code in block if code not in taken]
    return codes


def reserve_codes(session: Session, codes: Iterable[str]) -> None:
    """Move the counter past `DB-N` codes given by hand, so it never draws them later."""
    highest = max((int(m[1]) for code in codes if (m := _NUMBERED.fullmatch(code))), default=0)
    if not highest:
        return
    with session.no_autoflush:
        _ensure_counter(session)
        session.execute(
            update(CodeCounter)
            .where(CodeCounter.name == TASK_CODES, CodeCounter.value < highest)
            .values(value=highest)
            .execution_options(synchronize_session=False)
        )
