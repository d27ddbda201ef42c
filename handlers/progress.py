"""Progress in chat: a reply to a card or reminder, or a plain message that names a task.

A reply lands on the task its replied-to message is about (`bot.core.task_messages`,
looked up by `handlers.dispatch`); a merged reminder is about several, and then
the text's task code decides, or the person picks. A message naming several codes
lands on each of them and says so. A plain message in a private chat names its
task by code, else the person picks. A reply to a message of the bot's that has no
record (sent just before a crash) lands by the one task code its quoted text names.
In a group the bot only reacts to replies to its own messages and to commands.

Not reports (docs/progress.md): thanks, "收到", "好的" or an emoji alone; they are
not recorded and bring up no picker (one short line in a private chat, nothing in a
group). 已完成 is asked to be confirmed and can be withdrawn; a
figure below 100% on a task reported done asks which is true (`bot.progress.confirming`).
"""

from __future__ import annotations

from telegram.ext import Application

from bot.core.access import TaskAction, require
from bot.core.buttons import Choice, Pressed, choice_buttons
from bot.core.messages import IncomingFile, Message, Reply
from bot.ledger.cards import CLEAR_HELP, WITHDRAW, state_line
from bot.ledger.changes import LedgerError
from bot.ledger.progress import report_progress
from bot.ledger.queries import open_tasks_of
from bot.progress.acks import is_acknowledgement
from bot.progress.confirming import (
    CONFIRM_DONE,
    KEEP_DONE,
    TAKE_FIGURE,
    contradiction_question,
    done_question,
    message_payload,
    payload_channel,
    payload_files,
    reported_done,
)
from bot.progress.parsing import parse_progress
from bot.progress.recording import (
    Reading,
    codes_in,
    confirm_done,
    reading_of,
    record_reply,
    tasks_named_in,
    withdraw_done,
)
from db.models import MessageKind, ReportChannel, Task, TaskState
from handlers.context import Call
from handlers.dispatch import add_button, add_reply_kind, set_plain_answer, task_of

CHOOSE = "choose_task"
PLAIN_HINT = "请回复某条事项卡片或提醒来报告进展，或在消息里写明事项编号（如 DB-0001）。"
# The answer to thanks or 收到 in a private chat (in a group: none): not recorded, no picker.
ACK_ANSWER = "好的。需要报告进展时，直接回复事项卡片或提醒即可。"
# What a reply to these means: a progress report on the message's task(s).
REPORTED_ON = (MessageKind.CARD, MessageKind.REMINDER, MessageKind.DIGEST)


def _not_a_report(call: Call) -> bool:
    """Thanks, 收到, 👍 alone: nothing to record and nothing to ask."""
    return not call.files and is_acknowledgement(call.text)


def _acknowledged(call: Call) -> Reply:
    """One short line in a private chat (never silence there); nothing in a group."""
    return None if call.in_group else ACK_ANSWER


def _land(
    call: Call,
    tasks: list[Task],
    *,
    text: str | None = None,
    files: list[IncomingFile] | None = None,
    channel: ReportChannel = ReportChannel.REPLY,
) -> Reply:
    """Record the message on each task, or ask first where it would report done or
    contradict a done report; the answer says where it landed."""
    text = call.text if text is None else text
    evidence = call.files if files is None else files
    progress = parse_progress(text)
    questions: list[Message] = []
    recorded: list[Task] = []
    for task in tasks:
        require(call.caller, TaskAction.REPORT_PROGRESS, task)
        reading = reading_of(task, call.caller, progress)
        if reading == Reading.CONFIRM_DONE:
            questions.append(
                done_question(
                    call.session,
                    task,
                    actor=call.caller,
                    now=call.now(),
                    text=text,
                    files=evidence,
                    channel=channel,
                )
            )
        elif reading == Reading.CONTRADICTS_DONE:
            assert progress.percent is not None
            questions.append(
                contradiction_question(
                    call.session,
                    task,
                    actor=call.caller,
                    now=call.now(),
                    percent=progress.percent,
                    text=text,
                    files=evidence,
                    channel=channel,
                )
            )
        else:
            record_reply(
                call.session,
                task,
                actor=call.caller,
                text=text,
                evidence=evidence,
                now=call.now(),
                channel=channel,
            )
            recorded.append(task)
    return [*_recorded(recorded, evidence), *questions]


def _recorded(tasks: list[Task], evidence: list[IncomingFile]) -> list[Message]:
    if not tasks:
        return []
    attached = f"（附佐证材料 {len(evidence)} 份）" if evidence else ""
    if len(tasks) == 1:
        (task,) = tasks
        return [Message(f"已记录：{state_line(task)}{attached}", about=(task.id,))]
    lines = [f"已分别记录到 {len(tasks)} 项事项{attached}：", *(state_line(t) for t in tasks)]
    return [Message("\n".join(lines), about=tuple(t.id for t in tasks))]


def reported(call: Call, tasks: list[Task]) -> Reply:
    """A reply to a card or reminder. Codes in the text decide when it names any of the
    sender's tasks (several: each); a merged reminder without one: which task."""
    if _not_a_report(call):
        return _acknowledged(call)
    named = tasks_named_in(call.session, call.caller, call.text)
    if named:
        return _land(call, named)
    if len(tasks) > 1:
        return _choose(call, tasks)
    return _land(call, tasks)


