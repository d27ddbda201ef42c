"""The office's planners: 交办 announcements, the one chase of who has not signed, the
office told of unreachable units, and what newly waits on the office pushed hourly.

Announcing is planning, not the handler's job: every task with no `announced_at`
is announced at the next scan, whether /newtask, an import or the CLI made it
(the CLI has no bot; its rows wait for the running bot's scan). Working days
only: a task given on a Saturday is announced on Monday morning.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.accounts.binding import reachable_supervisors
from bot.core.buttons import task_buttons
from bot.core.messages import Button
from bot.office.announcements import (
    announcement_text,
    chase_text,
    merge_announcements,
    merge_chases,
    merge_unreachable,
    unreachable_text,
)
from bot.office.pending import PUSHED, pending_lines, waiting
from bot.office.signoffs import SIGN, Party, parties_of, signoffs_of, unsigned
from bot.outbox.kinds import MORNING, KindHooks, register_kind
from bot.outbox.rows import Planned, enqueue_new
from db.models import MessageKind, OutboxKind, OutboxMessage, OutboxState, Person, Task, TaskState
from jobs.scan import PlanningPass, add_planner
from jobs.schedule import at, morning

ANNOUNCE = "office: announcements and chases"
PUSH = "office: what waits, hourly"
BATCH = 2000  # tasks announced in one pass (an import of more goes out over a few scans)
CHASE_WINDOW = timedelta(days=7)  # a signature due longer ago than this is not chased
PUSH_EVERY = timedelta(hours=1)


def _party_chats(step: PlanningPass, party: Party, leaders: dict[int, int]) -> list[int]:
    if party.unit_id is not None:
        return step.unit_chats.get(party.unit_id, [])
    chat = leaders.get(party.leader_id or 0)
    return [chat] if chat is not None and chat not in step.blocked else []


def _leader_chats(step: PlanningPass) -> dict[int, int]:
    return step.once(
        "leader chats",
        lambda: {
            person: chat
            for person, chat in step.session.execute(
                select(Person.id, Person.telegram_user_id).where(
                    Person.active, Person.telegram_user_id.is_not(None)
                )
            )
            if chat is not None
        },
    )


def _sign_buttons(
    step: PlanningPass, tasks: list[Task]
) -> dict[int, tuple[tuple[Button, ...], ...]]:
    """Each task's 签收 button, labelled with its code (a merged notice holds several)."""
    refs = task_buttons(step.session, {task.id for task in tasks}, (SIGN,))
    codes = {task.id: task.code for task in tasks}
    return {
        task_id: (tuple(Button(f"{codes[task_id]} 签收", data) for _, data in actions),)
        for task_id, actions in refs.items()
    }


def plan_announcements(step: PlanningPass) -> int:
    """Announce every task not announced yet to each party's chats, and tell the office
    of each party nobody can reach; the task is then announced, its signature due a
    working day later."""
    session, now, zone = step.session, step.now, step.zone
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.announced_at.is_(None))
            .options(
                selectinload(Task.lead_unit),
                selectinload(Task.cooperating_units),
                selectinload(Task.lead_leader),
                selectinload(Task.milestones),
            )
            .order_by(Task.id)
            .limit(BATCH)
        )
    )
    if not tasks:
        return 0
    leaders = _leader_chats(step)
    offices = [
        p.telegram_user_id
        for p in reachable_supervisors(session)
        if p.telegram_user_id is not None and p.telegram_user_id not in step.blocked
    ]
    buttons = _sign_buttons(step, tasks)
    sign_due = at(step.calendar.add_workdays(step.today, 1), now.astimezone(zone).time(), zone)
    rows: list[Planned] = []
    for task in tasks:
        task.announced_at, task.sign_due_at = now, sign_due
        if task.state == TaskState.VERIFIED:  # imported as already done: nothing to sign
            continue
        for party in parties_of(task):
            chats = _party_chats(step, party, leaders)
            text = announcement_text(task, party, zone)
            for chat in chats:
                rows.append(
                    Planned(
                        f"a:{task.id}:{chat}",
                        chat,
                        OutboxKind.ANNOUNCEMENT,
                        text,
                        now,
                        task.id,
                        buttons[task.id],
                    )
                )
            if not chats and party.unit_id is not None:
                line = unreachable_text(task, party.name, party.lead)
                for office in offices:
                    key = f"u:{task.id}:{party.unit_id}:{office}"
                    rows.append(Planned(key, office, OutboxKind.UNREACHABLE, line, now, task.id))
    return enqueue_new(session, rows, now=now)


