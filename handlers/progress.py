"""Progress in chat: a reply to a card or reminder, or a plain message that names a task.

A reply lands on the task its replied-to message is about (`bot.core.task_messages`,
looked up by `handlers.dispatch`); a merged reminder is about several, and then
the text's task code decides, or the person picks. A plain message in a private
chat names its task by code, else the person picks. In a group the bot only
reacts to replies to its own messages and to commands, never to other chatter.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.core.buttons import Choice, Pressed, choice_buttons
from bot.core.messages import IncomingFile, Message, Reply
from bot.ledger.cards import state_line
from bot.ledger.queries import open_tasks_of
from bot.progress.recording import record_reply, task_named_in
from db.models import MessageKind, ReportChannel, Task
from handlers.context import Call
from handlers.dispatch import add_button, add_reply_kind, set_plain_answer, task_of

CHOOSE = "choose_task"
PLAIN_HINT = "请回复某条事项卡片或提醒来报告进展，或在消息里写明事项编号（如 DB-0001）。"
# What a reply to these means: a progress report on the message's task(s).
REPORTED_ON = (MessageKind.CARD, MessageKind.REMINDER, MessageKind.DIGEST)


def _report(
    call: Call,
    task: Task,
    channel: ReportChannel,
    *,
    text: str | None = None,
    files: list[IncomingFile] | None = None,
) -> Message:
    evidence = call.files if files is None else files
    record_reply(
        call.session,
        task,
        actor=call.caller,
        text=call.text if text is None else text,
        evidence=evidence,
        now=call.now(),
        channel=channel,
    )
    attached = f"（附佐证材料 {len(evidence)} 份）" if evidence else ""
    return Message(f"已记录：{state_line(task)}{attached}", about=(task.id,))


def reported(call: Call, tasks: list[Task]) -> Reply:
    """A reply to a card or reminder; a merged reminder's: which task, unless the text says."""
    if len(tasks) > 1:
        named = task_named_in(call.session, call.caller, call.text)
        if named is None or named not in tasks:
            return _choose(call, tasks)
        tasks = [named]
    (task,) = tasks
    return _report(call, task, ReportChannel.REPLY)


def plain(call: Call) -> Reply:
    """A message that answers nothing: a code in it names the task; else ask, never guess."""
    if call.in_group:
        return None  # group chatter is not for the bot
    if not call.text.strip() and not call.files:
        return PLAIN_HINT
    named = task_named_in(call.session, call.caller, call.text)
    if named is not None:
        return _report(call, named, ReportChannel.REPLY)
    return _choose(call, open_tasks_of(call.session, call.caller))


def _choose(call: Call, tasks: list[Task]) -> Reply:
    """Offer the tasks this message might be about; the message waits in the buttons."""
    if not tasks:
        return "您范围内没有推进中的事项，这条消息未记录。" + PLAIN_HINT
    payload = {
        "text": call.text,
        "files": [[f.kind, f.file_id, f.file_name, f.file_size] for f in call.files],
    }
    choices = [
        Choice(CHOOSE, f"{task.code} {task.title[:20]}", {**payload, "task": task.id}, task)
        for task in tasks
    ]
    buttons = choice_buttons(call.session, owner=call.caller, choices=choices, now=call.now())
    return Message("这条消息是报告哪项事项的进展？请选择：", buttons=tuple((b,) for b in buttons))


def chosen(call: Call, button: Pressed) -> Reply:
    """The task picked for a waiting message: the message is recorded on it now."""
    assert button.payload is not None
    files = [IncomingFile(*file) for file in button.payload["files"]]
    return _report(
        call, task_of(button), ReportChannel.REPLY, text=button.payload["text"], files=files
    )


def register(app: Application) -> None:
    for kind in REPORTED_ON:
        add_reply_kind(kind, reported)
    add_button(CHOOSE, chosen, one_time=True)
    set_plain_answer(plain)
