"""On duty during a holiday: who is on post, asking them, their answers, the day's log.

Planning (`jobs.duty`) writes a `DutyCheck` for each shift start (到岗确认) and
for each spot check (查岗) drawn for a unit's day, and an outbox row that asks
the person on duty. The sender marks the check asked (`mark_asked`) with the
message it sent, so a reply to that message or its button answers the check
(`answer`). `day_log` is the supervisors' daily duty summary.

The person on duty is found by the roster's name and phone among the unit's
bound members; when they are not bound, the unit's bound work group is asked,
naming them; when neither exists nobody can be asked, and the log says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from bot.core.access import Actor, Refusal, person_id, require_duty_answer
from bot.duty import Post
from bot.duty.phones import canonical_number, phone_numbers
from bot.outbox.kinds import Claimed
from db.models import (
    ChatBinding,
    DutyCheck,
    DutyCheckKind,
    DutyRoster,
    Person,
    RosterShift,
    Unit,
)
from db.updates import updated_rows

ANSWER_DUTY = "answer_duty"  # the button of a duty prompt (到岗确认, 在岗)
PROMPT = "dp:"  # the outbox key of a check's prompt: PROMPT + the check's key


def prompt_key(check_key: str) -> str:
    return PROMPT + check_key


@dataclass(frozen=True)
class OnDuty:
    """Who holds a post at a moment, and where the bot can reach them."""

    unit_id: int
    post: Post
    name: str
    phone: str
    starts_at: datetime
    ends_at: datetime
    person: Person | None  # the bound person the roster's line names
    chat_id: int | None  # their private chat, else the unit's work group, else None

    @property
    def in_group(self) -> bool:
        return self.person is None and self.chat_id is not None


def current_shifts(
    session: Session, *, starting_from: datetime, until: datetime
) -> Sequence[Row[int, RosterShift]]:
    """(unit id, shift) of every current roster's shift starting in [from, until]."""
    return session.execute(
        select(DutyRoster.unit_id, RosterShift)
        .join(RosterShift, RosterShift.roster_id == DutyRoster.id)
        .where(
            DutyRoster.current,
            RosterShift.starts_at >= starting_from,
            RosterShift.starts_at <= until,
        )
        .order_by(RosterShift.starts_at, RosterShift.id)
    ).all()


def on_duty(session: Session, unit_id: int, post: Post, moment: datetime) -> list[RosterShift]:
    """The unit's current-roster shifts of `post` that cover `moment`."""
    return list(
        session.scalars(
            select(RosterShift)
            .join(DutyRoster, RosterShift.roster_id == DutyRoster.id)
            .where(
                DutyRoster.current,
                DutyRoster.unit_id == unit_id,
                RosterShift.post == post,
                RosterShift.starts_at <= moment,
                RosterShift.ends_at > moment,
            )
            .order_by(RosterShift.starts_at, RosterShift.id)
        )
    )


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _numbers(phone: str | None) -> set[str]:
    return {n for n in map(canonical_number, phone_numbers(phone or "")) if n}


class Reach:
    """Where each unit's people on duty can be asked, read once for a planning pass."""

    def __init__(self, session: Session, blocked: set[int]) -> None:
        self.members: dict[int, list[Person]] = {}
        for person in session.scalars(
            select(Person).where(
                Person.unit_id.is_not(None), Person.active, Person.telegram_user_id.is_not(None)
            )
        ):
            assert person.unit_id is not None  # the WHERE says so; the type cannot
            if person.telegram_user_id not in blocked:
                self.members.setdefault(person.unit_id, []).append(person)
        self.groups: dict[int, int] = {}
        for unit_id, chat_id in session.execute(
            select(ChatBinding.unit_id, ChatBinding.chat_id)
            .where(ChatBinding.unit_id.is_not(None), ChatBinding.disabled_at.is_(None))
            .order_by(ChatBinding.id)
        ):
            assert unit_id is not None
            self.groups.setdefault(unit_id, chat_id)

    def person(self, unit_id: int, name: str, phone: str) -> Person | None:
        """The unit's bound member a roster line names: by mobile number, else by name."""
        people = self.members.get(unit_id, [])
        numbers = _numbers(phone)
        for person in people:
            if numbers & _numbers(person.phone):
                return person
        named = [p for p in people if _name_key(p.name) == _name_key(name)]
        return named[0] if len(named) == 1 else None

    def of(self, unit_id: int, shift: RosterShift) -> OnDuty:
        person = self.person(unit_id, shift.name, shift.phone)
        chat = person.telegram_user_id if person is not None else self.groups.get(unit_id)
        return OnDuty(
            unit_id,
            shift.post,
            shift.name,
            shift.phone,
            shift.starts_at,
            shift.ends_at,
            person,
            chat,
        )


