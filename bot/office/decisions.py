"""Every decision reaches whom it concerns: what 销号, 退回, 批准, 驳回 and a new deadline
say, and to which chats (as `Message(to_chat=…)`, which the handler wrapper writes
to the outbox with the change).

The lead unit hears every decision on its task; the lead leader hears 销号, 退回
and a changed deadline; a requester hears the answer to a request. The caller's
own chat is left out (the caller is answered directly). A request to the
supervisors is one notice each, keyed, so the decision rewrites every copy in
place: who decided and how, the buttons gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.accounts.binding import reachable_supervisors, unit_chats
from bot.core.access import Actor
from bot.core.messages import Button, Message
from bot.core.timefmt import local_time
from db.models import ExtensionRequest, Person, Role, Task


def _who(actor: Actor) -> str:
    return f"督查室（{actor.name}）" if isinstance(actor, Person) else "督查室"


def _due(deadline: datetime | None, zone: ZoneInfo) -> str:
    return local_time(deadline, zone) if deadline else "长期"


def unit_chats_of(session: Session, task: Task) -> list[int]:
    return unit_chats(session, set(), [task.lead_unit_id]).get(task.lead_unit_id, [])


def leader_chat(task: Task) -> int | None:
    leader = task.lead_leader
    if leader is None or not leader.active:
        return None
    return leader.telegram_user_id


def _to(chats: Sequence[int | None], text: str, task: Task, skip: int) -> list[Message]:
    """One notice per chat (each once, never the caller's), a reply to it a report."""
    wanted = [chat for chat in dict.fromkeys(chats) if chat is not None and chat != skip]
    return [Message(text, to_chat=chat, about=(task.id,)) for chat in wanted]


def verified_notices(session: Session, task: Task, actor: Actor, *, skip: int) -> list[Message]:
    text = f"✅ {task.code} {task.title} 已由{_who(actor)}销号。"
    return _to([*unit_chats_of(session, task), leader_chat(task)], text, task, skip)


def returned_notices(
    session: Session, task: Task, actor: Actor, reason: str, *, skip: int
) -> list[Message]:
    why = reason[:200]
    to_unit = (
        f"↩️ 督查室退回了 {task.code} {task.title}（理由：{why}）。"
        "请补充后再报完成；回复本消息即可报告进展。"
    )
    to_leader = (
        f"↩️ {_who(actor)}退回了您包联的 {task.code} {task.title}（理由：{why}），"
        f"已请{task.lead_unit.name}补充。"
    )
    return [
        *_to(unit_chats_of(session, task), to_unit, task, skip),
        *_to([leader_chat(task)], to_leader, task, skip),
    ]


def redated_notices(
    session: Session,
    task: Task,
    actor: Actor,
    old: datetime | None,
    reason: str,
    zone: ZoneInfo,
    *,
    skip: int,
) -> list[Message]:
    text = (
        f"📅 {_who(actor)}调整了 {task.code} {task.title} 的截止时间："
        f"由 {_due(old, zone)} 改为 {_due(task.deadline, zone)}（理由：{reason[:200]}）。"
    )
    return _to([*unit_chats_of(session, task), leader_chat(task)], text, task, skip)


# --- extension requests ------------------------------------------------------------------


def copy_key(request_id: int, supervisor_id: int) -> str:
    """The key of one supervisor's copy of a request, so the decision can rewrite it."""
    return f"xr:{request_id}:{supervisor_id}"


def request_text(request: ExtensionRequest, requester: Person | None, zone: ZoneInfo) -> str:
    """The request as the supervisors see it; one the office raised says so."""
    task = request.task
    if requester is None or requester.role == Role.SUPERVISOR:
        who = f"由督查室提出（{requester.name}）" if requester else "由督查室提出"
    else:
        who = f"申请人：{requester.name}（{task.lead_unit.name}）"
    return (
        f"📝 延期申请：{task.code} {task.title}\n{who}\n"
        f"原截止：{_due(request.old_deadline, zone)}\n"
        f"申请延至：{local_time(request.proposed_deadline, zone)}\n理由：{request.reason[:500]}"
    )


def request_copies(
    session: Session,
    request: ExtensionRequest,
    requester: Person | None,
    zone: ZoneInfo,
    buttons_for: dict[int, tuple[tuple[Button, ...], ...]],
) -> list[Message]:
    """One copy to each reachable supervisor, with that supervisor's own 批准 · 驳回."""
    text = request_text(request, requester, zone)
    return [
        Message(
            text,
            buttons=buttons_for.get(supervisor.id, ()),
            to_chat=supervisor.telegram_user_id,
            key=copy_key(request.id, supervisor.id),
        )
        for supervisor in reachable_supervisors(session)
    ]


def decided_copies(
    session: Session, request: ExtensionRequest, requester: Person | None, zone: ZoneInfo
) -> list[Message]:
    """Every supervisor's copy rewritten: who decided and how, no buttons left."""
    decider = session.get(Person, request.decided_by_id) if request.decided_by_id else None
    verdict = "批准" if request.state == "approved" else "驳回"
    note = f"（理由：{request.decision_note[:100]}）" if request.decision_note else ""
    text = (
        request_text(request, requester, zone)
        + f"\n\n{'✅' if verdict == '批准' else '❌'} 已由{decider.name if decider else '督查室'}"
        + f"{verdict}{note}。"
    )
    return [
        Message(
            text,
            to_chat=supervisor.telegram_user_id,
            edits=copy_key(request.id, supervisor.id),
        )
        for supervisor in reachable_supervisors(session)
    ]


def decision_notices(
    session: Session,
    request: ExtensionRequest,
    requester: Person | None,
    actor: Actor,
    zone: ZoneInfo,
    *,
    skip: int,
) -> list[Message]:
    """The requester and the lead unit told: the new deadline, or the reason for 驳回."""
    task = request.task
    if request.state == "approved":
        text = (
            f"✅ {_who(actor)}批准了 {task.code} {task.title} 的延期申请：截止时间由 "
            f"{_due(request.old_deadline, zone)} 改为 "
            f"{local_time(request.proposed_deadline, zone)}。"
        )
    else:
        text = (
            f"❌ {_who(actor)}驳回了 {task.code} {task.title} 的延期申请"
            f"（申请延至 {local_time(request.proposed_deadline, zone)}）。"
            f"理由：{(request.decision_note or '未写明')[:200]}。"
            f"截止时间仍为 {_due(task.deadline, zone)}，请按期完成。"
        )
    requester_chat = requester.telegram_user_id if requester is not None else None
    return _to([requester_chat, *unit_chats_of(session, task)], text, task, skip)
