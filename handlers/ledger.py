"""The ledger in chat: /tasks, /task CODE, /overdue, /newtask, /verify, /return, a card's
buttons (报告进展, 已完成, 申请延期, 销号, 退回, 变更记录, 佐证材料), and the replies a
ledger prompt asks for (a new task line, a reason for returning). Extension
requests and their decisions are `handlers.extensions`."""

from __future__ import annotations

from datetime import datetime

from telegram.ext import Application, CommandHandler

from bot.core.access import TaskAction, no_scope_text, require, scope_of, visible_task
from bot.core.buttons import CANCEL, Choice, Pressed, choice_buttons
from bot.core.messages import Message, Reply
from bot.ledger.cards import (
    DONE,
    EVIDENCE,
    EXTEND,
    HISTORY,
    PROGRESS,
    RETURN,
    VERIFY,
    card_message,
    evidence_message,
    list_message,
    state_line,
)
from bot.ledger.entry import (
    NEW_TASK_EXAMPLE,
    NEW_TASK_FORMAT,
    create_from_draft,
    draft_text,
    read_new_task,
)
from bot.ledger.extensions import check_extension_allowed
from bot.ledger.queries import card_of, task_card, task_lines
from bot.ledger.states import Action, apply_action
from bot.office.decisions import returned_notices, verified_notices
from bot.progress.confirming import done_question
from db.models import MessageKind, Task
from handlers.context import BOUND, Call, handler
from handlers.dispatch import add_button, add_reply_kind, task_of

NEW_TASK = "new_task"  # the confirmation button's action


def _yellow_until(call: Call) -> datetime:
    return call.runtime.yellow_until(call.session, call.now())


def _card(call: Call, task: Task, *, history: bool = False) -> Message:
    now = call.now()
    card = card_of(
        call.session,
        task,
        now=now,
        yellow_until=call.runtime.yellow_until(call.session, now),
        with_history=history,
    )
    return card_message(call.session, card, call.caller, now=now, zone=call.runtime.zone)


def _listing(call: Call, *, title: str, empty: str, overdue_only: bool = False) -> Reply:
    """The caller's tasks worst first (or only the overdue ones), as one message."""
    now = call.now()
    scope = scope_of(call.caller)
    if scope.sees_nothing:
        return no_scope_text()
    lines, total = task_lines(
        call.session,
        scope,
        now=now,
        yellow_until=_yellow_until(call),
        overdue_only=overdue_only,
    )
    return list_message(lines, total, title=title, now=now, zone=call.runtime.zone, empty=empty)


@handler(BOUND, reads=True)
def tasks(call: Call) -> Reply:
    return _listing(call, title="您范围内的督办事项", empty="您范围内暂无推进中的督办事项。")


@handler(BOUND, reads=True)
def overdue(call: Call) -> Reply:
    return _listing(call, title="逾期事项", empty="没有逾期事项。", overdue_only=True)


@handler(BOUND, reads=True)
def task(call: Call) -> Reply:
    if not call.args:
        return "用法：/task 编号，例如 /task DB-0001。发送 /tasks 查看您的事项。"
    card = task_card(
        call.session,
        call.caller,
        call.args[0],
        now=call.now(),
        yellow_until=_yellow_until(call),
    )
    return card_message(call.session, card, call.caller, now=call.now(), zone=call.runtime.zone)


@handler(BOUND)
def newtask(call: Call) -> Reply:
    line = call.text.partition(" ")[2].strip() if " " in call.text else ""
    if not line:
        return Message(
            f"请回复本消息，按“{NEW_TASK_FORMAT}”写一行（包联领导可不写），例如：\n"
            f"{NEW_TASK_EXAMPLE.removeprefix('/newtask ')}",
            reply_kind=MessageKind.NEW_TASK,
        )
    return new_task_draft(call, line)


def new_task_draft(call: Call, line: str) -> Message:
    """Echo the draft with 确认 · 取消; nothing is saved until 确认."""
    draft = read_new_task(
        call.session,
        actor=call.caller,
        line=line,
        now=call.now(),
        zone=call.runtime.zone,
        calendar=call.runtime.calendar(call.session),
        end_of_day=call.runtime.settings.end_of_day,
    )
    confirm, cancel = choice_buttons(
        call.session,
        owner=call.caller,
        choices=[Choice(NEW_TASK, "确认", draft.payload()), Choice(CANCEL, "取消")],
        now=call.now(),
    )
    return Message(draft_text(draft), buttons=((confirm, cancel),))


