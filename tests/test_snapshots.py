"""Daily snapshots of each unit's counts, and the bulletin's issue number."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.reports.snapshots import IssueTaken, issue_number, summary_on, take_issue_number
from db.models import UnitSnapshot
from jobs.scan import plan_now
from tests.conftest import local
from tests.factories import make_county, make_task


def test_the_scan_takes_one_snapshot_a_day_even_on_a_day_off(runtime, session) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 4, 28, 18), now=local(2026, 4, 1, 9))
    make_task(session, county, deadline=None, now=local(2026, 4, 1, 9), unit=county.department)
    plan_now(runtime, local(2026, 5, 2, 7, 0))  # Saturday, before the digest time: nothing
    assert session.scalars(select(UnitSnapshot)).all() == []
    plan_now(runtime, local(2026, 5, 2, 9, 0))  # a day off, after it: taken
    plan_now(runtime, local(2026, 5, 2, 15, 0))  # once
    session.rollback()
    rows = session.execute(
        select(UnitSnapshot.day, UnitSnapshot.red, UnitSnapshot.green).order_by(UnitSnapshot.red)
    ).all()
    assert rows == [(date(2026, 5, 2), 0, 1), (date(2026, 5, 2), 1, 0)]
    that_day = summary_on(session, date(2026, 5, 2))
    assert that_day is not None
    assert [(u.unit_name, u.counts.red) for u in that_day.units] == [("城关镇", 1), ("县住建局", 0)]
    assert (that_day.totals.red, that_day.totals.green) == (1, 1)
    assert summary_on(session, date(2026, 5, 1)) is None


def test_issue_numbers_go_per_year_in_week_order_and_a_preview_takes_none(session) -> None:
    assert issue_number(session, "2026-W47") == 1  # a preview: nothing is taken
    assert issue_number(session, "2026-W48") == 1
    assert take_issue_number(session, "2026-W47") == 1
    assert take_issue_number(session, "2026-W48") == 2
    assert take_issue_number(session, "2026-W47") == 1  # kept
    session.commit()
    assert issue_number(session, "2026-W50") == 3
    assert take_issue_number(session, "2027-W01") == 1  # a new year starts again
    # A week before one already out cannot be numbered after it.
    session.commit()
    assert issue_number(session, "2026-W40") == 1
    with pytest.raises(IssueTaken, match="2026年第1期已是 2026-W47 的通报"):
        take_issue_number(session, "2026-W40")
