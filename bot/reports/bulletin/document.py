"""The weekly 督查通报's content: its sections, in order, and their wording.

Everything shown comes from plain values (a `LedgerSummary`, last week's, the
tasks verified this week); this module reads no database. How it looks is
`bot.reports.bulletin.layout`; the Word mechanics are `bot.reports.bulletin.word`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from bot.ledger.lights import LIGHT_LABELS, Light, days_overdue
from bot.reports.bulletin.figures import (
    Change,
    UnitRow,
    VerifiedTask,
    outcome_order,
    overall_changes,
    ranked_units,
)
from bot.reports.bulletin.layout import BulletinPage
from bot.reports.bulletin.period import IsoWeek
from bot.reports.bulletin.word import shade
from bot.reports.charts import UNIT_LIMIT, render_chart
from bot.reports.summary import LedgerSummary

LIGHT_FILL = {Light.RED: "F4B6B0", Light.YELLOW: "FFE699", Light.GREEN: "C6E0B4"}

# (header, width in mm); each table's widths add up to the text's 156 mm.
CHANGE_COLUMNS = (("指标", 52), ("本周", 34), ("上周", 34), ("增减", 36))
UNIT_COLUMNS = (
    ("序号", 10),
    ("责任单位", 32),
    ("事项数", 13),
    ("按期推进", 17),
    ("逾期", 12),
    ("已报完成", 17),
    ("已销号", 13),
    ("逾期率", 15),
    ("销号率", 15),
    ("亮灯", 12),
)
OVERDUE_COLUMNS = (
    ("序号", 10),
    ("编号", 24),
    ("督办事项", 44),
    ("牵头单位", 26),
    ("包联领导", 18),
    ("截止时间", 22),
    ("逾期天数", 12),
)
VERIFIED_COLUMNS = (
    ("序号", 10),
    ("编号", 24),
    ("督办事项", 53),
    ("牵头单位", 29),
    ("包联领导", 18),
    ("销号日期", 22),
)


def bulletin_title(county_name: str, year: int, issue_number: int) -> str:
    return f"{county_name}重点工作督查通报（{year}年第{issue_number}期）"


def bulletin_chart(summary: LedgerSummary, *, zone: ZoneInfo) -> bytes:
    """The chart in the units' table order, so picture and table rank alike."""
    ranked = replace(summary, units=outcome_order(summary.units))
    return render_chart(ranked, zone=zone, order_note="按逾期事项占比由高到低排列。")


def write_bulletin(
    target: str | Path | IO[bytes],
    *,
    summary: LedgerSummary,
    last_week: LedgerSummary | None,
    issue_number: int,
    week: IsoWeek | tuple[int, int],
    verified_this_week: Sequence[VerifiedTask],
    zone: ZoneInfo,
    chart_png: bytes | None = None,
    county_name: str = "XX县",
    office: str | None = None,
    issued_on: date | None = None,
) -> None:
    """Write the week's 督查通报 (.docx) to a path or a binary stream.

    `summary` is this week's (its overdue list as long as the bulletin should
    list), `last_week` the one to compare with (None: the first issue),
    `chart_png` the picture to embed (`bulletin_chart(summary)` when not given).
    """
    week = IsoWeek(*week)
    issued_on = issued_on or summary.now.astimezone(zone).date()
    office = office or f"{county_name}人民政府督查室"
    # Issues are numbered per ISO year (bot.reports.snapshots): W01 may start in December.
    title = bulletin_title(county_name, week.year, issue_number)
    if chart_png is None:
        chart_png = bulletin_chart(summary, zone=zone)

    page = BulletinPage()
    page.masthead(
        f"{county_name}重点工作督查通报",
        f"（{week.year}年第{issue_number}期）",
        office,
        _cn_date(issued_on),
    )
    _describe(page, title, office, week, summary.now)
    _opening(page, week, summary.now.astimezone(zone))
    _overall_section(page, summary, last_week, issue_number)
    _units_section(page, summary, chart_png)
    _overdue_section(page, summary, zone)
    _silent_units_section(page, summary, zone)
    _verified_section(page, verified_this_week, zone)
    page.body(
        "请各责任单位对照本通报逐项对账销号：已完成的事项及时报完成并附佐证材料，"
        "确需延期的按程序申请延期。"
    )
    page.document.save(target)  # type: ignore[arg-type]


# --- sections, in the order they appear -----------------------------------------


def _describe(page: BulletinPage, title: str, office: str, week: IsoWeek, now: datetime) -> None:
    """The file's properties, as Word's 属性 dialog and a file manager show them."""
    properties = page.document.core_properties
    properties.title = title
    properties.author = office
    properties.subject = f"{week.year}年第{week.week}周"
    properties.created = now
    properties.modified = now
    properties.last_modified_by = office
    properties.revision = 1


def _opening(page: BulletinPage, week: IsoWeek, now_local: datetime) -> None:
    page.body(
        f"现将{week.year}年第{week.week}周（{_md(week.monday)}至{_md(week.sunday)}）"
        f"全县重点工作督办事项推进情况通报如下。数据截至{_cn_date(now_local.date())}"
        f"{now_local:%H:%M}。"
    )


def _overall_section(
    page: BulletinPage, summary: LedgerSummary, last_week: LedgerSummary | None, number: int
) -> None:
    page.heading("一、总体情况")
    page.body(_overall_text(summary, last_week, number))
    changes = overall_changes(summary.totals, last_week.totals if last_week else None)
    page.table(
        CHANGE_COLUMNS,
        [[c.label, str(c.this_week), _or_dash(c.last_week), _delta_text(c)] for c in changes],
        left_columns={0},
    )