def plan_chases(step: PlanningPass) -> int:
    """Chase once each party that has not signed a working day after 交办.

    With the morning message, the chase is part of the morning of the day the
    signature falls due (one message a chat a morning), not a message of its own later.
    """
    session, now, settings = step.session, step.now, step.settings
    due_by = now
    if settings.morning_message:
        if not step.calendar.is_workday(step.today) or now < morning(step.today, settings):
            return 0
        due_by = at(step.today + timedelta(days=1), time(0), step.zone)  # due today
    tasks = list(
        session.scalars(
            select(Task)
            .where(
                Task.state == TaskState.OPEN,
                Task.sign_due_at < due_by,
                Task.sign_due_at > now - CHASE_WINDOW,
            )
            .options(
                selectinload(Task.lead_unit),
                selectinload(Task.cooperating_units),
                selectinload(Task.lead_leader),
            )
        )
    )
    if not tasks:
        return 0
    signed = signoffs_of(session, [task.id for task in tasks])
    leaders = _leader_chats(step)
    buttons = _sign_buttons(step, tasks)
    rows = []
    for task in tasks:
        for party in unsigned(task, signed.get(task.id, [])):
            who = f"u{party.unit_id}" if party.unit_id is not None else f"l{party.leader_id}"
            for chat in _party_chats(step, party, leaders):
                rows.append(
                    Planned(
                        f"sc:{task.id}:{who}:{chat}",
                        chat,
                        OutboxKind.SIGN_CHASE,
                        chase_text(task, party),
                        now,
                        task.id,
                        buttons[task.id],
                    )
                )
    return enqueue_new(session, rows, now=now)


def plan_announcing(step: PlanningPass) -> int:
    return plan_announcements(step) + plan_chases(step)


def plan_push(step: PlanningPass) -> int:
    """What newly waits on the office since a supervisor was last told (the morning
    digest or the last push), at most once an hour, in one message; working hours only."""
    session, now, settings, zone = step.session, step.now, step.settings, step.zone
    local = now.astimezone(zone).time()
    if local < settings.digest_time or local >= settings.quiet_start:
        return 0
    midnight = at(step.today, time(0), zone)
    rows = []
    items = None
    for person in reachable_supervisors(session):
        chat = person.telegram_user_id
        if chat is None or chat in step.blocked:
            continue
        told = session.execute(
            select(OutboxMessage.kind, func.max(OutboxMessage.created_at))
            .where(
                OutboxMessage.chat_id == chat,
                OutboxMessage.kind.in_([OutboxKind.DIGEST, OutboxKind.OFFICE_PENDING]),
                OutboxMessage.created_at >= midnight,
                OutboxMessage.state != OutboxState.CANCELLED,
            )
            .group_by(OutboxMessage.kind)
        ).all()
        last = dict(told)
        if OutboxKind.DIGEST not in last:
            continue  # the morning digest heads the day; nothing is pushed before it
        pushed = last.get(OutboxKind.OFFICE_PENDING)
        if pushed is not None and pushed > now - PUSH_EVERY:
            continue
        since = max(at for at in last.values() if at is not None)
        if items is None:
            items = [i for i in waiting(session, now=now, zone=zone) if i.section in PUSHED]
        new = [item for item in items if item.since is not None and item.since > since]
        if not new:
            continue
        text = "\n".join(
            ["🔔 新的待督查室处理事项：", *pending_lines(new, zone), "", "发送 /pending 逐项处理。"]
        )
        hour = now.astimezone(zone).strftime("%Y-%m-%dT%H")
        rows.append(Planned(f"op:{chat}:{hour}", chat, OutboxKind.OFFICE_PENDING, text, now))
    return enqueue_new(session, rows, now=now)


def register() -> None:
    add_planner(ANNOUNCE, plan_announcing)
    add_planner(PUSH, plan_push)
    signing = MessageKind.ANNOUNCEMENT  # a reply "收到" signs, other words report
    register_kind(OutboxKind.ANNOUNCEMENT, KindHooks(merge=merge_announcements, reply_kind=signing))
    # The chase is part of the working morning's one message (its 签收 buttons kept).
    register_kind(
        OutboxKind.SIGN_CHASE, KindHooks(merge=merge_chases, reply_kind=signing, family=MORNING)
    )
    register_kind(OutboxKind.UNREACHABLE, KindHooks(merge=merge_unreachable))
