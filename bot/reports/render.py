"""Turn summaries into Chinese text: one renderer serves chat, the CLI and digests."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.calendar.overrides import CalendarOverview
from bot.calendar.workcalendar import YearStatus
from bot.core.text import cut, table
from bot.core.timefmt import local_day_only, local_time, short_date
from bot.ledger.lights import days_overdue
from bot.reports.summary import Counts, LedgerSummary


def counts_line(counts: Counts) -> str:
    return (
        f"🔴 红灯 {counts.red} · 🟡 黄灯 {counts.yellow} · 🟢 绿灯 {counts.green}"
        f" · 已报完成 {counts.reported_done} · 已销号 {counts.verified}"
    )


def overdue_lines(summary: LedgerSummary, zone: ZoneInfo, limit: int | None = None) -> list[str]:
    """One line per overdue task, oldest first; then how many were left out."""
    shown = summary.overdue if limit is None else summary.overdue[:limit]
    lines = []
    for task in shown:
        late = days_overdue(task.deadline, summary.now, zone)
        unit = f"{task.unit_name}牵头，本单位配合" if task.cooperating else task.unit_name
        lines.append(f"• {task.code} {task.title} · {unit} · 逾期{late}天 · 进度{task.percent}%")
    left_out = summary.overdue_count - len(shown)
    if left_out > 0:
        lines.append(f"……另有 {left_out} 项逾期未列出")
    return lines


def silent_unit_lines(summary: LedgerSummary, zone: ZoneInfo) -> list[str]:
    return [
        f"• {unit.unit_name}（"
        + (
            f"最近一次 {short_date(unit.last_report_at, zone)}"
            if unit.last_report_at
            else "从未报送"
        )
        + "）"
        for unit in summary.silent_units
    ]


def summary_text(
    summary: LedgerSummary, zone: ZoneInfo, *, unit_limit: int = 15, list_limit: int = 15
) -> str:
    """The supervisors' `/status`: totals, units worst first, overdue tasks, silent units."""
    lines = [
        f"📊 督办事项总览（截至 {local_time(summary.now, zone)}）",
        f"共 {summary.totals.total} 项：{counts_line(summary.totals)}",
    ]
    if summary.units:
        lines += ["", "各单位（按红灯、黄灯由多到少）："]
        with_tasks = [unit for unit in summary.units if unit.counts.total]
        unit_lines = [
            f"{index}. {unit.unit_name}  🔴{unit.counts.red} 🟡{unit.counts.yellow}"
            f" 🟢{unit.counts.green} 报完成{unit.counts.reported_done} 销号{unit.counts.verified}"
            for index, unit in enumerate(with_tasks, start=1)
        ]
        lines += cut(unit_lines, unit_limit, "个单位")
    if summary.cooperating is not None and summary.cooperating.total:
        lines += ["", f"配合其他单位的事项 {summary.cooperating.total} 项："]
        lines.append(counts_line(summary.cooperating))
    return "\n".join(lines + attention_sections(summary, zone, list_limit))


def attention_sections(
    summary: LedgerSummary, zone: ZoneInfo, limit: int | None = None
) -> list[str]:
    """What needs chasing (overdue tasks, then silent units), for chat, terminal and digest."""
    lines: list[str] = []
    if summary.overdue_count:
        lines += ["", f"逾期事项（{summary.overdue_count} 项）："]
        lines += overdue_lines(summary, zone, limit)
    if summary.silent_units:
        lines += ["", f"超过 {summary.stale_days} 天未报进展的单位："]
        silent = silent_unit_lines(summary, zone)
        lines += silent if limit is None else cut(silent, limit, "个单位")
    return lines


def _count_cells(name: str, counts: Counts) -> list[object]:
    return [
        name,
        counts.red,
        counts.yellow,
        counts.green,
        counts.reported_done,
        counts.verified,
        counts.total,
    ]


def summary_table(summary: LedgerSummary, zone: ZoneInfo) -> str:
    """The CLI's `status`: the same summary as a terminal table."""
    header = ["单位", "红灯", "黄灯", "绿灯", "已报完成", "已销号", "合计"]
    rows = [_count_cells(unit.unit_name, unit.counts) for unit in summary.units]
    rows.append(_count_cells("合计", summary.totals))
    parts = [f"督办事项总览（截至 {local_time(summary.now, zone)}）", "", table(header, rows)]
    return "\n".join(parts + attention_sections(summary, zone))


YEAR_STATUS_TEXT = {
    YearStatus.OFFICIAL: "国务院已公布，已收录",
    YearStatus.CUSTOM: "未收录官方安排，按督查室登记的安排计算",
    YearStatus.ASSUMED: "未收录官方安排，也未登记，工作日暂按周一至周五计算",
}


def holiday_overview_text(overview: CalendarOverview) -> str:
    """`/holiday`: the coming holidays, make-up working days and supervisors' entries."""
    lines = ["📅 今后一年的节假日安排"]
    for year, status in overview.year_status.items():
        lines.append(f"{year}年：{YEAR_STATUS_TEXT[status]}")
    lines.append("")
    if overview.holidays:
        lines += [
            f"• {period.name} {local_day_only(period.first_day)} 至 "
            f"{local_day_only(period.last_day)}，共 {period.days} 天"
            for period in overview.holidays
        ]
    else:
        lines.append("（未来一年没有已知的节假日）")
    if overview.makeup_workdays:
        lines += ["", "调休上班：" + "、".join(local_day_only(d) for d in overview.makeup_workdays)]
    if overview.overrides:
        lines += ["", "督查室登记的安排（可用 /holiday remove 编号 撤销）："]
        lines += [
            f"{row.id}. {'调休上班' if row.is_workday else '放假'} {row.name} "
            f"{local_day_only(row.first_day)}"
            + (f" 至 {local_day_only(row.last_day)}" if row.last_day != row.first_day else "")
            for row in overview.overrides
        ]
    return "\n".join(lines)
