"""The ledger's planner: today's reminders to the units, escalations to the lead leaders.

Idempotent: every row has a key (task, milestone, deadline, local day, chat;
an escalation: task, deadline, chat), keys already written are skipped before
any text is built, and the insert ignores a key another process wrote
meanwhile. So planning runs every scan and after any change, and a person who
binds today is reminded at the next scan. Reminders of an earlier day still
waiting are dropped as stale. Working days only: on a day off the ladder's
points move to the next working day (`jobs.schedule`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.calendar.workcalendar import WorkCalendar
from bot.core.buttons import task_buttons
from bot.core.messages import Button
from bot.core.timefmt import local_time
from bot.ledger.cards import ACTION_LABELS, DONE, EXTEND, PROGRESS
from bot.ledger.lights import LIGHT_ICONS, Light, days_overdue, light_of
from bot.ledger.reminders import merge_reminders
from bot.outbox.kinds import MORNING, Claimed, KindHooks, Outgoing, register_kind
from bot.outbox.rows import Planned, cancel_stale, enqueue
from bot.settings import Settings
from db.models import MessageKind, Milestone, OutboxKind, OutboxMessage, Person, Task, TaskState
from jobs.scan import PlanningPass, add_planner
from jobs.schedule import at, morning, reminded_today, workdays_left

KEY_CHUNK = 500
ACTIONS = (PROGRESS, DONE, EXTEND)  # a reminder's buttons
STALE = "ledger: stale reminders"  # the planners' names, for `jobs.register_all`'s order
REMINDERS = "ledger: reminders and escalations"


@dataclass(frozen=True)
class _Due:
    task_id: int
    milestone_id: int | None
    code: str
    title: str
    milestone_title: str | None
    unit_id: int
    leader_id: int | None
    due: datetime


def drop_stale(step: PlanningPass) -> int:
    """What an earlier day planned and is not sent yet gives way to today's: its reminders
    are planned again today. An escalation is one per deadline: its key is set aside so
    today's planning writes it again, saying how late the task is today."""
    midnight = at(step.today, time(0), step.zone)
    cancel_stale(
        step.session,
        [OutboxKind.REMINDER],
        due_before=midnight,
        why="已过期：由今天的提醒代替",
    )
    cancel_stale(
        step.session,
        [OutboxKind.ESCALATION],
        due_before=midnight,
        why="已过期：今天重新报告",
        free_key=True,
    )
    return 0


def plan_reminders(step: PlanningPass) -> int:
    """Write today's reminders and escalations; returns rows written.

    Not before the morning: they are planned in the pass that plans the digests, so the
    sender (here or in `python -m bot send`) claims them together and each chat gets
    one morning message. A reminder planned later in the day (a task given at 14:00
    and due tomorrow) goes out then, on its own: it is news, not the morning's routine.
    """
    session, settings, calendar, today = step.session, step.settings, step.calendar, step.today
    if settings.morning_message and step.now < morning(today, settings):
        return 0
    # Most urgent first: a merged reminder lists its tasks in row order.
    due = sorted(_due_today(session, today, settings, calendar), key=lambda d: (d.due, d.code))
    chats = step.unit_chats
    leaders = _leader_chats(session, step.blocked)
    candidates: list[tuple[str, _Due, int, OutboxKind]] = []
    for item in due:
        deadline_mark = int(item.due.timestamp())
        for chat in chats.get(item.unit_id, ()):
            key = f"r:{item.task_id}:{item.milestone_id or 0}:{deadline_mark}:{today}:{chat}"
            candidates.append((key, item, chat, OutboxKind.REMINDER))
        leader_chat = leaders.get(item.leader_id) if item.leader_id else None
        if item.milestone_id is None and leader_chat and _escalate(item, today, settings, calendar):
            key = f"e:{item.task_id}:{deadline_mark}:{leader_chat}"
            candidates.append((key, item, leader_chat, OutboxKind.ESCALATION))
    fresh = _new_keys(session, [key for key, *_ in candidates])
    todo = [candidate for candidate in candidates if candidate[0] in fresh]
    texts = _Texts(
        session,
        now=step.now,
        today=today,
        zone=step.zone,
        calendar=calendar,
        yellow_until=step.yellow_until,
        reminder_at=morning(today, settings),
        tasks={item.task_id for _, item, _, kind in todo if kind == OutboxKind.REMINDER},
    )
    return enqueue(session, [texts.row(*candidate) for candidate in todo], now=step.now)


def _escalate(item: _Due, today: date, settings: Settings, calendar: WorkCalendar) -> bool:
    """Whether the lead leader is told: overdue by the set number of working days."""
    due_day = item.due.astimezone(settings.zone).date()
    return due_day < today and today >= calendar.add_workdays(
        due_day, settings.escalate_after_workdays
    )


def _windows(today: date, settings: Settings, calendar: WorkCalendar) -> list[tuple[date, date]]:
    """Due days (inclusive ranges) that may be reminded today; `reminded_today` decides."""
    since = calendar.previous_workday(today)
    windows = [(date.min, calendar.next_workday(today))]  # overdue, due, last working day before
    for days in settings.reminder_days:
        windows.append((since + timedelta(days=days + 1), today + timedelta(days=days)))
    return windows


