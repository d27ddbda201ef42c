"""Deadlines in chat: a unit's extension request (申请延期), the office's 批准 · 驳回 (a
驳回 asks the supervisor for the reason), and `/redate`, a supervisor moving a
deadline directly. Every decision is told to whom it concerns (`bot.office.decisions`),
and every supervisor's copy of a request is rewritten to show who decided."""

from __future__ import annotations

from sqlalchemy import select
from telegram.ext import Application, CommandHandler

from bot.accounts.binding import reachable_supervisors
from bot.core.access import Refusal, TaskAction, require, visible_task
from bot.core.buttons import Choice, Pressed, choice_buttons
from bot.core.messages import Button, Message, Reply
from bot.core.timefmt import local_time
from bot.ledger.changes import change_task
from bot.ledger.entry import read_extension
from bot.ledger.extensions import (
    DECIDE,
    decide_extension,
    refuse_if_decided,
    request_extension,
)
from bot.office.decisions import (
    decided_copies,
    decision_notices,
    redated_notices,
    request_copies,
)
from db.models import ExtensionRequest, ExtensionState, MessageKind, Person, Task
from handlers.context import BOUND, Call, handler
from handlers.dispatch import add_button, add_reply_kind, task_of

REDATE_USAGE = (
    "用法：/redate 编号 新截止 理由，例如：/redate DB-0001 6月30日 上级要求提前完成\n"
    "原截止时间保留在变更记录里，责任单位和包联领导会收到通知。"
)


def _request_extension(call: Call, tasks: list[Task]) -> Reply:
    """A reply to 申请延期's prompt: the request, and 批准 · 驳回 for each supervisor."""
    (task,) = tasks  # the prompt is about one task
    runtime = call.runtime
    proposed = read_extension(
        call.text,
        now=call.now(),
        zone=runtime.zone,
        calendar=runtime.calendar(call.session),
        end_of_day=runtime.settings.end_of_day,
    )
    request = request_extension(
        call.session,
        task,
        now=call.now(),
        actor=call.caller,
        proposed_deadline=proposed,
        reason=call.text,
        zone=runtime.zone,
    )
    call.session.flush()  # the decision buttons carry its id
    buttons: dict[int, tuple[tuple[Button, ...], ...]] = {}
    for supervisor in reachable_supervisors(call.session):
        decisions = [
            Choice(DECIDE, label, {"request": request.id, "approve": approve}, task)
            for approve, label in ((True, "批准"), (False, "驳回"))
        ]
        owned = choice_buttons(call.session, owner=supervisor, choices=decisions, now=call.now())
        buttons[supervisor.id] = (tuple(owned),)
    when = local_time(proposed, runtime.zone)
    copies = request_copies(call.session, request, call.caller, runtime.zone, buttons)
    mine = [c for c in copies if c.to_chat != call.chat_id]  # a supervisor asking sees it here
    return [Message(f"已提交延期申请：{task.code} 延至 {when}，等待督查室审批。"), *mine]


def _decide(call: Call, button: Pressed) -> Reply:
    """批准 decides at once; 驳回 first asks the supervisor for the reason."""
    task = task_of(button)
    assert button.payload is not None
    request = call.session.get(ExtensionRequest, button.payload["request"])
    if request is None:
        raise Refusal("这条延期申请已不存在。")
    if not button.payload["approve"]:
        require(call.caller, TaskAction.DECIDE_EXTENSION, task)
        if request.state != ExtensionState.PENDING:
            decide_extension(
                call.session, request, now=call.now(), actor=call.caller, approve=False
            )
        return Message(
            f"请回复本消息，写明驳回 {task.code} 延期申请的理由（将告知申请人和责任单位）。",
            about=(task.id,),
            reply_kind=MessageKind.DENIAL,
        )
    return _decided(call, request, approve=True, note="")


def _decided(call: Call, request: ExtensionRequest, *, approve: bool, note: str) -> Reply:
    decide_extension(
        call.session, request, now=call.now(), actor=call.caller, approve=approve, note=note
    )
    zone = call.runtime.zone
    task = request.task
    requester = (
        call.session.get(Person, request.requested_by_id) if request.requested_by_id else None
    )
    until = local_time(request.proposed_deadline, zone)
    if approve:
        answer = f"已批准：{task.code} {task.title} 截止时间延至 {until}。"
    else:
        answer = f"已驳回：{task.code} {task.title} 延至 {until} 的申请（理由：{note[:100]}）。"
    return [
        Message(answer),
        *decision_notices(call.session, request, requester, call.caller, zone, skip=call.chat_id),
        *decided_copies(call.session, request, requester, zone),
    ]


def _denial_reason(call: Call, tasks: list[Task]) -> Reply:
    """The reply to 驳回's prompt: the task's waiting request denied with this reason."""
    (task,) = tasks
    request = call.session.scalar(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task.id)
        .order_by(ExtensionRequest.state != ExtensionState.PENDING, ExtensionRequest.id.desc())
    )
    if request is None:
        raise Refusal(f"{task.code} 没有待审批的延期申请。")
    refuse_if_decided(call.session, request)  # decided by a colleague meanwhile
    if not call.text.strip():
        raise Refusal("请写明驳回的理由。")
    return _decided(call, request, approve=False, note=call.text.strip())


@handler(BOUND)
def redate(call: Call) -> Reply:
    """A supervisor moves a deadline directly: the old one kept in the history, the unit told."""
    if len(call.args) < 3:
        return REDATE_USAGE
    task = visible_task(call.session, call.caller, call.args[0])
    require(call.caller, TaskAction.EDIT, task)
    runtime = call.runtime
    new = read_extension(
        call.args[1],
        now=call.now(),
        zone=runtime.zone,
        calendar=runtime.calendar(call.session),
        end_of_day=runtime.settings.end_of_day,
    )
    reason = " ".join(call.args[2:])
    old = task.deadline
    if not change_task(
        call.session, task, now=call.now(), actor=call.caller, note=reason, deadline=new
    ):
        return f"{task.code} 的截止时间已经是 {local_time(new, runtime.zone)}，未作改动。"
    told = redated_notices(
        call.session, task, call.caller, old, reason, runtime.zone, skip=call.chat_id
    )
    was = local_time(old, runtime.zone) if old else "长期"
    return [
        Message(f"已调整：{task.code} 截止时间由 {was} 改为 {local_time(new, runtime.zone)}。"),
        *told,
    ]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("redate", redate))
    add_button(DECIDE, _decide, one_time=True)
    add_reply_kind(MessageKind.EXTENSION, _request_extension)
    add_reply_kind(MessageKind.DENIAL, _denial_reason)
