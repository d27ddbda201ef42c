"""The office's loop in chat: 签收 (a button, or “收到” in reply to an announcement),
`/pending` (what waits on the office, with its buttons), and a 包联领导's reply to
a card or reminder kept as a 批示 and forwarded to the unit."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.core.access import OfficeAction, Relation, relation, require_office
from bot.core.buttons import Pressed
from bot.core.messages import Message, Reply
from bot.core.task_messages import tasks_of_message
from bot.office.instructions import forwarded, record_instruction
from bot.office.pending import pending_message, waiting
from bot.office.signoffs import SIGN, already_signed_text, is_acknowledgement, party_of, sign
from bot.progress.recording import record_reply, task_named_in
from db.models import MessageKind, Person, ReportChannel, Role, Task
from handlers.context import BOUND, Call, handler
from handlers.dispatch import (
    NOT_MINE,
    NotMine,
    add_button,
    add_reply_interceptor,
    add_reply_kind,
    task_of,
)

NAME_THE_TASK = "这条通知含多项事项，请在回复里写明编号（如 DB-0001），或回复对应事项的卡片。"
# What a leader's reply to is a 批示: the messages that show a task (not a prompt's).
SHOWING_TASKS = {
    MessageKind.CARD,
    MessageKind.REMINDER,
    MessageKind.DIGEST,
    MessageKind.ANNOUNCEMENT,
}


def _signed(call: Call, task: Task) -> str:
    party, new = sign(call.session, task, actor=call.caller, now=call.now())
    if not new:
        return already_signed_text(call.session, task, party, call.runtime.zone)
    return f"已签收：{task.code} {task.title}（{party.name}）"


def _sign(call: Call, button: Pressed) -> Reply:
    return Message(_signed(call, task_of(button)), about=(task_of(button).id,))


def _announcement_reply(call: Call, tasks: list[Task]) -> Reply:
    """“收到” signs for every task the notice names that the caller signs for; other words
    report on its task (a notice of several: the one the text names)."""
    if is_acknowledgement(call.text) and not call.files:
        mine = [t for t in tasks if relation(call.caller, t) != Relation.SUPERVISOR]
        if not mine:
            party_of(call.caller, tasks[0])  # says who signs
        return "\n".join(_signed(call, task) for task in mine)
    if len(tasks) > 1:
        named = task_named_in(call.session, call.caller, call.text)
        if named is None or named not in tasks:
            return NAME_THE_TASK
        tasks = [named]
    (task,) = tasks
    record_reply(
        call.session,
        task,
        actor=call.caller,
        text=call.text,
        evidence=call.files,
        now=call.now(),
        channel=ReportChannel.REPLY,
    )
    return Message(f"已记录：{task.code} {task.title} · {task.percent}%", about=(task.id,))


@handler(BOUND)
def pending(call: Call) -> Reply:
    require_office(call.caller, OfficeAction.PENDING)
    now, zone = call.now(), call.runtime.zone
    items = waiting(call.session, now=now, zone=zone)
    return pending_message(call.session, call.caller, items, now=now, zone=zone)


def instruction(call: Call) -> Reply | NotMine:
    """A 包联领导's reply to a message showing tasks they lead is a 批示 on it."""
    person = call.person
    if person is None or person.role != Role.LEADER or call.reply_to_message_id is None:
        return NOT_MINE
    if is_acknowledgement(call.text) or not call.text.strip():
        return NOT_MINE  # “收到” signs an announcement; a photo alone is no instruction
    about = tasks_of_message(
        call.session, chat_id=call.chat_id, message_id=call.reply_to_message_id
    )
    ids = [task_id for task_id, kind in about if task_id is not None and kind in SHOWING_TASKS]
    led = [
        task
        for task in (call.session.get(Task, task_id) for task_id in ids)
        if task is not None and relation(person, task) == Relation.LEAD_LEADER
    ]
    if not led:
        return NOT_MINE
    if len(led) > 1:
        named = task_named_in(call.session, person, call.text)
        if named is None or named not in led:
            return NAME_THE_TASK
        led = [named]
    (task,) = led
    return _instructed(call, person, task)


def _instructed(call: Call, leader: Person, task: Task) -> Reply:
    record_instruction(call.session, task, leader=leader, text=call.text, now=call.now())
    told = forwarded(call.session, task, leader=leader, text=call.text)
    unit = task.lead_unit.name
    where = f"已转给{unit}。" if told else f"{unit}尚无人绑定，批示已记在事项上，督查室可见。"
    return [
        Message(f"已记录您对 {task.code} {task.title} 的批示，{where}", about=(task.id,)),
        *told,
    ]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("pending", pending))
    add_button(SIGN, _sign)
    add_reply_kind(MessageKind.ANNOUNCEMENT, _announcement_reply)
    add_reply_interceptor(instruction)
