"""Buttons, replies to the bot's messages, and plain messages that name a task.

A reply lands on the task its replied-to message is about (`bot.core.task_messages`);
what the reply means (a report, an extension request, a reason for returning,
a new task line) is stored with that message. In a group the bot only reacts
to replies to its own messages and to commands, never to other chatter.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.accounts.binding import reachable_supervisors
from bot.core.access import Refusal, TaskAction, require
from bot.core.buttons import Choice, Pressed, choice_buttons, pressed, spend
from bot.core.messages import IncomingFile, Message, Reply
from bot.core.task_messages import tasks_of_message
from bot.core.timefmt import local_time
from bot.duty.checks import (
    ANSWER_DUTY,
    PRESENCE,
    check_by_id,
    check_of_message,
    waiting_check,
)
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
    state_line,
)
from bot.ledger.entry import create_from_draft, read_extension
from bot.ledger.extensions import decide_extension, request_extension
from bot.ledger.queries import card_of, open_tasks_of
from bot.ledger.states import Action, apply_action
from bot.progress.recording import record_reply, task_named_in
from db.models import ExtensionRequest, MessageKind, Person, ReportChannel, Task
from handlers.context import BOUND, Call, handler
from handlers.duty import SAVE_ROSTER, answer_duty, confirm_roster
from handlers.ledger import CANCEL, NEW_TASK, new_task_draft, returned

DECIDE, CHOOSE = "decide_extension", "choose_task"
PLAIN_HINT = "请回复某条事项卡片或提醒来报告进展，或在消息里写明事项编号（如 DB-0001）。"


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


# --- replies -------------------------------------------------------------------


def answer_reply(call: Call) -> Reply:
    assert call.reply_to_message_id is not None
    check = check_of_message(
        call.session, chat_id=call.chat_id, message_id=call.reply_to_message_id
    )
    if check is not None:  # a reply to 到岗确认 or 查岗 answers it
        return answer_duty(call, check)
    about = tasks_of_message(
        call.session, chat_id=call.chat_id, message_id=call.reply_to_message_id
    )
    if not about:
        # 在岗 in reply to a message the bot does not know (a second copy of a duty
        # prompt, from a send that timed out after Telegram took it) answers the prompt.
        if PRESENCE.match(call.text) and not call.files:
            waiting = waiting_check(call.session, chat_id=call.chat_id, now=call.now())
            if waiting is not None:
                return answer_duty(call, waiting)
        return answer_plain(call)
    kind = about[0][1]
    if kind == MessageKind.NEW_TASK:
        return new_task_draft(call, call.text)
    tasks = [_visible(call, task_id) for task_id, _ in about]
    if len(tasks) > 1:
        named = task_named_in(call.session, call.caller, call.text)
        if named is None or named not in tasks:
            return _choose(call, tasks)  # a merged reminder: which task, unless the text says
        tasks = [named]
    (task,) = tasks
    if kind == MessageKind.EXTENSION:
        return _request_extension(call, task)
    if kind == MessageKind.RETURN:
        return returned(call, task, call.text)
    return _report(call, task, ReportChannel.REPLY)


def _visible(call: Call, task_id: int | None) -> Task:
    task = call.session.get(Task, task_id) if task_id is not None else None
    if task is None:
        raise Refusal("这项事项已不存在。")
    require(call.caller, TaskAction.VIEW, task)
    return task


def answer_plain(call: Call) -> Reply:
    """A message that answers nothing: a code in it names the task; else ask, never guess."""
    if call.in_group:
        return None  # group chatter is not for the bot
    if not call.text.strip() and not call.files:
        return PLAIN_HINT
    if PRESENCE.match(call.text) and not call.files:  # 在岗 typed, not pressed
        waiting = waiting_check(call.session, chat_id=call.chat_id, now=call.now())
        if waiting is not None:
            return answer_duty(call, waiting)
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


def _request_extension(call: Call, task: Task) -> Reply:
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
    when = local_time(proposed, runtime.zone)
    ask = (
        f"📝 延期申请：{task.code} {task.title}\n"
        f"申请人：{call.caller.name}（{task.lead_unit.name}）\n"
        f"原截止：{local_time(task.deadline, runtime.zone) if task.deadline else '长期'}\n"
        f"申请延至：{when}\n理由：{call.text[:500]}"
    )
    messages = [Message(f"已提交延期申请：{task.code} 延至 {when}，等待督查室审批。")]
    for supervisor in reachable_supervisors(call.session):
        decisions = [
            Choice(DECIDE, label, {"request": request.id, "approve": approve}, task)
            for approve, label in ((True, "批准"), (False, "驳回"))
        ]
        buttons = (
            tuple(
                choice_buttons(call.session, owner=supervisor, choices=decisions, now=call.now())
            ),
        )
        messages.append(Message(ask, buttons=buttons, to_chat=supervisor.telegram_user_id))
    return messages


# --- buttons -------------------------------------------------------------------


@handler(BOUND)
def press(call: Call) -> Reply:
    now = call.now()
    button = pressed(call.session, call.button, presser=call.caller, now=now)
    task = button.task
    if task is not None:
        require(call.caller, TaskAction.VIEW, task)
    if button.action == CANCEL:
        spend(call.session, button, now=now)
        return "已取消。"
    if button.action == SAVE_ROSTER:
        spend(call.session, button, now=now)
        assert button.payload is not None
        return confirm_roster(call, button.payload)
    if button.action == ANSWER_DUTY:
        spend(call.session, button, now=now)
        assert button.payload is not None
        return answer_duty(call, check_by_id(call.session, button.payload["check"]))
    if button.action == NEW_TASK:
        spend(call.session, button, now=now)
        assert button.payload is not None
        created = create_from_draft(
            call.session, actor=call.caller, payload=button.payload, now=now
        )
        call.session.flush()
        return [Message(f"已新建：{created.code}"), _card(call, created)]
    if task is None:
        raise Refusal("这个按钮已失效，请重新发送命令。")
    return _task_button(call, button, task)


def _task_button(call: Call, button: Pressed, task: Task) -> Reply:
    now, actor = call.now(), call.caller
    action = button.action
    if action == PROGRESS:
        require(actor, TaskAction.REPORT_PROGRESS, task)
        return Message(
            f"请回复本消息，写 {task.code} 的进展（如：完成60%，已完成选址；可附照片）。",
            about=(task.id,),
        )
    if action == DONE:
        apply_action(
            call.session,
            task,
            Action.REPORT_DONE,
            now=now,
            actor=actor,
            channel=ReportChannel.BUTTON,
        )
        return Message(f"已报完成：{state_line(task)}，等待督查室销号。", about=(task.id,))
    if action == EXTEND:
        require(actor, TaskAction.REQUEST_EXTENSION, task)
        return Message(
            f"请回复本消息，写 {task.code} 新的截止时间和理由，例如：6月30日前，设备到货推迟",
            about=(task.id,),
            reply_kind=MessageKind.EXTENSION,
        )
    if action == VERIFY:
        apply_action(call.session, task, Action.VERIFY, now=now, actor=actor)
        return f"已销号：{state_line(task)}"
    if action == RETURN:
        require(actor, TaskAction.RETURN, task)
        return Message(
            f"请回复本消息，写明退回 {task.code} 的理由（如：佐证材料不全）。",
            about=(task.id,),
            reply_kind=MessageKind.RETURN,
        )
    if action == HISTORY:
        return _card(call, task, history=True)
    if action == EVIDENCE:
        return evidence_message(call.session, task)
    if action == CHOOSE:
        spend(call.session, button, now=now)
        assert button.payload is not None
        files = [IncomingFile(*file) for file in button.payload["files"]]
        return _report(call, task, ReportChannel.REPLY, text=button.payload["text"], files=files)
    if action == DECIDE:
        return _decide(call, button, task)
    raise Refusal("这个按钮已失效，请重新发送命令。")


def _decide(call: Call, button: Pressed, task: Task) -> Reply:
    assert button.payload is not None
    spend(call.session, button, now=call.now())
    request = call.session.get(ExtensionRequest, button.payload["request"])
    if request is None:
        raise Refusal("这条延期申请已不存在。")
    approve = bool(button.payload["approve"])
    decide_extension(call.session, request, now=call.now(), actor=call.caller, approve=approve)
    zone = call.runtime.zone
    verdict = "批准" if approve else "驳回"
    until = local_time(request.proposed_deadline, zone)
    told = f"{task.code} {task.title} 的延期申请（延至 {until}）已{verdict}。"
    messages = [Message(told)]
    requester = request.requested_by_id and call.session.get(Person, request.requested_by_id)
    if requester and requester.telegram_user_id is not None:
        messages.append(
            Message(
                f"督查室已{verdict}您的申请：{told}",
                to_chat=requester.telegram_user_id,
                about=(task.id,),
            )
        )
    return messages


@handler(BOUND)
def unknown_command(call: Call) -> str:
    return "没有这个命令。发送 /help 查看您可以使用的命令。"


reply = handler(BOUND)(answer_reply)
plain = handler(BOUND)(answer_plain)


def register(app: Application, *, group: int) -> None:
    app.add_handler(CallbackQueryHandler(press), group=group)
    content = (filters.TEXT | filters.PHOTO | filters.Document.ALL) & ~filters.COMMAND
    # Replies to the bot's own messages (what a group shows a bot with privacy mode on).
    app.add_handler(MessageHandler(content & filters.REPLY, reply), group=group)
    app.add_handler(MessageHandler(content & filters.ChatType.PRIVATE, plain), group=group)
    # A command no handler answered (each answer stops the update), in a private chat.
    unknown = filters.COMMAND & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(unknown, unknown_command), group=group)
