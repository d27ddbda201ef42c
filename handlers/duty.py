"""/duty: holiday duty rosters — submit by pasting lines or a file, see a unit's roster and
gaps, the overview; and the answers to 到岗确认 and 查岗 (a button, a reply, a typed 在岗)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import select
from telegram import Message as TelegramMessage
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.calendar.workcalendar import HolidayPeriod
from bot.core.access import (
    GROUP_NOT_BOUND,
    OfficeAction,
    Refusal,
    current_place,
    duty_phones_visible,
    require_office,
    require_unit,
)
from bot.core.buttons import CANCEL, Choice, Pressed, choice_buttons
from bot.core.messages import Document, IncomingFile, Message, Reply
from bot.core.text import cut
from bot.core.timefmt import local_day_only
from bot.duty import (
    TEMPLATE_PATH,
    DutyShift,
    Post,
    RosterFileError,
    RosterReading,
    check_roster,
    parse_pasted_roster,
    read_roster_xlsx,
    roster_echo,
    unit_lines,
)
from bot.duty import checks as duty_checks
from bot.duty.checks import ANSWER_DUTY, PRESENCE, check_by_id, check_of_message, waiting_check
from bot.duty.report import unit_heading
from bot.duty.storage import collected_period, coverage, import_rosters, save_roster
from db.models import ChatBinding, DutyCheck, Role, Unit
from handlers.context import BOUND, Call, handler
from handlers.dispatch import (
    NOT_MINE,
    NotMine,
    add_button,
    add_plain_interceptor,
    add_reply_interceptor,
)

SAVE_ROSTER = "save_roster"
USAGE = (
    "报送值班表：发送 /duty 后换行，每行一个班次，例如\n"
    "/duty\n10月1日 08:00-20:00 带班领导 张三 13800000000\n"
    "10月1日 20:00-次日08:00 值班员 李四 13900000000\n"
    "也可发送填好的值班表模板（.xlsx，文件名含“值班”；/duty 模板 获取空白模板）。\n"
    "查看：/duty（本单位或全县概况）、/duty 单位名称"
)
TEMPLATE_WORD = "模板"
LOG_WORD = "查岗"


class _NamedRoster(filters.MessageFilter):
    """A document whose name or caption says it is a duty roster."""

    def filter(self, message: TelegramMessage) -> bool:
        name = message.document.file_name if message.document else ""
        return "值班" in (name or "") or "值班" in (message.caption or "")


ROSTER_DOCUMENT = (
    filters.Document.FileExtension("xlsx")
    & (_NamedRoster() | filters.CaptionRegex(r"^/duty"))
    & ~filters.REPLY  # a file replying to a task's card is evidence for that task
)


def _span(period: HolidayPeriod) -> str:
    return (
        f"{period.name}（{local_day_only(period.first_day)} 至 {local_day_only(period.last_day)}）"
    )


def _period(call: Call) -> HolidayPeriod:
    today = call.now().astimezone(call.runtime.zone).date()
    period = collected_period(call.runtime.calendar(call.session), today)
    if period is None:
        raise Refusal("近期没有需要报送值班表的节假日。")
    return period


@handler(BOUND)
def duty(call: Call) -> Reply:
    head, _, pasted = call.text.partition("\n")
    target = head.partition(" ")[2].strip()
    if target == TEMPLATE_WORD and not pasted.strip():
        return Message(
            "值班表模板：填好后直接发回本对话即可报送（单位列可不填）。",
            document=Document("值班表模板.xlsx", TEMPLATE_PATH.read_bytes()),
        )
    if target == LOG_WORD and not pasted.strip():
        return _today_log(call)
    period = _period(call)
    span = _span(period)
    if pasted.strip():
        return _submission(call, period, span, pasted)
    person = call.caller
    if target or person.role == Role.MEMBER or current_place().group:
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
    require_office(person, OfficeAction.DUTY_LOG)  # the county's rosters: a private chat only
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


def _today_log(call: Call) -> Reply:
    """/duty 查岗: today's 到岗确认 and 查岗 so far, for the office."""
    require_office(call.caller, OfficeAction.DUTY_LOG)
    zone, now = call.runtime.zone, call.now()
    today = now.astimezone(zone).date()
    window = timedelta(minutes=call.runtime.settings.duty_answer_minutes)
    lines = duty_checks.day_log(call.session, today, zone=zone, window=window, now=now)
    heading = f"今日值班记录（{local_day_only(today)}，截至 {now.astimezone(zone):%H:%M}）"
    return "\n".join([heading, *lines])