def _units_section(page: BulletinPage, summary: LedgerSummary, chart_png: bytes) -> None:
    units = ranked_units(summary)
    page.heading("二、各单位推进情况")
    page.body(
        "各责任单位按结果排序：逾期事项占比由高到低，占比相同的按已销号占比由低到高"
        "（只比办理结果，不比在线时长、发言条数）。亮灯：有逾期事项为红，"
        "有临期事项为黄，其余为绿。"
    )
    page.picture(chart_png)
    shown = min(UNIT_LIMIT, len(units))
    caption = "图1  各单位督办事项进度" + (
        f"（逾期事项占比最高的{shown}个单位）" if len(units) > UNIT_LIMIT else ""
    )
    page.paragraph(caption, page.styles.figure_caption)
    page.paragraph(
        f"表1  各责任单位督办事项推进情况（共{len(units)}个单位）", page.styles.table_caption
    )
    if units:
        _unit_table(page, units)
    idle = len(summary.units) - len(units)
    if idle:
        page.note(f"另有{idle}个单位暂无牵头督办事项，未列入排序。")


def _unit_table(page: BulletinPage, units: Sequence[UnitRow]) -> None:
    rows = [
        [
            str(u.rank),
            u.unit_name,
            str(u.tasks),
            str(u.on_schedule),
            str(u.overdue),
            str(u.reported_done),
            str(u.verified),
            _percent(u.overdue_share),
            _percent(u.verified_share),
            LIGHT_LABELS[u.light],
        ]
        for u in units
    ]
    table = page.table(UNIT_COLUMNS, rows, left_columns={1})
    for tr, unit in zip(table._tbl.tr_lst[1:], units, strict=True):
        shade(tr.tc_lst[-1], LIGHT_FILL[unit.light])


def _overdue_section(page: BulletinPage, summary: LedgerSummary, zone: ZoneInfo) -> None:
    page.heading(f"三、逾期事项（{summary.overdue_count}项）")
    if not summary.overdue:
        page.body("本期无逾期事项。")
        return
    page.body(
        "以下事项已过截止时间仍未报完成，按逾期天数由多到少排列，"
        "请牵头单位和包联领导抓紧推进，并在督办系统中报送进展。"
    )
    today = summary.now.astimezone(zone).date()
    page.table(
        OVERDUE_COLUMNS,
        [
            [
                str(index),
                task.code,
                task.title,
                task.unit_name,
                task.leader_name or "—",
                _day_text(task.deadline.astimezone(zone).date(), today),
                str(days_overdue(task.deadline, summary.now, zone)),
            ]
            for index, task in enumerate(summary.overdue, start=1)
        ],
        left_columns={2, 3},
    )
    left_out = summary.overdue_count - len(summary.overdue)
    if left_out > 0:
        page.note(f"另有{left_out}项逾期事项未列出，详见督办台账。")


def _silent_units_section(page: BulletinPage, summary: LedgerSummary, zone: ZoneInfo) -> None:
    silent = summary.silent_units
    page.heading(f"四、超过{summary.stale_days}天未报送进展的单位（{len(silent)}个）")
    if not silent:
        page.body(f"各单位在{summary.stale_days}天内均报送了进展。")
        return
    page.body(
        "、".join(
            f"{unit.unit_name}（"
            + (
                f"最近一次报送{_md(unit.last_report_at.astimezone(zone).date())}"
                if unit.last_report_at
                else "从未报送"
            )
            + "）"
            for unit in silent
        )
        + "。"
    )


def _verified_section(
    page: BulletinPage, verified_this_week: Sequence[VerifiedTask], zone: ZoneInfo
) -> None:
    page.heading(f"五、本周销号事项（{len(verified_this_week)}项）")
    if not verified_this_week:
        page.body("本周无销号事项。")
        return
    page.table(
        VERIFIED_COLUMNS,
        [
            [
                str(index),
                task.code,
                task.title,
                task.unit_name,
                task.leader_name or "—",
                _md(task.verified_at.astimezone(zone).date()),
            ]
            for index, task in enumerate(verified_this_week, start=1)
        ],
        left_columns={2, 3},
    )


# --- text ---------------------------------------------------------------------


def _overall_text(
    summary: LedgerSummary, last_week: LedgerSummary | None, issue_number: int
) -> str:
    t = summary.totals
    text = (
        f"全县共有督办事项{t.total}项，其中推进中{t.open}项（红灯{t.red}项、黄灯{t.yellow}项、"
        f"绿灯{t.green}项），已报完成待销号{t.reported_done}项，已销号{t.verified}项。"
    )
    if last_week is None:
        first = "本期为首期，" if issue_number == 1 else ""
        return text + first + "暂无上周数据可比。"
    last = last_week.totals
    parts = [
        f"事项总数{_trend(t.total - last.total)}",
        f"红灯{_trend(t.red - last.red)}",
        f"已销号{_trend(t.verified - last.verified)}",
    ]
    return text + "与上周相比，" + "，".join(parts) + "。"


def _trend(delta: int) -> str:
    if delta > 0:
        return f"增加{delta}项"
    if delta < 0:
        return f"减少{-delta}项"
    return "持平"


def _delta_text(change: Change) -> str:
    delta = change.delta
    if delta is None:
        return "—"
    return "持平" if delta == 0 else f"{delta:+d}"


def _or_dash(value: int | None) -> str:
    return "—" if value is None else str(value)


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}%"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _day_text(day: date, today: date) -> str:
    return _md(day) if day.year == today.year else _cn_date(day)