def _due_today(
    session: Session, today: date, settings: Settings, calendar: WorkCalendar
) -> Iterable[_Due]:
    zone = settings.zone

    def between(
        column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
        first: date,
        last: date,
    ) -> ColumnElement[bool]:
        start = at(first, time(0), zone) if first != date.min else None
        end = at(last + timedelta(days=1), time(0), zone)
        return and_(column < end, column >= start) if start else column < end

    windows = _windows(today, settings, calendar)
    is_open = Task.state == TaskState.OPEN
    tasks = session.execute(
        select(
            Task.id, Task.code, Task.title, Task.lead_unit_id, Task.lead_leader_id, Task.deadline
        ).where(is_open, or_(*(between(Task.deadline, a, b) for a, b in windows)))
    )
    for task_id, code, title, unit_id, leader_id, deadline in tasks:
        if deadline is not None and reminded_today(
            deadline.astimezone(zone).date(), today, settings.reminder_days, calendar
        ):
            yield _Due(task_id, None, code, title, None, unit_id, leader_id, deadline)
    milestones = session.execute(
        select(
            Task.id,
            Milestone.id,
            Task.code,
            Task.title,
            Milestone.title,
            Task.lead_unit_id,
            Task.lead_leader_id,
            Milestone.due_at,
        )
        .join(Milestone, Milestone.task_id == Task.id)
        .where(
            is_open,
            Milestone.done_at.is_(None),
            or_(*(between(Milestone.due_at, a, b) for a, b in windows)),
        )
    )
    for task_id, milestone_id, code, title, m_title, unit_id, leader_id, due_at in milestones:
        if reminded_today(due_at.astimezone(zone).date(), today, settings.reminder_days, calendar):
            yield _Due(task_id, milestone_id, code, title, m_title, unit_id, leader_id, due_at)


def _leader_chats(session: Session, blocked: set[int]) -> dict[int, int]:
    return {
        person_id: user_id
        for person_id, user_id in session.execute(
            select(Person.id, Person.telegram_user_id).where(
                Person.telegram_user_id.is_not(None), Person.active
            )
        )
        if user_id is not None and user_id not in blocked
    }


def _new_keys(session: Session, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        known.update(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))))
    return set(keys) - known


class _Texts:
    """What each new row says, with every task's buttons loaded in a few queries.

    A task reminded in several chats (a unit's members, privately) says the same
    in each: its line and buttons are built once; so is the wording of each
    deadline, shared by the tasks due then.
    """

    def __init__(
        self,
        session: Session,
        *,
        now: datetime,
        today: date,
        zone: ZoneInfo,
        calendar: WorkCalendar,
        yellow_until: datetime,
        reminder_at: datetime,
        tasks: set[int],
    ) -> None:
        self.now, self.today, self.zone, self.calendar = now, today, zone, calendar
        self.yellow_until, self.reminder_at = yellow_until, reminder_at
        self.buttons = task_buttons(session, tasks, ACTIONS)
        self.lines: dict[tuple[int, int | None], str] = {}
        self.labelled: dict[int, tuple[tuple[Button, ...], ...]] = {}
        self.whens: dict[datetime, tuple[str, str]] = {}

    def row(self, key: str, item: _Due, chat: int, kind: OutboxKind) -> Planned:
        line = self.lines.get((item.task_id, item.milestone_id))
        if line is None:
            line = self.lines[(item.task_id, item.milestone_id)] = self._line(item)
        if kind == OutboxKind.ESCALATION:
            due = max(self.reminder_at, self.now)  # not before the unit itself is reminded
            return Planned(key, chat, kind, line, due, item.task_id)  # merged with the digest
        buttons = self.labelled.get(item.task_id)
        if buttons is None:
            # Labelled with the code: merged reminders put several tasks' buttons under one
            # message.
            buttons = self.labelled[item.task_id] = (
                tuple(
                    Button(f"{item.code} {ACTION_LABELS[action]}", data)
                    for action, data in self.buttons[item.task_id]
                ),
            )
        due = max(self.reminder_at, self.now)
        return Planned(key, chat, kind, line, due, item.task_id, buttons)

    def _line(self, item: _Due) -> str:
        what = f"{item.code} {item.title}"
        if item.milestone_title:
            what += f"｜节点：{item.milestone_title}"
        when = self.whens.get(item.due)
        if when is None:  # deadlines bunch on a few days: 9,000 tasks, about 120 distinct
            when = self.whens[item.due] = self._when(item.due)
        icon, due = when
        return f"{icon} {what} · {due}"

    def _when(self, due: datetime) -> tuple[str, str]:
        """A deadline's light and how it reads: `截止 2026-05-08（周五）18:00 · 还有3个工作日`."""
        now, zone = self.now, self.zone
        light = light_of(TaskState.OPEN, due, now, self.yellow_until) or Light.GREEN
        due_day = due.astimezone(zone).date()
        if due < now:
            nearness = f"已逾期{days_overdue(due, now, zone)}天"
        elif due_day == self.today:
            nearness = "今天到期"
        else:
            nearness = f"还有{workdays_left(self.today, due_day, self.calendar)}个工作日"
        return LIGHT_ICONS[light], f"截止 {local_time(due, zone)} · {nearness}"


def escalations_alone(rows: list[Claimed], now: datetime, zone: ZoneInfo) -> list[Outgoing]:
    """Without the morning message (`morning_message` off): one message per overdue task."""
    return [
        Outgoing(row.chat_id, [row], f"⚠️ 您包联的事项已逾期：\n{row.text}", (), [row.task_id])
        for row in rows
        if row.task_id
    ]


def register() -> None:
    """The ledger's planners and its outbox kinds."""
    add_planner(STALE, drop_stale, days_off=True)
    add_planner(REMINDERS, plan_reminders)
    # Reminders and escalations are of the morning's family: merged with the digest into
    # one message a chat (`bot.reports.morning`); alone, reminders merge by themselves.
    register_kind(
        OutboxKind.REMINDER,
        KindHooks(merge=merge_reminders, reply_kind=MessageKind.REMINDER, family=MORNING),
    )
    register_kind(
        OutboxKind.ESCALATION,
        KindHooks(merge=escalations_alone, reply_kind=MessageKind.REMINDER, family=MORNING),
    )