def _masked(call: Call, unit: Unit, shifts: Sequence[DutyShift]) -> bool:
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
        group_unit = current_place().unit_id
        if group_unit is not None:  # in a work group: that unit's, whoever asks
            return call.session.get_one(Unit, group_unit)
        if current_place().group:
            raise Refusal(GROUP_NOT_BOUND)
        if call.caller.unit is None:
            raise Refusal("您的账号还没有关联责任单位，请联系县督查室。")
        return call.caller.unit
    unit = call.session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        raise Refusal(f"没有名为“{name[:30]}”的单位。发送 /units 查看单位名称。")
    return unit


def _submission(call: Call, period: HolidayPeriod, span: str, pasted: str) -> Reply:
    unit = _unit(call, "")
    require_unit(call.caller, unit.id, "报送本单位值班表")
    return _offer(call, unit, span, parse_pasted_roster(pasted, unit=unit.name, period=period))


def _problems(reading: RosterReading) -> str:
    errors = cut([str(error) for error in reading.errors], 50, "处")
    return "\n".join([f"值班表有 {len(reading.errors)} 处问题，未保存：", *errors])


def _offer(call: Call, unit: Unit, span: str, reading: RosterReading) -> Reply:
    """Echo a unit's roster per day and post, to be saved by 确认报送."""
    if not reading.ok:
        return _problems(reading)
    payload = {
        "unit": unit.id,
        "shifts": [
            [s.start.isoformat(), s.end.isoformat(), s.post.value, s.name, s.phone, s.line]
            for s in reading.shifts
        ],
    }
    echo = roster_echo(reading.shifts, mask_phones=_masked(call, unit, reading.shifts))
    text = f"请核对{span}值班表，无误后按“确认报送”：\n{echo}"
    return _confirmation(call, text, payload, "确认报送")


def _confirmation(call: Call, text: str, payload: dict[str, Any], label: str) -> Message:
    confirm, cancel = choice_buttons(
        call.session,
        owner=call.caller,
        choices=[Choice(SAVE_ROSTER, label, payload), Choice(CANCEL, "取消")],
        now=call.now(),
    )
    return Message(text, buttons=((confirm, cancel),))


def _is_roster_file(file: IncomingFile) -> bool:
    return file.kind == "document"


@handler(BOUND, fetch=_is_roster_file)
def roster_file(call: Call) -> Reply:
    """A roster sent as the xlsx template: a unit's own, or (from the office) a county's."""
    (document,) = [file for file in call.files if file.kind == "document"]
    if document.content is None:
        raise Refusal("文件太大（超过 10 MB）或没能下载，请稍后重新发送。")
    period = _period(call)
    span = _span(period)
    county = call.caller.role == Role.SUPERVISOR
    if county:
        require_office(call.caller, OfficeAction.IMPORT_ROSTERS)
        unit = None
    else:
        unit = _unit(call, "")
        require_unit(call.caller, unit.id, "报送本单位值班表")
    name = Path(document.file_name or "值班表.xlsx").name
    with TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(document.content)
        try:
            reading = read_roster_xlsx(
                path,
                period=period,
                unit=unit.name if unit is not None else None,
                today=call.now().astimezone(call.runtime.zone).date(),
            )
        except RosterFileError as error:
            raise Refusal(str(error)) from error
    if unit is not None:
        return _offer(call, unit, span, reading)
    if not reading.ok:
        return _problems(reading)
    return _offer_county(call, period, span, reading)


