"""/duty: holiday duty rosters — submit by pasting lines, see a unit's roster and gaps, overview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from telegram.ext import Application, CommandHandler

from bot import duty_checks
from bot.access import Refusal, duty_phones_visible, require_unit
from bot.buttons import Choice, choice_buttons
from bot.duty import DutyShift, Post, parse_pasted_roster, roster_echo, unit_lines
from bot.duty.report import unit_heading
from bot.messages import Message, Reply
from bot.render import cut
from bot.rosters import collected_period, coverage, save_roster
from bot.timefmt import local_day_only
from db.models import ChatBinding, DutyCheck, Role, Unit
from handlers.context import BOUND, Call, handler

SAVE_ROSTER = "save_roster"
USAGE = (
    "报送值班表：发送 /duty 后换行，每行一个班次，例如\n"
    "/duty\n10月1日 08:00-20:00 带班领导 张三 13800000000\n"
    "10月1日 20:00-次日08:00 值班员 李四 13900000000\n"
    "查看：/duty（本单位或全县概况）、/duty 单位名称"
)


def _period(call: Call):  # type: ignore[no-untyped-def]
    today = call.now().astimezone(call.runtime.zone).date()
    period = collected_period(call.runtime.calendar(call.session), today)
    if period is None:
        raise Refusal("近期没有需要报送值班表的节假日。")
    return period


@handler(BOUND)
def duty(call: Call) -> Reply:
    head, _, pasted = call.text.partition("\n")
    target = head.partition(" ")[2].strip()
    period = _period(call)
    span = (
        f"{period.name}（{local_day_only(period.first_day)} 至 {local_day_only(period.last_day)}）"
    )
    if pasted.strip():
        return _submission(call, period, span, pasted)
    person = call.caller
    if target or person.role == Role.MEMBER:
        unit = _unit(call, target)
        require_unit(person, unit.id, "查看本单位值班表")
        report = coverage(call.session, period, zone=call.runtime.zone, unit_ids=[unit.id])
        (checked,) = report.units
        masked = _masked(call, unit, checked.shifts)
        lines = [f"{span}值班表", *unit_lines(checked, mask_phones=masked)]
        if checked.submitted:
            lines += ["", roster_echo(checked.shifts, mask_phones=masked)]
        else:
            lines += ["", USAGE]
        return "\n".join(lines)
    if person.role != Role.SUPERVISOR:
        raise Refusal("包联领导可向督查室了解值班安排。")
    report = coverage(call.session, period, zone=call.runtime.zone)
    missing = sum(not unit.submitted for unit in report.units)
    gaps = sum(unit.submitted and not unit.covered for unit in report.units)
    lines = [
        f"{span}值班表：共 {len(report.units)} 个单位，"
        f"全覆盖 {len(report.units) - missing - gaps} 个，有空档 {gaps} 个，未报 {missing} 个",
        *cut([unit_heading(unit) for unit in report.units if not unit.ok], 40, "个单位"),
        "",
        "查看某单位：/duty 单位名称",
    ]
    return "\n".join(lines)


def _masked(call: Call, unit: Unit, shifts: list[DutyShift]) -> bool:
    """Duty phones are personal data: masked wherever the access policy says so."""
    group_unit = None
    if call.in_group:
        group_unit = call.session.scalar(
            select(ChatBinding.unit_id).where(ChatBinding.chat_id == call.chat_id)
        )
    on_roster = any(shift.name == call.caller.name for shift in shifts)
    return not duty_phones_visible(
        call.caller, unit.id, group_unit_id=group_unit, in_group=call.in_group, on_roster=on_roster
    )


def _unit(call: Call, name: str) -> Unit:
    if not name:
        if call.caller.unit is None:
            raise Refusal("您的账号还没有关联责任单位，请联系县督查室。")
        return call.caller.unit
    unit = call.session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        raise Refusal(f"没有名为“{name[:30]}”的单位。发送 /units 查看单位名称。")
    return unit


def _submission(call: Call, period, span: str, pasted: str) -> Reply:  # type: ignore[no-untyped-def]
    unit = _unit(call, "")
    require_unit(call.caller, unit.id, "报送本单位值班表")
    reading = parse_pasted_roster(pasted, unit=unit.name, period=period)
    if not reading.ok:
        errors = cut([str(error) for error in reading.errors], 20, "处")
        return "\n".join([f"值班表有 {len(reading.errors)} 处问题，未保存：", *errors])
    payload = {
        "unit": unit.id,
        "shifts": [
            [s.start.isoformat(), s.end.isoformat(), s.post.value, s.name, s.phone, s.line]
            for s in reading.shifts
        ],
    }
    confirm, cancel = choice_buttons(
        call.session,
        owner=call.caller,
        choices=[Choice(SAVE_ROSTER, "确认报送", payload), Choice("cancel", "取消")],
        now=call.now(),
    )
    echo = roster_echo(reading.shifts, mask_phones=_masked(call, unit, reading.shifts))
    text = f"请核对{span}值班表，无误后按“确认报送”：\n{echo}"
    return Message(text, buttons=((confirm, cancel),))


def confirm_roster(call: Call, payload: dict) -> Reply:  # type: ignore[type-arg]
    """The 确认报送 press: save the new version and say what the 24-hour check finds."""
    unit = call.session.get(Unit, payload["unit"])
    if unit is None:
        raise Refusal("这个单位已不存在。")
    require_unit(call.caller, unit.id, "报送本单位值班表")
    period = _period(call)
    shifts = [
        DutyShift(unit.name, datetime.fromisoformat(a), datetime.fromisoformat(b), Post(p), n, t, i)
        for a, b, p, n, t, i in payload["shifts"]
    ]
    roster = save_roster(
        call.session,
        unit=unit,
        period=period,
        shifts=shifts,
        actor=call.caller,
        now=call.now(),
        zone=call.runtime.zone,
    )
    report = coverage(call.session, period, zone=call.runtime.zone, unit_ids=[unit.id])
    (checked,) = report.units
    saved = f"已保存{unit.name}值班表（第 {roster.version} 版，{len(shifts)} 个班次）。"
    return "\n".join([saved, *unit_lines(checked, mask_phones=_masked(call, unit, shifts))])


def answer_duty(call: Call, check: DutyCheck) -> Reply:
    """到岗确认 or 查岗 answered, by its button or by a reply to the prompt."""
    return duty_checks.answer(
        call.session, check, actor=call.caller, now=call.now(), zone=call.runtime.zone
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("duty", duty))
