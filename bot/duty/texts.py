"""What the bot says on its own about duty, as Chinese text: prompts, alarms, roster chasing.

Plain values in, text out; the planner (`jobs.duty`) decides when and to whom.
"""

from __future__ import annotations

from datetime import date

from bot.calendar.workcalendar import HolidayPeriod
from bot.core.text import cut
from bot.duty.checks import OnDuty
from bot.duty.coverage import UnitCoverage
from bot.duty.report import day_text, gap_lines


def unreachable(who: OnDuty) -> str:
    """The log's note when nobody can be asked."""
    return f"{who.post.label}{who.name}未绑定，本单位也未绑定工作群"


def arrival_prompt(who: OnDuty, unit: str, when: str) -> str:
    """到岗确认: to the person on the roster, or (not bound) to their unit's group."""
    if who.in_group:
        return (
            f"🛡️ 值班提醒：{unit}{who.post.label} {who.name}（{when}）开始值班。"
            "其到岗后，请本单位人员按“到岗确认”或回复本消息。"
        )
    return f"🛡️ 值班提醒：您{when}在{unit}担任{who.post.label}，到岗后请按“到岗确认”。"


def spot_prompt(who: OnDuty, unit: str, minutes: int) -> str:
    """查岗: the 值班员 on duty is asked to answer within `minutes`."""
    if who.in_group:  # not bound: someone of the unit answers for them
        return (
            f"🔔 查岗：{unit}值班员 {who.name}。请在 {minutes} 分钟内按“在岗”或回复本消息"
            "（值班员未绑定账号，由本单位人员代为应答），逾时将告知带班领导。"
        )
    return (
        f"🔔 查岗：{unit}值班员 {who.name}，您好。请在 {minutes} 分钟内按“在岗”"
        "或回复本消息，逾时将告知带班领导。"
    )


def leader_alarm(officer: str, asked: str, minutes: int) -> str:
    """To the 带班领导 on duty: the 值班员 did not answer in time."""
    return f"⚠️ 查岗未应答：{officer} {asked} 查岗，{minutes} 分钟未应答。请带班领导核实值班情况。"


def office_alarm(officer: str, asked: str, minutes: int, leader: OnDuty | None) -> str:
    """To the supervisors: still no answer, and whether the 带班领导 was told."""
    if leader is None:
        told = "该时段值班表上没有带班领导"
    else:
        phone = f"（{leader.phone}）" if leader.phone else ""
        if leader.chat_id is None:
            reached = "未绑定，无法告知"
        elif leader.in_group:  # not bound: the unit's work group was told, naming them
            reached = "未绑定，已在本单位工作群告知"
        else:
            reached = "已告知"
        told = f"带班领导 {leader.name}{phone}{reached}"
    return f"⚠️ 查岗未应答：{officer} {asked} 查岗，{minutes} 分钟仍未应答；{told}。"


def roster_chase(unit: UnitCoverage, period: HolidayPeriod, deadline: date, today: date) -> str:
    """To a unit whose roster is missing, or has gaps, before the holiday."""
    if unit.submitted:
        details = [line for gap in unit.gaps for line in gap_lines(gap)]
        return "\n".join(
            [
                f"📅 {period.name}值班表还有空档，请补充后重新报送（/duty）：",
                *cut(details, 10, "处"),
            ]
        )
    due_words = (
        f"请于{day_text(deadline)}前报送"
        if today <= deadline
        else f"已过报送期限（{day_text(deadline)}），请尽快报送"
    )
    return (
        f"📅 {due_words}{period.name}值班表（{day_text(period.first_day)}至"
        f"{day_text(period.last_day)}，每天24小时都要有带班领导和值班员）。发送 /duty 查看格式。"
    )