def _offer_county(call: Call, period: HolidayPeriod, span: str, reading: RosterReading) -> Reply:
    names = sorted({shift.unit for shift in reading.shifts})
    known = set(call.session.scalars(select(Unit.name).where(Unit.name.in_(names))))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise Refusal(
            f"表中有 {len(unknown)} 个单位不在单位名单里：{'、'.join(unknown[:10])}"
            f"{' 等' if len(unknown) > 10 else ''}。请核对单位名称（/units），未保存。"
        )
    report = check_roster(reading.shifts, period.first_day, period.last_day, units=names)
    payload = {
        "shifts": [
            [s.unit, s.start.isoformat(), s.end.isoformat(), s.post.value, s.name, s.phone, s.line]
            for s in reading.shifts
        ]
    }
    lines = [
        f"请核对全县{span}值班表：{len(names)} 个单位，{len(reading.shifts)} 个班次。"
        "按“确认导入”后每个单位存为新的一版：",
        *cut([unit_heading(unit) for unit in report.units], 40, "个单位"),
    ]
    return _confirmation(call, "\n".join(lines), payload, "确认导入")


def _confirm_roster(call: Call, button: Pressed) -> Reply:
    """确认报送 / 确认导入: save the new version(s) and say what the 24-hour check finds."""
    payload = button.payload
    assert payload is not None
    period = _period(call)
    zone = call.runtime.zone
    if "unit" not in payload:  # a county's file
        require_office(call.caller, OfficeAction.IMPORT_ROSTERS)
        shifts = [
            DutyShift(u, datetime.fromisoformat(a), datetime.fromisoformat(b), Post(p), n, t, i)
            for u, a, b, p, n, t, i in payload["shifts"]
        ]
        saved = import_rosters(
            call.session, period=period, shifts=shifts, actor=call.caller, now=call.now(), zone=zone
        )
        report = coverage(call.session, period, zone=zone, unit_ids=[r.unit_id for r in saved])
        fine = sum(unit.ok for unit in report.units)
        return "\n".join(
            [
                f"已导入{len(saved)} 个单位的值班表（{len(shifts)} 个班次），"
                f"{fine} 个符合要求，{len(saved) - fine} 个有问题：",
                *cut([unit_heading(unit) for unit in report.units if not unit.ok], 40, "个单位"),
            ]
        )
    unit = call.session.get(Unit, payload["unit"])
    if unit is None:
        raise Refusal("这个单位已不存在。")
    require_unit(call.caller, unit.id, "报送本单位值班表")
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
        zone=zone,
    )
    report = coverage(call.session, period, zone=zone, unit_ids=[unit.id])
    (checked,) = report.units
    saved_line = f"已保存{unit.name}值班表（第 {roster.version} 版，{len(shifts)} 个班次）。"
    return "\n".join([saved_line, *unit_lines(checked, mask_phones=_masked(call, unit, shifts))])


def answer_duty(call: Call, check: DutyCheck) -> Reply:
    """到岗确认 or 查岗 answered, by its button or by a reply to the prompt."""
    return duty_checks.answer(
        call.session, check, actor=call.caller, now=call.now(), zone=call.runtime.zone
    )


def _pressed_answer(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    return answer_duty(call, check_by_id(call.session, button.payload["check"]))


def _reply_to_prompt(call: Call) -> Reply | NotMine:
    """A reply to 到岗确认 or 查岗 answers it, whatever it says."""
    assert call.reply_to_message_id is not None
    check = check_of_message(
        call.session, chat_id=call.chat_id, message_id=call.reply_to_message_id
    )
    return NOT_MINE if check is None else answer_duty(call, check)


def _typed_presence(call: Call) -> Reply | NotMine:
    """在岗 typed rather than pressed, or in reply to a message the bot does not know (a
    second copy of a prompt, from a send that timed out after Telegram took it), answers
    the chat's waiting prompt."""
    if not PRESENCE.match(call.text) or call.files:
        return NOT_MINE
    waiting = waiting_check(call.session, chat_id=call.chat_id, now=call.now())
    return NOT_MINE if waiting is None else answer_duty(call, waiting)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("duty", duty))
    # The xlsx template, named or captioned as a roster (值班表.xlsx, or 值班 / /duty in the
    # caption); any other file goes on to the replies as evidence.
    app.add_handler(MessageHandler(ROSTER_DOCUMENT, roster_file))
    add_button(SAVE_ROSTER, _confirm_roster, one_time=True)
    add_button(ANSWER_DUTY, _pressed_answer, one_time=True)
    add_reply_interceptor(_reply_to_prompt)
    add_plain_interceptor(_typed_presence)