def mark_asked(
    session: Session, rows: list[Claimed], chat_id: int, message_id: int, now: datetime
) -> None:
    """The sender sent these checks' prompt: the answer window opens now, and a reply
    to that message answers it (registered for the duty prompt kind)."""
    check_ids = [row.duty_check_id for row in rows if row.duty_check_id is not None]
    if not check_ids:
        return
    session.execute(
        update(DutyCheck)
        .where(DutyCheck.id.in_(check_ids), DutyCheck.asked_at.is_(None))
        .values(asked_at=now, chat_id=chat_id, message_id=message_id)
        .execution_options(synchronize_session=False)
    )


def check_of_message(session: Session, *, chat_id: int, message_id: int) -> DutyCheck | None:
    return session.scalar(
        select(DutyCheck).where(DutyCheck.chat_id == chat_id, DutyCheck.message_id == message_id)
    )


# "在岗", "到岗了", "已到", "收到", "在": what someone on duty types instead of pressing.
PRESENCE = re.compile(r"^\s*(已|我)?(在岗|到岗|已到|到了|在|收到|明白|好的?)(了|！|!|。|\.)*\s*$")


def waiting_check(session: Session, *, chat_id: int, now: datetime) -> DutyCheck | None:
    """The latest prompt in this chat still unanswered today or yesterday, if any.

    A reply to a copy of the prompt the bot does not know (a send that timed out
    after Telegram took it, then sent again) or a bare 在岗 answers this one.
    """
    return session.scalar(
        select(DutyCheck)
        .where(
            DutyCheck.chat_id == chat_id,
            DutyCheck.answered_at.is_(None),
            DutyCheck.asked_at.is_not(None),
            DutyCheck.asked_at > now - timedelta(days=1),
        )
        .order_by(DutyCheck.asked_at.desc(), DutyCheck.id.desc())
        .limit(1)
    )


def answer(
    session: Session, check: DutyCheck, *, actor: Actor, now: datetime, zone: ZoneInfo
) -> str:
    """Record the answer to a prompt (the first one counts) and say so in Chinese."""
    require_duty_answer(actor, unit_id=check.unit_id, asked_id=check.person_id)
    recorded = updated_rows(
        session,
        update(DutyCheck)
        .where(DutyCheck.id == check.id, DutyCheck.answered_at.is_(None))
        .values(answered_at=now, answered_by_id=person_id(actor))
        .execution_options(synchronize_session=False),
    )
    session.refresh(check)
    clock = f"{check.answered_at.astimezone(zone):%H:%M}" if check.answered_at else ""
    if not recorded:
        return f"已于 {clock} 应答过，无需重复。"
    if check.kind == DutyCheckKind.ARRIVAL:
        return f"已确认到岗（{clock}），值班辛苦了。"
    late = ""
    if check.office_told_at is not None:
        late = "（已超过应答时限，已告知带班领导和督查室）"
    elif check.leader_told_at is not None:
        late = "（已超过应答时限，已告知带班领导）"
    return f"已记录：{clock} 应答查岗，在岗{late}。"


def check_by_id(session: Session, check_id: int) -> DutyCheck:
    check = session.get(DutyCheck, check_id)
    if check is None:
        raise Refusal("这条值班提醒已不存在。")
    return check


# --- the day's log -----------------------------------------------------------


def _hm(moment: datetime | None, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}" if moment else ""


def _who(check: DutyCheck) -> str:
    post = check.post.label if check.post else "值班员"
    return f"{post} {check.name}" if check.name else post


