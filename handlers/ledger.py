"""/tasks, /task CODE, /overdue, /newtask, /verify, /return: the ledger in chat."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.accounts.binding import unit_chats
from bot.core.access import scope_of, visible_task
from bot.core.buttons import Choice, choice_buttons
from bot.core.messages import Message, Reply
from bot.ledger.cards import card_message, list_message, state_line
from bot.ledger.changes import Action, apply_action
from bot.ledger.entry import NEW_TASK_EXAMPLE, NEW_TASK_FORMAT, draft_text, read_new_task
from bot.ledger.queries import task_card, task_lines
from db.models import MessageKind, Task
from handlers.context import BOUND, Call, handler

NEW_TASK = "new_task"  # the confirmation button's action
CANCEL = "cancel"


def _yellow_until(call: Call):  # type: ignore[no-untyped-def]
    return call.runtime.yellow_until(call.session, call.now())


def _listing(call: Call, *, title: str, empty: str, overdue_only: bool = False) -> Reply:
    """The caller's tasks worst first (or only the overdue ones), as one message."""
    now = call.now()
    lines, total = task_lines(
        call.session,
        scope_of(call.caller),
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
    found = visible_task(call.session, call.caller, call.args[0])
    apply_action(call.session, found, Action.VERIFY, now=call.now(), actor=call.caller)
    return f"已销号：{state_line(found)}"


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
    told = [Message(f"已退回：{state_line(task)}（理由：{reason[:100]}）")]
    for chat in unit_chats(call.session, set(), [task.lead_unit_id]).get(task.lead_unit_id, []):
        if chat != call.chat_id:
            told.append(
                Message(
                    f"↩️ 督查室退回了 {task.code} {task.title}（理由：{reason[:200]}）。"
                    "请补充后再报完成；回复本消息即可报告进展。",
                    to_chat=chat,
                    about=(task.id,),
                )
            )
    return told


def register(app: Application) -> None:
    app.add_handler(CommandHandler("tasks", tasks))
    app.add_handler(CommandHandler("task", task))
    app.add_handler(CommandHandler("overdue", overdue))
    app.add_handler(CommandHandler("newtask", newtask))
    app.add_handler(CommandHandler("verify", verify))
    app.add_handler(CommandHandler("return", return_task))
