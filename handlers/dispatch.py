"""The catch-all handlers, and the registries the features fill so these know none of them.

Three kinds of update reach no command handler: a pressed button, a reply to
one of the bot's messages and a plain message. Each is looked up here:

- a button's action (`add_button`): `ButtonRef.action` → what pressing it does;
  one-time buttons (confirmations, choices) are spent before the action runs;
- a reply's kind (`add_reply_kind`): what the replied-to message asked for
  (`MessageKind`) → what the reply means, given the tasks that message is about;
- interceptors, asked before any of that: `add_reply_interceptor` for a reply to
  a message the feature keeps track of itself (a duty prompt), and
  `add_plain_interceptor` for a message that answers nothing the bot knows (a
  typed 在岗); the first that claims the message answers it;
- `set_plain_answer`: what any other such message gets.

Each feature registers its entries in its own `register(app)`; the order of
those calls does not matter, except that interceptors are asked in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.core.access import Refusal, TaskAction, require
from bot.core.buttons import CANCEL, STALE_BUTTON, Pressed, pressed, spend
from bot.core.messages import Reply
from bot.core.task_messages import tasks_of_message
from db.models import MessageKind, Task
from handlers.context import BOUND, Call, handler


class NotMine:
    """An interceptor's answer when the message is not for it."""

    def __repr__(self) -> str:
        return "NOT_MINE"


NOT_MINE: Final = NotMine()

ButtonAction = Callable[[Call, Pressed], Reply]
ReplyKind = Callable[[Call, list[Task]], Reply]
Interceptor = Callable[[Call], Reply | NotMine]
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class _Action:
    answer: ButtonAction
    one_time: bool


@dataclass(frozen=True)
class _Kind:
    answer: ReplyKind
    about_tasks: bool


@dataclass
class _Registry:
    actions: dict[str, _Action] = field(default_factory=dict)
    kinds: dict[MessageKind, _Kind] = field(default_factory=dict)
    reply_interceptors: list[Interceptor] = field(default_factory=list)
    plain_interceptors: list[Interceptor] = field(default_factory=list)
    plain_answer: Callable[[Call], Reply] | None = None


_registry = _Registry()


def _put(table: dict[K, V], name: K, entry: V) -> None:
    """Register once. The same entry again (the app built again, as tests do) changes
    nothing; two features claiming one name is a mistake, said when the app is built."""
    known = table.get(name)
    if known is not None and known != entry:
        raise ValueError(f"{name!r} is registered twice")
    table[name] = entry


def add_button(action: str, answer: ButtonAction, *, one_time: bool = False) -> None:
    """Pressing a button of `action` runs `answer`; a `one_time` button (and those offered
    with it) is spent first, so of two presses one gets through."""
    _put(_registry.actions, action, _Action(answer, one_time))


def add_reply_kind(kind: MessageKind, answer: ReplyKind, *, about_tasks: bool = True) -> None:
    """A reply to a message of `kind` runs `answer` with the tasks that message is about
    (each checked as visible to the caller); `about_tasks=False`: a message about no task."""
    _put(_registry.kinds, kind, _Kind(answer, about_tasks))


def add_reply_interceptor(intercept: Interceptor) -> None:
    if intercept not in _registry.reply_interceptors:
        _registry.reply_interceptors.append(intercept)


def add_plain_interceptor(intercept: Interceptor) -> None:
    if intercept not in _registry.plain_interceptors:
        _registry.plain_interceptors.append(intercept)


def set_plain_answer(answer: Callable[[Call], Reply]) -> None:
    if _registry.plain_answer not in (None, answer):
        raise ValueError("the plain answer is set twice")
    _registry.plain_answer = answer


def task_of(button: Pressed) -> Task:
    """The task a task button acts on (a button of a deleted task is refused on press)."""
    if button.task is None:
        raise Refusal(STALE_BUTTON)
    return button.task


# --- the handlers ----------------------------------------------------------------


@handler(BOUND)
def press(call: Call) -> Reply:
    now = call.now()
    button = pressed(call.session, call.button, presser=call.caller, now=now)
    if button.task is not None:
        require(call.caller, TaskAction.VIEW, button.task)
    action = _registry.actions.get(button.action)
    if action is None:
        raise Refusal(STALE_BUTTON)
    if action.one_time:
        spend(call.session, button, now=now)
    return action.answer(call, button)


def answer_reply(call: Call) -> Reply:
    assert call.reply_to_message_id is not None
    answered = _intercepted(_registry.reply_interceptors, call)
    if not isinstance(answered, NotMine):
        return answered
    about = tasks_of_message(
        call.session, chat_id=call.chat_id, message_id=call.reply_to_message_id
    )
    if not about:
        return answer_plain(call)  # not one of the bot's task messages: as if plain
    kind = _registry.kinds.get(MessageKind(about[0][1]))
    if kind is None:  # no feature answers this kind (not registered): as if plain
        return answer_plain(call)
    if not kind.about_tasks:
        return kind.answer(call, [])
    return kind.answer(call, [_visible(call, task_id) for task_id, _ in about])


def _visible(call: Call, task_id: int | None) -> Task:
    task = call.session.get(Task, task_id) if task_id is not None else None
    if task is None:
        raise Refusal("这项事项已不存在。")
    require(call.caller, TaskAction.VIEW, task)
    return task


def answer_plain(call: Call) -> Reply:
    """A message that answers nothing of the bot's: an interceptor's, else the plain answer."""
    answered = _intercepted(_registry.plain_interceptors, call)
    if not isinstance(answered, NotMine):
        return answered
    if _registry.plain_answer is None:
        return None
    return _registry.plain_answer(call)


def _intercepted(interceptors: list[Interceptor], call: Call) -> Reply | NotMine:
    for intercept in interceptors:
        answered = intercept(call)
        if not isinstance(answered, NotMine):
            return answered
    return NOT_MINE


@handler(BOUND)
def unknown_command(call: Call) -> str:
    return "没有这个命令。发送 /help 查看您可以使用的命令。"


def _cancel(call: Call, button: Pressed) -> Reply:
    return "已取消。"


reply = handler(BOUND)(answer_reply)
plain = handler(BOUND)(answer_plain)


def register(app: Application, *, group: int) -> None:
    # 取消 under any confirmation (a new task, a roster): it belongs to no one feature.
    add_button(CANCEL, _cancel, one_time=True)
    app.add_handler(CallbackQueryHandler(press), group=group)
    content = (filters.TEXT | filters.PHOTO | filters.Document.ALL) & ~filters.COMMAND
    # Replies to the bot's own messages (what a group shows a bot with privacy mode on).
    app.add_handler(MessageHandler(content & filters.REPLY, reply), group=group)
    app.add_handler(MessageHandler(content & filters.ChatType.PRIVATE, plain), group=group)
    # A command no handler answered (each answer stops the update), in a private chat.
    unknown = filters.COMMAND & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(unknown, unknown_command), group=group)