def plain(call: Call) -> Reply:
    """A message that answers nothing: codes in it name the tasks; else ask, never guess."""
    if _not_a_report(call):
        return _acknowledged(call)
    quoted = _quoted_task(call)
    if quoted is not None:
        return _land(call, [quoted])
    if call.in_group:
        return None  # group chatter is not for the bot
    if not call.text.strip() and not call.files:
        return PLAIN_HINT
    named = tasks_named_in(call.session, call.caller, call.text)
    if named:
        return _land(call, named)
    return _choose(call, open_tasks_of(call.session, call.caller))


def _quoted_task(call: Call) -> Task | None:
    """A reply to a message of the bot's it has no record of (its id was never stored: the
    bot stopped right after sending it): the one task its text names, if the sender may
    report on it; several codes or none: not guessed."""
    if not call.reply_to_bot or not call.reply_to_text:
        return None
    codes = codes_in(call.reply_to_text)
    if len(codes) != 1:
        return None
    named = tasks_named_in(call.session, call.caller, codes[0])
    if len(named) != 1 or named[0].state == TaskState.VERIFIED:
        return None
    return named[0]


def _choose(call: Call, tasks: list[Task]) -> Reply:
    """Offer the tasks this message might be about; the message waits in the buttons."""
    if not tasks:
        return "您范围内没有推进中的事项，这条消息未记录。" + PLAIN_HINT
    payload = message_payload(call.text, call.files, ReportChannel.REPLY)
    choices = [
        Choice(CHOOSE, f"{task.code} {task.title[:20]}", {**payload, "task": task.id}, task)
        for task in tasks
    ]
    buttons = choice_buttons(call.session, owner=call.caller, choices=choices, now=call.now())
    return Message("这条消息是报告哪项事项的进展？请选择：", buttons=tuple((b,) for b in buttons))


def chosen(call: Call, button: Pressed) -> Reply:
    """The task picked for a waiting message: the message lands on it now."""
    assert button.payload is not None
    return _land(
        call,
        [task_of(button)],
        text=button.payload["text"],
        files=payload_files(button.payload),
    )


# --- 已完成: confirmed, withdrawn, or contradicted ---------------------------------


def _confirmed(call: Call, button: Pressed) -> Reply:
    task = task_of(button)
    assert button.payload is not None
    confirm_done(
        call.session,
        task,
        actor=call.caller,
        text=button.payload["text"],
        evidence=payload_files(button.payload),
        now=call.now(),
        channel=payload_channel(button.payload),
    )
    return reported_done(call.session, task)


def _withdrawn(call: Call, button: Pressed) -> Reply:
    task = task_of(button)
    withdraw_done(call.session, task, actor=call.caller, now=call.now())
    return Message(f"已撤回完成报告：{state_line(task)}。", about=(task.id,))


def _kept_done(call: Call, button: Pressed) -> Reply:
    """已报完成 stands: the message is a note on it, its figure not taken."""
    task = task_of(button)
    assert button.payload is not None
    record_reply(
        call.session,
        task,
        actor=call.caller,
        text=button.payload["text"],
        evidence=payload_files(button.payload),
        now=call.now(),
        channel=payload_channel(button.payload),
        keep_percent=True,
    )
    return Message(f"仍为已完成，这条消息已记为备注：{state_line(task)}", about=(task.id,))


def _took_figure(call: Call, button: Pressed) -> Reply:
    """The figure is true: the done report is withdrawn and the message recorded."""
    task = task_of(button)
    assert button.payload is not None
    withdraw_done(call.session, task, actor=call.caller, now=call.now())
    record_reply(
        call.session,
        task,
        actor=call.caller,
        text=button.payload["text"],
        evidence=payload_files(button.payload),
        now=call.now(),
        channel=payload_channel(button.payload),
    )
    return Message(f"已撤回完成报告并记录：{state_line(task)}", about=(task.id,))


def _help_cleared(call: Call, button: Pressed) -> Reply:
    """解除需协调: the unit, its leader or the office says the difficulty is settled."""
    task = task_of(button)
    if not task.needs_help:
        raise LedgerError(f"{task.code} 没有需协调标记。")
    report_progress(
        call.session,
        task,
        now=call.now(),
        actor=call.caller,
        text="解除需协调",
        needs_help=False,
        channel=ReportChannel.BUTTON,
    )
    return Message(f"已解除需协调：{state_line(task)}", about=(task.id,))


def register(app: Application) -> None:
    for kind in REPORTED_ON:
        add_reply_kind(kind, reported)
    add_button(CHOOSE, chosen, one_time=True)
    add_button(CONFIRM_DONE, _confirmed, one_time=True)
    add_button(KEEP_DONE, _kept_done, one_time=True)
    add_button(TAKE_FIGURE, _took_figure, one_time=True)
    add_button(WITHDRAW, _withdrawn)
    add_button(CLEAR_HELP, _help_cleared)
    set_plain_answer(plain)
