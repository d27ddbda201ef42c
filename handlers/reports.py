"""/status [单位|编号], /digest, /export, /bulletin: summaries in the caller's scope."""

from __future__ import annotations

import functools
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from telegram.ext import Application, CommandHandler

from bot.core.access import (
    OfficeAction,
    Refusal,
    Scope,
    current_place,
    no_scope_text,
    require_office,
    scope_of,
    visible_task,
)
from bot.core.messages import Deferred, Document, Message, Reply
from bot.core.timefmt import local_day
from bot.core.transaction import unit_of_work
from bot.duty.storage import duty_status_lines
from bot.excel import export_ledger
from bot.ledger.cards import card_message
from bot.ledger.queries import card_of
from bot.reports.bulletin.period import IsoWeek
from bot.reports.digest import build_digests
from bot.reports.render import summary_text
from bot.reports.summary import LedgerSummary
from bot.reports.weekly import bulletin_file
from bot.runtime import Runtime
from db.models import Unit
from handlers.context import BOUND, Call, handler


@handler(BOUND, reads=True)  # a card's first buttons are written by doing it again as a writer
def status(call: Call) -> Reply:
    scope = scope_of(call.caller)
    if scope.sees_nothing:
        return no_scope_text()
    target = " ".join(call.args).strip()
    if target:
        return _status_of(call, scope, target)
    summary = call.runtime.summary(call.session, scope=scope)
    text = Message(summary_text(summary, call.runtime.zone))
    if scope.unit_id is not None or not any(u.counts.total for u in summary.units):
        return text
    # 挂图作战: the picture with it, drawn once the transaction is over.
    return [text, Deferred(functools.partial(_chart, summary, call.runtime.zone))]


def _chart(summary: LedgerSummary, zone: ZoneInfo) -> Message:
    from bot.reports.charts import render_chart  # matplotlib: loaded when first needed

    return Message("", image=Document("督办进度.png", render_chart(summary, zone=zone)))


def _status_of(call: Call, scope: Scope, target: str) -> Reply:
    """One unit's summary (within the caller's scope), or one task's card."""
    unit = call.session.scalar(select(Unit).where(Unit.name == target))
    if unit is None:
        task = visible_task(call.session, call.caller, target)
        now = call.now()
        card = card_of(
            call.session, task, now=now, yellow_until=call.runtime.yellow_until(call.session, now)
        )
        return card_message(call.session, card, call.caller, now=now, zone=call.runtime.zone)
    if scope.county:
        narrowed = Scope(unit_id=unit.id)
    elif scope.unit_id == unit.id:
        narrowed = scope
    else:
        raise Refusal(f"没有找到“{target[:30]}”，或它不在您的范围内。")
    summary = call.runtime.summary(call.session, scope=narrowed)
    return summary_text(summary, call.runtime.zone)


@handler(BOUND, reads=True)
def digest(call: Call) -> Reply:
    runtime, session, person = call.runtime, call.session, call.caller
    now = call.now()
    since = now - timedelta(days=1)
    # In a group the group's unit's digest, whoever asks; privately, one's own.
    unit_id = scope_of(person).unit_id
    if current_place().group and unit_id is None:
        return no_scope_text()
    member = unit_id is not None
    digests = build_digests(
        session,
        summary=runtime.summary(session, now=now),
        yellow_until=runtime.yellow_until(session, now),
        changes_since=since,
        zone=runtime.zone,
        duty_lines=duty_status_lines(
            session,
            runtime.calendar(session),
            now.astimezone(runtime.zone).date(),
            zone=runtime.zone,
        ),
        units={unit_id} if unit_id is not None else (),
        people=() if member else {person.id},
    )
    if digests:  # a supervisor who also leads tasks is shown the county's digest
        return digests[0].text
    return f"今天（{local_day(now, runtime.zone)}）没有需要提醒您的红灯、黄灯事项。"


@handler(BOUND, reads=True)
def export(call: Call) -> Reply:
    scope = scope_of(call.caller)
    if scope.sees_nothing:
        return no_scope_text()
    now = call.now()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        count = export_ledger(
            call.session,
            path,
            now=now,
            zone=call.runtime.zone,
            yellow_until=call.runtime.yellow_until(call.session, now),
            scope=scope,
        )
        content = path.read_bytes()
    day = now.astimezone(call.runtime.zone).strftime("%Y%m%d")
    return Message(
        f"督办台账（{count} 项，截至 {local_day(now, call.runtime.zone)}）",
        document=Document(f"督办台账_{day}.xlsx", content),
    )


@handler(BOUND, reads=True)  # a preview: the issue number is shown, taken only when sent
def bulletin(call: Call) -> Reply:
    """A week's 督查通报 as a Word document (supervisors)."""
    require_office(call.caller, OfficeAction.BULLETIN)
    this_week = IsoWeek.of(call.now(), call.runtime.zone)
    week = this_week
    if call.args:
        try:
            week = IsoWeek.read("".join(call.args), call.now(), call.runtime.zone)
        except ValueError as error:
            raise Refusal(str(error)) from None
    if week > this_week:
        raise Refusal(f"{week} 还没有到，不能生成通报（本周是 {this_week}）。")
    return Deferred(functools.partial(_bulletin, call.runtime, week))


def _bulletin(runtime: Runtime, week: IsoWeek) -> Message:
    # Drawn once the update's unit of work is over, in a read-only one of its own.
    with unit_of_work(runtime.sessions, read_only=True) as session:
        name, content = bulletin_file(runtime, session, week)
    return Message(
        f"督查通报（预览）：{name.removesuffix('.docx')}", document=Document(name, content)
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", status))
    app.add_handler(CommandHandler("digest", digest))
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CommandHandler("bulletin", bulletin))
