"""The 24-hour rule: every minute of the holiday, each unit has a 带班领导 and a 值班员.

Exact to the minute on intervals, never on a minute grid: each unit's shifts
of a post are sorted by start and swept once, and what the sweep has not
reached is a gap. Shifts are half-open (08:00-20:00 and 20:00-08:00 meet, they
do not overlap), so a gap of one minute is found as surely as one of a day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from bot.duty.phones import person_keys, phone_problem
from bot.duty.roster import DutyShift, Post

Moment = TypeVar("Moment", int, datetime)


def coverage_gaps(
    spans: Iterable[tuple[Moment, Moment]], start: Moment, end: Moment
) -> list[tuple[Moment, Moment]]:
    """The parts of [start, end) that no span [from, to) covers, in order.

    Works on any ordered moments (datetimes here, minutes in the tests).
    """
    gaps: list[tuple[Moment, Moment]] = []
    reached = start
    for span_start, span_end in sorted(spans):
        if span_start >= end:
            break
        if span_end <= reached:
            continue
        if span_start > reached:
            gaps.append((reached, span_start))
        reached = span_end
        if reached >= end:
            return gaps
    if reached < end:
        gaps.append((reached, end))
    return gaps


@dataclass(frozen=True)
class Gap:
    """A stretch with nobody on a post in a unit."""

    unit: str
    post: Post
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PhoneProblem:
    """A person whose duty phone is missing or cannot be a number, and where it is written."""

    unit: str
    name: str
    phone: str
    reason: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Overlap:
    """One person booked on two shifts at once (in one unit or in two)."""

    first: DutyShift
    second: DutyShift

    def involves(self, unit: str) -> bool:
        return unit in (self.first.unit, self.second.unit)


@dataclass(frozen=True)
class UnitCoverage:
    unit: str
    shifts: tuple[DutyShift, ...]
    gaps: tuple[Gap, ...]
    phone_problems: tuple[PhoneProblem, ...]
    overlaps: tuple[Overlap, ...]

    @property
    def submitted(self) -> bool:
        return bool(self.shifts)

    @property
    def covered(self) -> bool:
        return self.submitted and not self.gaps

    @property
    def ok(self) -> bool:
        return self.covered and not self.phone_problems and not self.overlaps


@dataclass(frozen=True)
class CoverageReport:
    first_day: date
    last_day: date
    units: tuple[UnitCoverage, ...]
    overlaps: tuple[Overlap, ...]  # each once, however many units it touches

    @property
    def ok(self) -> bool:
        return bool(self.units) and all(unit.ok for unit in self.units)

    def unit(self, name: str) -> UnitCoverage:
        return next(unit for unit in self.units if unit.unit == name)


def holiday_window(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """00:00 of the first day to 24:00 of the last."""
    return datetime.combine(first_day, time()), datetime.combine(
        last_day + timedelta(days=1), time()
    )


def check_roster(
    shifts: Iterable[DutyShift],
    first_day: date,
    last_day: date,
    *,
    units: Iterable[str] = (),
) -> CoverageReport:
    """Gaps per unit and post, phone problems, and people booked twice at once.

    `units` are those expected to submit (a unit with no shift is reported as
    not submitted); units that appear only in `shifts` are checked too, in the
    order they first appear.
    """
    shifts = list(shifts)
    start, end = holiday_window(first_day, last_day)
    by_unit: dict[str, list[DutyShift]] = {name: [] for name in units}
    for shift in shifts:
        by_unit.setdefault(shift.unit, []).append(shift)
    overlaps = tuple(find_overlaps(shifts))
    checked = []
    for unit, own in by_unit.items():
        gaps = [
            Gap(unit, post, gap_start, gap_end)
            for post in Post
            for gap_start, gap_end in coverage_gaps(
                ((shift.start, shift.end) for shift in own if shift.post is post), start, end
            )
        ]
        gaps.sort(key=lambda gap: (gap.start, list(Post).index(gap.post)))
        checked.append(
            UnitCoverage(
                unit=unit,
                shifts=tuple(sorted(own, key=lambda shift: (shift.start, shift.post.label))),
                gaps=tuple(gaps) if own else (),
                phone_problems=tuple(phone_problems(own)),
                overlaps=tuple(overlap for overlap in overlaps if overlap.involves(unit)),
            )
        )
    return CoverageReport(first_day, last_day, tuple(checked), overlaps)


def phone_problems(shifts: Iterable[DutyShift]) -> list[PhoneProblem]:
    """Each person-and-phone with a problem once, with every line it is written on."""
    found: dict[tuple[str, str, str], tuple[str, list[int]]] = {}
    for shift in shifts:
        reason = phone_problem(shift.phone)
        if reason is not None:
            key = (shift.unit, shift.name, shift.phone)
            found.setdefault(key, (reason, []))[1].append(shift.line)
    return [
        PhoneProblem(unit, name, phone, reason, tuple(sorted(set(lines))))
        for (unit, name, phone), (reason, lines) in found.items()
    ]


def find_overlaps(shifts: Iterable[DutyShift]) -> list[Overlap]:
    """Pairs of shifts held by one person (see `person_keys`) that share a minute."""
    shifts = list(shifts)
    holders: dict[str, list[int]] = defaultdict(list)
    for index, shift in enumerate(shifts):
        for key in person_keys(shift.name, shift.phone):
            holders[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for indexes in holders.values():
        if len(indexes) < 2:
            continue
        indexes.sort(key=lambda index: shifts[index].start)
        active: list[int] = []
        for index in indexes:
            shift = shifts[index]
            active = [earlier for earlier in active if shifts[earlier].end > shift.start]
            pairs.update((min(earlier, index), max(earlier, index)) for earlier in active)
            active.append(index)
    found = [_ordered(shifts[a], shifts[b]) for a, b in pairs]
    found.sort(key=lambda overlap: (overlap.first.start, overlap.second.start, overlap.first.unit))
    return found


def _ordered(one: DutyShift, other: DutyShift) -> Overlap:
    key = lambda shift: (shift.start, shift.unit, shift.line)  # noqa: E731
    return Overlap(*sorted((one, other), key=key))