@handler(BOUND)
def verify(call: Call) -> Reply:
    if not call.args:
        return "用法：/verify 编号，例如 /verify DB-0001"
    return verified(call, visible_task(call.session, call.caller, call.args[0]))


def verified(call: Call, task: Task) -> list[Message]:
    """销号, and the lead unit and the leader told."""
    apply_action(call.session, task, Action.VERIFY, now=call.now(), actor=call.caller)
    told = verified_notices(call.session, task, call.caller, skip=call.chat_id)
    return [Message(f"已销号：{state_line(task)}"), *told]


@handler(BOUND)
def return_task(call: Call) -> Reply:
    if len(call.args) < 2:
        return "用法：/return 编号 理由，例如 /return DB-0001 佐证材料不全"
    found = visible_task(call.session, call.caller, call.args[0])
    return returned(call, found, " ".join(call.args[1:]))


def returned(call: Call, task: Task, reason: str) -> list[Message]:
    """Return a reported-done task, and tell its lead unit why (a reply reports on it)."""
    apply_action(
        call.session, task, Action.RETURN, now=call.now(), actor=call.caller, reason=reason
    )
    told = returned_notices(call.session, task, call.caller, reason, skip=call.chat_id)
    return [Message(f"已退回：{state_line(task)}（理由：{reason[:100]}）"), *told]


# --- a card's buttons -------------------------------------------------------------


def _progress(call: Call, button: Pressed) -> Reply:
    task = task_of(button)
    require(call.caller, TaskAction.REPORT_PROGRESS, task)
    return Message(
        f"请回复本消息，写 {task.code} 的进展（如：完成60%，已完成选址；可附照片）。",
        about=(task.id,),
    )


def _done(call: Call, button: Pressed) -> Reply:
    """已完成 is asked before it is reported (the answer's buttons: `handlers.progress`)."""
    return done_question(call.session, task_of(button), actor=call.caller, now=call.now())


def _extend(call: Call, button: Pressed) -> Reply:
    task = task_of(button)
    check_extension_allowed(call.session, task, actor=call.caller)
    return Message(
        f"请回复本消息，写 {task.code} 新的截止时间和理由，例如：6月30日前，设备到货推迟",
        about=(task.id,),
        reply_kind=MessageKind.EXTENSION,
    )


def _verify(call: Call, button: Pressed) -> Reply:
    return verified(call, task_of(button))


def _return(call: Call, button: Pressed) -> Reply:
    task = task_of(button)
    require(call.caller, TaskAction.RETURN, task)
    return Message(
        f"请回复本消息，写明退回 {task.code} 的理由（如：佐证材料不全）。",
        about=(task.id,),
        reply_kind=MessageKind.RETURN,
    )


def _history(call: Call, button: Pressed) -> Reply:
    return _card(call, task_of(button), history=True)


def _evidence(call: Call, button: Pressed) -> Reply:
    return evidence_message(call.session, task_of(button))


def _confirm_new_task(call: Call, button: Pressed) -> Reply:
    assert button.payload is not None
    created = create_from_draft(
        call.session, actor=call.caller, payload=button.payload, now=call.now()
    )
    call.session.flush()
    return [Message(f"已新建：{created.code}"), _card(call, created)]


# --- replies to the ledger's prompts --------------------------------------------------


def _new_task_line(call: Call, tasks: list[Task]) -> Reply:
    return new_task_draft(call, call.text)


def _return_reason(call: Call, tasks: list[Task]) -> Reply:
    (task,) = tasks  # the prompt is about one task
    return returned(call, task, call.text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("tasks", tasks))
    app.add_handler(CommandHandler("task", task))
    app.add_handler(CommandHandler("overdue", overdue))
    app.add_handler(CommandHandler("newtask", newtask))
    app.add_handler(CommandHandler("verify", verify))
    app.add_handler(CommandHandler("return", return_task))
    # A card's buttons are one row per task and action, reused by every card: never spent.
    add_button(PROGRESS, _progress)
    add_button(DONE, _done)
    add_button(EXTEND, _extend)
    add_button(VERIFY, _verify)
    add_button(RETURN, _return)
    add_button(HISTORY, _history)
    add_button(EVIDENCE, _evidence)
    add_button(NEW_TASK, _confirm_new_task, one_time=True)
    add_reply_kind(MessageKind.NEW_TASK, _new_task_line, about_tasks=False)
    add_reply_kind(MessageKind.RETURN, _return_reason)
