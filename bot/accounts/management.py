"""People and groups leaving: remove a person, move one to another unit or role, unbind a
group, list and revoke invitations. Every change is logged and told to the office.

A removed person keeps their row (their reports stay under their name) but is
inactive and loses the Telegram account binding, so the wrapper treats them as
a stranger at once: their buttons do nothing, and whatever still waited to be
sent to them is cancelled in the same unit of work. A re-invitation binds
them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, selectinload

from bot.accounts.binding import ROLE_NAMES
from bot.accounts.log import actor_name, record
from bot.core.access import Actor, OfficeAction, Refusal, require_office, require_unbind
from bot.core.messages import Message
from bot.outbox.rows import cancel_for_chat
from db.models import AccessEventKind, ChatBinding, Invitation, Person, Role, Unit
from db.updates import updated_rows


def describe(person: Person) -> str:
    """李娜（乡镇A 单位联络员）"""
    unit = f"{person.unit.name} " if person.unit is not None else ""
    return f"{person.name}（{unit}{ROLE_NAMES[person.role]}）"


@dataclass(frozen=True)
class Listing:
    people: list[Person]  # active, units' people first
    groups: list[ChatBinding]  # bound work groups


def listing(session: Session, *, actor: Actor) -> Listing:
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    people = session.scalars(
        select(Person)
        .where(Person.active)
        .options(selectinload(Person.unit))
        .order_by(Person.role, Person.unit_id, Person.id)
    )
    groups = session.scalars(
        select(ChatBinding)
        .where(ChatBinding.unit_id.is_not(None), ChatBinding.disabled_at.is_(None))
        .options(selectinload(ChatBinding.unit))
        .order_by(ChatBinding.unit_id, ChatBinding.id)
    )
    return Listing(list(people), list(groups))


def find_person(session: Session, key: str) -> Person:
    """An active person by Telegram id or by name (a name two people share is refused)."""
    key = key.strip()
    if key.lstrip("-").isdigit():
        found = list(session.scalars(select(Person).where(Person.telegram_user_id == int(key))))
    else:
        found = list(session.scalars(select(Person).where(Person.name == key, Person.active)))
    found = [person for person in found if person.active]
    if not found:
        raise Refusal(f"没有找到在册人员“{key[:30]}”。")
    if len(found) > 1:
        raise Refusal(f"有 {len(found)} 人叫“{key[:30]}”，请改用 Telegram ID。")
    return found[0]


def remove(
    session: Session, *, actor: Actor, person: Person, now: datetime, admins: tuple[int, ...]
) -> list[Message]:
    """Remove a person: inactive, unbound from Telegram, nothing more sent to them."""
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    if not person.active:
        raise Refusal(f"{person.name}已经移除了。")
    if isinstance(actor, Person) and actor.id == person.id:
        raise Refusal("不能移除自己；请由督查室其他同事操作。")
    account = person.telegram_user_id
    if account is not None and account in admins:
        raise Refusal(
            f"{person.name}的账号列在 DUBAN_ADMINS 里，会再次自动成为督查室成员。"
            "请先从配置中删去其 ID 并重启，再移除。"
        )
    who = describe(person)
    person.active = False
    person.telegram_user_id = None  # so a new invitation can bind the account again
    _revoke_for(session, person, now)
    if account is not None:
        cancel_for_chat(session, account, why="人员已移除")
    return record(
        session,
        AccessEventKind.REMOVED,
        f"{actor_name(actor)} 移除了 {who}",
        actor=actor,
        now=now,
        person=person,
        chat_id=account,
    )


def move(
    session: Session,
    *,
    actor: Actor,
    person: Person,
    unit: Unit | None,
    role: Role | None,
    now: datetime,
) -> list[Message]:
    """Another unit or role; what waited for the old one is cancelled (the next scan
    plans what the new one should get)."""
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    if not person.active:
        raise Refusal(f"{person.name}已经移除了。")
    if isinstance(actor, Person) and actor.id == person.id:
        raise Refusal("不能调整自己的单位或角色；请由督查室其他同事操作。")
    new_role = role or person.role
    new_unit = (unit or person.unit) if new_role == Role.MEMBER else None
    if new_role == Role.MEMBER and new_unit is None:
        raise Refusal("单位联络员须属于一个单位，请写明单位。")
    if new_role == person.role and new_unit is person.unit:
        raise Refusal(f"{describe(person)}没有变化。")
    before = describe(person)
    person.role, person.unit = new_role, new_unit
    session.flush()
    if person.telegram_user_id is not None:
        cancel_for_chat(session, person.telegram_user_id, why="人员单位或角色已调整")
    return record(
        session,
        AccessEventKind.MOVED,
        f"{actor_name(actor)} 将 {before} 调整为 {describe(person)}",
        actor=actor,
        now=now,
        person=person,
    )


def unbind(
    session: Session,
    *,
    actor: Actor | None,
    binding: ChatBinding,
    now: datetime,
    chat_admin: bool = False,
    why: str = "",
) -> list[Message]:
    """The group is no unit's any more: nothing is sent there, what waited is cancelled."""
    unit = binding.unit
    if unit is None or binding.disabled_at is not None:
        raise Refusal("本群没有绑定单位。")
    require_unbind(actor, unit.id, chat_admin=chat_admin)
    binding.unit, binding.disabled_at = None, now
    cancel_for_chat(session, binding.chat_id, why="工作群已解绑")
    name = binding.title or str(binding.chat_id)
    by = actor_name(actor) if actor is not None else "群管理员"
    return record(
        session,
        AccessEventKind.GROUP_UNBOUND,
        why or f"{by} 解绑了{unit.name}的工作群“{name}”",
        actor=actor,
        now=now,
        chat_id=binding.chat_id,
    )


