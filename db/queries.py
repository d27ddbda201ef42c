"""Read-side queries shared by several services; each is one statement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProgressReport


def latest_reports(
    session: Session, task_ids: Iterable[int] | None = None
) -> dict[int, tuple[str, datetime]]:
    """Each task's latest progress report (text, time), for the given tasks or all of them.

    Latest by the report's time, not its id: an imported report can carry an
    earlier time than reports already made in chat.
    """
    latest = select(
        ProgressReport.task_id, func.max(ProgressReport.created_at).label("at")
    ).group_by(ProgressReport.task_id)
    if task_ids is not None:
        ids = list(task_ids)
        if not ids:
            return {}
        latest = latest.where(ProgressReport.task_id.in_(ids))
    latest_at = latest.subquery()
    rows = session.execute(
        select(ProgressReport.task_id, ProgressReport.text, ProgressReport.created_at)
        .join(
            latest_at,
            (latest_at.c.task_id == ProgressReport.task_id)
            & (latest_at.c.at == ProgressReport.created_at),
        )
        .order_by(ProgressReport.id)  # two reports at the same moment: the later one wins
    )
    return {task_id: (text, at) for task_id, text, at in rows}
