"""What the 督查通报 says, as plain values: the units' ranking and the week's changes.

Units are ranked on outcomes only: the share of their tasks that is overdue
(highest first), then the share verified (lowest first). Nothing about
online time, message counts or how often anyone replied enters the order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from bot.ledger.lights import Light
from bot.reports.summary import Counts, LedgerSummary, UnitCounts


@dataclass(frozen=True)
class UnitRow:
    """One line of the units' table."""

    rank: int
    unit_name: str
    tasks: int
    on_schedule: int  # open and not overdue (yellow + green)
    overdue: int
    reported_done: int
    verified: int
    overdue_share: Fraction
    verified_share: Fraction
    light: Light


@dataclass(frozen=True)
class Change:
    """One overall figure this week and last week."""

    label: str
    this_week: int
    last_week: int | None

    @property
    def delta(self) -> int | None:
        return None if self.last_week is None else self.this_week - self.last_week


@dataclass(frozen=True)
class VerifiedTask:
    """A task verified (销号) during the bulletin's week."""

    code: str
    title: str
    unit_name: str
    leader_name: str | None
    verified_at: datetime


def unit_light(counts: Counts) -> Light:
    if counts.red:
        return Light.RED
    if counts.yellow:
        return Light.YELLOW
    return Light.GREEN


def outcome_order(units: Iterable[UnitCounts]) -> list[UnitCounts]:
    """Units with tasks, the largest overdue share first, then the smallest verified share."""

    def key(unit: UnitCounts) -> tuple[Fraction, Fraction, str]:
        counts = unit.counts
        return (
            -Fraction(counts.red, counts.total),
            Fraction(counts.verified, counts.total),
            unit.unit_name,
        )

    return sorted((u for u in units if u.counts.total), key=key)


def ranked_units(summary: LedgerSummary) -> list[UnitRow]:
    """The units' table, in `outcome_order`."""
    return [
        UnitRow(
            rank=rank,
            unit_name=unit.unit_name,
            tasks=unit.counts.total,
            on_schedule=unit.counts.yellow + unit.counts.green,
            overdue=unit.counts.red,
            reported_done=unit.counts.reported_done,
            verified=unit.counts.verified,
            overdue_share=Fraction(unit.counts.red, unit.counts.total),
            verified_share=Fraction(unit.counts.verified, unit.counts.total),
            light=unit_light(unit.counts),
        )
        for rank, unit in enumerate(outcome_order(summary.units), start=1)
    ]


def overall_changes(this_week: Counts, last_week: Counts | None) -> list[Change]:
    def row(label: str, pick: Callable[[Counts], int]) -> Change:
        return Change(label, pick(this_week), None if last_week is None else pick(last_week))

    return [
        row("督办事项总数", lambda c: c.total),
        row("推进中", lambda c: c.open),
        row("其中：红灯（逾期）", lambda c: c.red),
        row("黄灯（临期）", lambda c: c.yellow),
        row("绿灯", lambda c: c.green),
        row("已报完成（待销号）", lambda c: c.reported_done),
        row("已销号", lambda c: c.verified),
    ]
