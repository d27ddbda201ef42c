"""Rosters and their check as Chinese text, the same for chat, the CLI and digests.

A gap that crosses midnight is shown once per day it touches (10月2日 20:00–24:00,
then 10月3日 00:00–08:00): each line is one day's hours, as rosters are laid out.
A shift that crosses midnight is one span, its end marked 次日 (20:00–次日08:00).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from bot.core.timefmt import local_day_only
from bot.duty.coverage import CoverageReport, Gap, Overlap, PhoneProblem, UnitCoverage
from bot.duty.phones import mask_phone
from bot.duty.roster import DutyShift, Post

DASH = "–"  # en dash between two times, as the spec writes 20:00–24:00


def day_text(day: date) -> str:
    return f"{day.month}月{day.day}日"


def clock_text(moment: datetime, day: date) -> str:
    """A time on `day`'s line: 24:00 for the midnight ending it, 次日 for later."""
    if moment.date() == day:
        return f"{moment:%H:%M}"
    if moment == datetime.combine(day + timedelta(days=1), time()):
        return "24:00"
    return f"次日{moment:%H:%M}"


def span_text(start: datetime, end: datetime) -> str:
    """08:00–20:00, 20:00–次日08:00, 00:00–24:00."""
    return f"{start:%H:%M}{DASH}{clock_text(end, start.date())}"


def gap_lines(gap: Gap) -> list[str]:
    """`10月2日 20:00–24:00 缺值班员`, one line per day the gap touches."""
    return [line for _, line in _gap_pieces(gap)]


def _gap_pieces(gap: Gap) -> list[tuple[datetime, str]]:
    """(where each day's piece starts, its line): a gap over three days is three lines."""
    pieces = []
    day = gap.start.date()
    while datetime.combine(day, time()) < gap.end:
        day_start = datetime.combine(day, time())
        piece_start = max(gap.start, day_start)
        piece_end = min(gap.end, day_start + timedelta(days=1))
        line = f"{day_text(day)} {span_text(piece_start, piece_end)} 缺{gap.post.label}"
        pieces.append((piece_start, line))
        day += timedelta(days=1)
    return pieces


def time_ordered_gap_lines(gaps: Iterable[Gap]) -> list[str]:
    """Every gap's lines in the order of the clock, however long each gap is (a
    leader missing for three days and a member missing on the second interleave)."""
    pieces = [
        (start, order, line) for order, gap in enumerate(gaps) for start, line in _gap_pieces(gap)
    ]
    return [line for _, _, line in sorted(pieces, key=lambda piece: piece[:2])]


def _lines(numbers: Iterable[int]) -> str:
    numbers = [number for number in numbers if number]
    return f"（第 {'、'.join(map(str, numbers))} 行）" if numbers else ""


def phone_line(problem: PhoneProblem) -> str:
    return f"电话：{problem.name}{_lines(problem.lines)}{problem.reason}"


def _shift_words(shift: DutyShift, unit: str) -> str:
    where = [] if shift.unit == unit else [shift.unit]
    if shift.line:
        where.append(f"第 {shift.line} 行")
    place = f"（{'，'.join(where)}）" if where else ""
    return f"{day_text(shift.day)} {span_text(shift.start, shift.end)} {shift.post.label}{place}"


def overlap_line(overlap: Overlap, unit: str, *, mask_phones: bool = False) -> str:
    """`重叠：张三 13800000000 10月1日 08:00–20:00 带班领导（第 3 行）与 …`"""
    person = overlap.first
    phone = mask_phone(person.phone) if mask_phones else person.phone
    return (
        f"重叠：{person.name} {phone} {_shift_words(overlap.first, unit)}"
        f"与 {_shift_words(overlap.second, unit)}时间重叠"
    )


def unit_heading(unit: UnitCoverage) -> str:
    if not unit.submitted:
        return f"{unit.unit}：未报值班表"
    parts = ["全覆盖"] if unit.covered else [f"空档 {sum(map(len, map(gap_lines, unit.gaps)))} 处"]
    if unit.phone_problems:
        parts.append(f"电话问题 {len(unit.phone_problems)} 个")
    if unit.overlaps:
        parts.append(f"重叠 {len(unit.overlaps)} 处")
    return f"{unit.unit}：{'；'.join(parts)}"


def unit_lines(unit: UnitCoverage, *, mask_phones: bool = False) -> list[str]:
    """The unit's heading, then each gap, phone problem and overlap indented."""
    details = time_ordered_gap_lines(unit.gaps)
    details += [phone_line(problem) for problem in unit.phone_problems]
    details += [
        overlap_line(overlap, unit.unit, mask_phones=mask_phones) for overlap in unit.overlaps
    ]
    return [unit_heading(unit), *(f"  {line}" for line in details)]


def report_text(report: CoverageReport, *, mask_phones: bool = False) -> str:
    """The whole check: a summary line, then every unit."""
    fine = sum(unit.ok for unit in report.units)
    heading = (
        f"值班表检查 {local_day_only(report.first_day)}00:00 至 "
        f"{local_day_only(report.last_day)}24:00：共 {len(report.units)} 个单位，"
        f"{fine} 个符合要求，{len(report.units) - fine} 个有问题"
    )
    lines = [heading]
    for unit in report.units:
        lines += unit_lines(unit, mask_phones=mask_phones)
    return "\n".join(lines)


def roster_echo(shifts: Iterable[DutyShift], *, mask_phones: bool = False) -> str:
    """What was understood, per unit, day and post, for the submitter to confirm.

    县委办（共 4 个班次）
    10月1日 带班领导：张三 08:00–20:00，李四 20:00–次日08:00
    10月1日 值班员：王五 00:00–24:00
    电话：张三 13800000000；李四 13900000000；王五 0571-87654321
    """
    by_unit: dict[str, list[DutyShift]] = {}
    for shift in shifts:
        by_unit.setdefault(shift.unit, []).append(shift)
    blocks = []
    for unit, own in by_unit.items():
        own.sort(key=lambda shift: (shift.day, list(Post).index(shift.post), shift.start))
        lines = [f"{unit}（共 {len(own)} 个班次）"]
        rows: dict[tuple[date, Post], list[str]] = {}
        for shift in own:
            rows.setdefault((shift.day, shift.post), []).append(
                f"{shift.name} {span_text(shift.start, shift.end)}"
            )
        lines += [
            f"{day_text(day)} {post.label}：{'，'.join(people)}"
            for (day, post), people in rows.items()
        ]
        phones = dict.fromkeys(
            (shift.name, mask_phone(shift.phone) if mask_phones else shift.phone) for shift in own
        )
        lines.append("电话：" + "；".join(f"{name} {phone or '未填'}" for name, phone in phones))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
