"""Writing checks on duty (`DutyCheck`): keyed inserts, the day's spot-check draw, claims.

Every check has a key, so a planner that runs again (or a second process)
writes no check twice and draws a unit's spot-check moments once a day; an
escalation is claimed with a conditional UPDATE, so of two planners one tells.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.duty import Post
from db.keys import existing_keys, insert_new
from db.models import DutyCheck, DutyCheckKind, DutyRoster

DOWN = "当时系统未运行，未询问"  # the log's note for a moment that passed while the bot was down
_draw = random.SystemRandom()


def check_row(
    key: str, kind: DutyCheckKind, unit_id: int, moment: datetime, *, zone: ZoneInfo, now: datetime
) -> dict[str, Any]:
    """A check's values for `insert_checks` (a caller adds post, name and note)."""
    return {
        "key": key,
        "kind": kind,
        "unit_id": unit_id,
        "day": moment.astimezone(zone).date(),
        "at": moment,
        "note": None,  # every row of one insert names the same columns
        "created_at": now,
    }


def insert_checks(session: Session, values: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the checks whose keys are new; key → id of those this call wrote."""
    written = insert_new(session, DutyCheck, values, returning=(DutyCheck.key, DutyCheck.id))
    return {row.key: row.id for row in written}


def holiday_units(session: Session, day: date) -> list[tuple[int, date, date]]:
    """(unit, first day, last day) of every current roster whose holiday includes `day`."""
    return [
        (unit_id, first, last)
        for unit_id, first, last in session.execute(
            select(DutyRoster.unit_id, DutyRoster.first_day, DutyRoster.last_day).where(
                DutyRoster.current, DutyRoster.first_day <= day, DutyRoster.last_day >= day
            )
        )
    ]


def draw_spot_checks(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    count: int,
    day_start: time,
    day_end: time,
) -> None:
    """Draw and store each holiday unit's `count` spot-check moments for today, once,
    between `day_start` (or now, if later) and `day_end`."""
    today = now.astimezone(zone).date()
    end = datetime.combine(today, day_end, tzinfo=zone)
    if count == 0 or now >= end:
        return
    units = [unit_id for unit_id, _, _ in holiday_units(session, today)]
    keyed = {f"ds:{u}:{today}:{n}": u for u in units for n in range(1, count + 1)}
    known = existing_keys(session, DutyCheck.key, keyed)
    start = max(datetime.combine(today, day_start, tzinfo=zone), now)
    minutes = int((end - start).total_seconds() // 60)
    values = []
    for key, unit_id in keyed.items():
        if key in known:
            continue
        moment = (start + timedelta(minutes=_draw.randrange(max(minutes, 1)))).replace(
            second=0, microsecond=0
        )
        row = check_row(key, DutyCheckKind.SPOT, unit_id, max(moment, now), zone=zone, now=now)
        row["post"] = Post.OFFICER.value
        values.append(row)
    insert_new(session, DutyCheck, values)


def log_missed_spot_checks(session: Session, *, since: date, before: datetime) -> None:
    """Moments that passed unasked (the bot was down) are logged as such, not asked late."""
    session.execute(
        update(DutyCheck)
        .where(
            DutyCheck.kind == DutyCheckKind.SPOT,
            DutyCheck.day >= since,
            DutyCheck.at <= before,
            DutyCheck.asked_at.is_(None),
            DutyCheck.note.is_(None),
        )
        .values(note=DOWN)
        .execution_options(synchronize_session=False)
    )


def claim_escalation(
    session: Session,
    check: DutyCheck,
    column: InstrumentedAttribute[datetime | None],
    *,
    now: datetime,
) -> bool:
    """Set an escalation time (`leader_told_at`, `office_told_at`) if no one else did and
    the check is still unanswered: of two planners, one tells."""
    statement = (
        update(DutyCheck)
        .where(DutyCheck.id == check.id, column.is_(None), DutyCheck.answered_at.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    done = cast("CursorResult[Any]", session.execute(statement)).rowcount
    if done:
        setattr(check, column.key, now)
    return bool(done)