def open_invitations(session: Session, *, actor: Actor, now: datetime) -> list[Invitation]:
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    return list(
        session.scalars(
            select(Invitation)
            .where(*_open(now))
            .options(selectinload(Invitation.unit))
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def invitation_label(invitation: Invitation) -> str:
    role = ROLE_NAMES[invitation.role]
    if invitation.unit is not None:
        return f"{invitation.unit.name}的{role}"
    return f"{invitation.name or '？'}（{role}）"


def revoke(session: Session, *, actor: Actor, code: str, now: datetime) -> list[Message]:
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    invitation = _spend(session, code, now, reason="revoked")
    if invitation is None:
        raise Refusal(f"邀请码 {code[:20]} 不存在、已使用、已过期或已撤销。")
    return record(
        session,
        AccessEventKind.CODE_REVOKED,
        f"{actor_name(actor)} 撤销了邀请码 {invitation.code}（{invitation_label(invitation)}）",
        actor=actor,
        now=now,
    )


def spend_leaked(
    session: Session, *, code: str, chat_id: int, chat_title: str, now: datetime
) -> Invitation | None:
    """A code shown in a group is spent at once, whoever posted it; None if it was not open."""
    invitation = _spend(session, code, now, reason="leaked")
    if invitation is not None:
        where = chat_title[:50] or str(chat_id)
        record(
            session,
            AccessEventKind.CODE_LEAKED,
            f"邀请码 {invitation.code}（{invitation_label(invitation)}）"
            f"在群“{where}”中出现，已作废",
            actor=None,
            now=now,
            chat_id=chat_id,
            tell_office=False,  # its maker is told, with a new one offered
        )
    return invitation


def _open(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )


def _spend(session: Session, code: str, now: datetime, *, reason: str) -> Invitation | None:
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.code == code.strip().upper(), *_open(now))
        .values(revoked_at=now, revoke_reason=reason)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        return None
    return session.get(Invitation, claimed, populate_existing=True)


def _revoke_for(session: Session, person: Person, now: datetime) -> None:
    """A removed person's open invitations (a leader's, by name) die with the removal."""
    updated_rows(
        session,
        update(Invitation)
        .where(Invitation.person_id == person.id, *_open(now))
        .values(revoked_at=now, revoke_reason="revoked")
        .execution_options(synchronize_session=False),
    )