def day_log(
    session: Session,
    day: date,
    *,
    zone: ZoneInfo,
    window: timedelta,
    now: datetime,
    limit: int = 30,
) -> list[str]:
    """What the rosters held on `day`, and who confirmed, who answered, who missed: the
    daily duty summary's lines."""
    checks = list(
        session.scalars(
            select(DutyCheck).where(DutyCheck.day == day).order_by(DutyCheck.at, DutyCheck.id)
        )
    )
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    arrivals = [c for c in checks if c.kind == DutyCheckKind.ARRIVAL]
    spots = [c for c in checks if c.kind == DutyCheckKind.SPOT]
    confirmed = [c for c in arrivals if c.answered_at]
    unasked = [c for c in arrivals if c.asked_at is None]
    on_time = [
        c for c in spots if c.answered_at and c.asked_at and c.answered_at <= c.asked_at + window
    ]
    late = [c for c in spots if c.answered_at and c not in on_time]
    waiting = [c for c in spots if c.asked_at and not c.answered_at and c.asked_at + window > now]
    missed = [c for c in spots if c.asked_at and not c.answered_at and c not in waiting]
    not_sent = [c for c in spots if c.asked_at is None and c.at <= now]
    later = [c for c in spots if c.asked_at is None and c.at > now]
    spot_line = (
        f"查岗：{len(spots)} 次，按时应答 {len(on_time)}，超时应答 {len(late)}，"
        f"未应答 {len(missed)}，未能发出 {len(not_sent)}"
    )
    if waiting:
        spot_line += f"，待应答 {len(waiting)}"
    if later:
        spot_line += f"，未到时间 {len(later)}"
    units, shifts = roster_held(session, day, zone)
    lines = [
        f"值班表：{units} 个单位排班，{shifts} 个班次",
        f"到岗确认：{len(arrivals)} 个班次，已确认 {len(confirmed)}，"
        f"未确认 {len(arrivals) - len(confirmed) - len(unasked)}，无法询问 {len(unasked)}",
        spot_line,
    ]

    def listed(title: str, rows: list[DutyCheck], words: Callable[[DutyCheck], str]) -> None:
        if not rows:
            return
        lines.append(title)
        lines.extend(f"· {names.get(c.unit_id, '')} {words(c)}" for c in rows[:limit])
        if len(rows) > limit:
            lines.append(f"…另有 {len(rows) - limit} 条")

    def missed_words(c: DutyCheck) -> str:
        told = "，已告知带班领导" if c.leader_told_at else ""
        told += "、督查室" if c.office_told_at else ""
        return f"{_who(c)} {_hm(c.asked_at, zone)} 查岗未应答{told}"

    listed("未应答查岗：", missed, missed_words)
    listed(
        "超时应答：",
        late,
        lambda c: f"{_who(c)} {_hm(c.asked_at, zone)} 查岗，{_hm(c.answered_at, zone)} 应答",
    )
    listed(
        "未确认到岗：",
        [c for c in arrivals if c.asked_at and not c.answered_at],
        lambda c: f"{_who(c)} {_hm(c.at, zone)} 接班",
    )
    if not checks and shifts:
        lines.append("当日系统未运行，值班表中的班次未能询问到岗和查岗。")
    elif not checks:
        lines.append("当日没有到岗确认和查岗记录（值班表未排到这一天）。")
    listed(
        "未能询问：",
        [*unasked, *not_sent],
        lambda c: f"{_who(c)} {_hm(c.at, zone)}（{c.note or '未发出'}）",
    )
    return lines


def roster_held(session: Session, day: date, zone: ZoneInfo) -> tuple[int, int]:
    """(units, shifts) of the current rosters whose shifts start on `day` (local)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    rows = session.execute(
        select(DutyRoster.unit_id, RosterShift.id)
        .join(RosterShift, RosterShift.roster_id == DutyRoster.id)
        .where(
            DutyRoster.current,
            RosterShift.starts_at >= start,
            RosterShift.starts_at < start + timedelta(days=1),
        )
    ).all()
    return len({unit for unit, _ in rows}), len(rows)
