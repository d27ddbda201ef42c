"""Accounts: invitations (/invite), binding (/start CODE), group chats (/bind), the unit list.

A supervisor's invitation names a role and, for a member, a unit; for a
leader or a supervisor it may name a person already in the ledger (a leader
imported from Excel), who is then bound rather than created. A code is used
once: the claim is one conditional UPDATE, so two people racing for one code
get one account and one refusal.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from bot.accounts.log import actor_name, record
from bot.core.access import Actor, OfficeAction, Refusal, person_id, require_office
from bot.core.messages import Message
from db.models import (
    AccessEventKind,
    ChatBinding,
    Invitation,
    Person,
    Role,
    Unit,
    varchar_length,
)

ROLE_WORDS: dict[str, Role] = {
    "成员": Role.MEMBER,
    "联络员": Role.MEMBER,
    "member": Role.MEMBER,
    "领导": Role.LEADER,
    "包联领导": Role.LEADER,
    "leader": Role.LEADER,
    "督查": Role.SUPERVISOR,
    "督查室": Role.SUPERVISOR,
    "supervisor": Role.SUPERVISOR,
}
ROLE_NAMES = {Role.SUPERVISOR: "督查室成员", Role.LEADER: "包联领导", Role.MEMBER: "单位联络员"}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
CODE_LENGTH = 10
NAME_LENGTH = varchar_length(Person.name)


def role_of(word: str) -> Role:
    role = ROLE_WORDS.get(word.strip().lower())
    if role is None:
        raise Refusal(f"角色“{word[:10]}”不认识，请写 成员、领导 或 督查。")
    return role


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class NewInvitation:
    code: str
    role: Role
    unit_name: str | None
    person_name: str | None
    expires_at: datetime


def invite(
    session: Session,
    *,
    actor: Actor,
    target: str,
    role: Role,
    now: datetime,
    valid_days: int,
) -> NewInvitation:
    """An invitation for a member of unit `target`, or for the leader/supervisor named `target`."""
    require_office(actor, OfficeAction.INVITE)
    target = target.strip()
    if not target:
        raise Refusal("请写明单位（成员）或姓名（领导、督查），例如：/invite 城关镇 成员")
    unit = person = None
    if role == Role.MEMBER:
        unit = session.scalar(select(Unit).where(Unit.name == target))
        if unit is None:
            raise Refusal(f"没有名为“{target[:30]}”的单位。发送 /units 查看单位名称。")
    else:
        if len(target) > NAME_LENGTH:
            raise Refusal(f"姓名超过 {NAME_LENGTH} 个字，请检查。")
        person = session.scalar(
            select(Person).where(Person.name == target, Person.role == role).order_by(Person.id)
        )
        if person is not None and person.telegram_user_id is not None:
            raise Refusal(f"{target}已经绑定了 Telegram 账号，无需再邀请。")
    invitation = Invitation(
        code=_new_code(),
        role=role,
        unit_id=unit.id if unit else None,
        person_id=person.id if person else None,
        name=target if role != Role.MEMBER else None,
        created_by_id=person_id(actor),
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(invitation)
    return NewInvitation(
        invitation.code,
        role,
        unit.name if unit else None,
        target if role != Role.MEMBER else None,
        invitation.expires_at,
    )


INVALID_CODE = "邀请码无效、已被使用或已过期，请向县督查室重新索取。"


def redeem(
    session: Session, *, code: str, telegram_user_id: int, display_name: str, now: datetime
) -> tuple[Person, list[Message]]:
    """Bind this Telegram account with an invitation code; the code is then spent.
    Returns the person and the notices telling the office."""
    if session.scalar(select(Person.id).where(Person.telegram_user_id == telegram_user_id)):
        raise Refusal("您已经绑定过账号了，无需再用邀请码。发送 /help 查看可用功能。")
    code = code.strip().upper()
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.code == code,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_telegram_id=telegram_user_id)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        raise Refusal(INVALID_CODE)
    invitation = session.get_one(Invitation, claimed)
    if invitation.person_id is not None:
        person = session.get_one(Person, invitation.person_id)
        if person.telegram_user_id is not None:  # an older invitation for someone since bound
            raise Refusal("这张邀请对应的人员已经绑定了账号。如需换绑，请联系县督查室。")
        person.telegram_user_id = telegram_user_id
        person.active = True
    else:
        person = Person(
            name=(invitation.name or display_name.strip() or str(telegram_user_id))[:NAME_LENGTH],
            role=invitation.role,
            unit_id=invitation.unit_id,
            telegram_user_id=telegram_user_id,
            created_at=now,
        )
        session.add(person)
    session.flush()  # the unique Telegram id is the rule if two codes race for one account
    invitation.person_id = person.id
    inviter = session.get(Person, invitation.created_by_id) if invitation.created_by_id else None
    unit = session.get(Unit, person.unit_id) if person.unit_id is not None else None
    told = record(
        session,
        AccessEventKind.BOUND,
        f"{person.name}（Telegram ID {telegram_user_id}）用邀请码绑定为"
        f"{unit.name + '的' if unit else ''}{ROLE_NAMES[person.role]}"
        f"（邀请人：{actor_name(inviter)}）",
        actor=person,
        now=now,
        person=person,
    )
    return person, told


def bind_group(
    session: Session,
    *,
    actor: Person,
    chat_id: int,
    title: str,
    unit_name: str | None,
    now: datetime,
) -> tuple[Unit, list[Message]]:
    """Make a group chat the unit's work group: a member binds their own unit's group;
    a supervisor names the unit. Returns the unit and the notices telling the office."""
    if actor.role == Role.SUPERVISOR and unit_name:
        unit = session.scalar(select(Unit).where(Unit.name == unit_name.strip()))
        if unit is None:
            raise Refusal(f"没有名为“{unit_name[:30]}”的单位。发送 /units 查看单位名称。")
    elif actor.role == Role.MEMBER and actor.unit is not None:
        unit = actor.unit
        named = (unit_name or "").strip()
        if named and named != unit.name:  # a member binds their own unit's group only
            raise Refusal(
                f"您是{unit.name}的联络员，只能把本群绑定为{unit.name}的工作群"
                f"（发送 /bind 即可）。要绑定为{named[:30]}的工作群，请由该单位联络员或督查室发送。"
            )
    else:
        raise Refusal("请由本单位联络员在单位工作群里发送 /bind；督查室可发送 /bind 单位名称。")
    binding = session.scalar(select(ChatBinding).where(ChatBinding.chat_id == chat_id))
    if binding is None:
        binding = ChatBinding(chat_id=chat_id, created_at=now)
        session.add(binding)
    if binding.unit_id == unit.id and binding.disabled_at is None:
        return unit, []
    binding.unit = unit
    binding.title = title[:200] or None
    binding.disabled_at = None
    told = record(
        session,
        AccessEventKind.GROUP_BOUND,
        f"{actor.name} 把群“{title[:50] or chat_id}”绑定为{unit.name}的工作群",
        actor=actor,
        now=now,
        chat_id=chat_id,
    )
    return unit, told


@dataclass(frozen=True)
class UnitListing:
    name: str
    people: list[tuple[str, str]]  # (name, role label), bound or not
    groups: list[str]


def list_units(session: Session, *, actor: Actor) -> list[UnitListing]:
    require_office(actor, OfficeAction.MANAGE_UNITS)
    units = session.scalars(
        select(Unit)
        .options(selectinload(Unit.members), selectinload(Unit.chats))
        .order_by(Unit.name)
    )
    return [
        UnitListing(
            unit.name,
            [
                (p.name + ("" if p.telegram_user_id else "（未绑定）"), ROLE_NAMES[p.role])
                for p in sorted(unit.members, key=lambda p: p.id)
                if p.active
            ],
            [chat.title or str(chat.chat_id) for chat in unit.chats if chat.disabled_at is None],
        )
        for unit in units
    ]


def reachable_supervisors(session: Session) -> list[Person]:
    """The supervisors the bot can write to (bound to Telegram, active)."""
    return list(
        session.scalars(
            select(Person).where(
                Person.role == Role.SUPERVISOR,
                Person.active,
                Person.telegram_user_id.is_not(None),
            )
        )
    )


def unit_chats(
    session: Session, blocked: set[int], unit_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Where each unit is written to: its bound work group, else each bound member privately."""
    groups: dict[int, list[int]] = defaultdict(list)
    bound = select(ChatBinding.unit_id, ChatBinding.chat_id).where(
        ChatBinding.unit_id.is_not(None), ChatBinding.disabled_at.is_(None)
    )
    members_of = select(Person.unit_id, Person.telegram_user_id).where(
        Person.unit_id.is_not(None), Person.telegram_user_id.is_not(None), Person.active
    )
    if unit_ids is not None:
        bound = bound.where(ChatBinding.unit_id.in_(unit_ids))
        members_of = members_of.where(Person.unit_id.in_(unit_ids))
    for unit_id, chat_id in session.execute(bound):
        assert unit_id is not None  # the WHERE says so; the type cannot
        groups[unit_id].append(chat_id)
    members: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in session.execute(members_of):
        assert unit_id is not None and user_id is not None
        if user_id not in blocked:
            members[unit_id].append(user_id)
    return {unit: groups.get(unit) or members.get(unit, []) for unit in {*groups, *members}}
