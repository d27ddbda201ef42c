"""Planning: write the outbox rows the ledger and the calendar make due today.

Idempotent: every row has a key (task, milestone, kind, deadline, local day,
chat), keys already written are skipped before any text is built, and the
insert ignores a key another process wrote meanwhile. So planning runs every
scan and after any change, and a person who binds today is reminded at the
next scan. Rows of an earlier day still waiting are dropped as stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, func, or_, select, update
from sqlalchemy.orm import Session

from bot.accounts.binding import reachable_supervisors, unit_chats
from bot.calendar.workcalendar import WorkCalendar
from bot.core.buttons import task_buttons
from bot.core.messages import Button
from bot.core.text import cut
from bot.core.timefmt import local_time
from bot.duty import gap_lines
from bot.duty.storage import collected_period, duty_status_lines
from bot.duty.storage import coverage as roster_coverage
from bot.ledger.cards import ACTION_LABELS, DONE, EXTEND, PROGRESS
from bot.ledger.lights import LIGHT_ICONS, Light, days_overdue, light_of
from bot.ledger.reminders import merge_reminders
from bot.outbox.kinds import KindHooks, register_kind
from bot.outbox.rows import WAITING, Planned, enqueue, enqueue_new
from bot.reports.bulletin.period import IsoWeek
from bot.reports.digest import Audience, build_digests
from bot.reports.snapshots import has_snapshot, take_snapshot
from bot.reports.summary import LedgerSummary, ledger_summary
from bot.reports.weekly import bulletin_day, bulletin_document
from bot.settings import Settings
from db.keys import existing_keys
from db.models import (
    ChatBinding,
    Invitation,
    MessageKind,
    Milestone,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Task,
    TaskState,
    Unit,
)
from jobs.duty import plan_duty
from jobs.schedule import at, reminded_today, workdays_left

KEY_CHUNK = 500
ACTIONS = (PROGRESS, DONE, EXTEND)  # a reminder's buttons


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


def plan(
    session: Session,
    *,
    now: datetime,
    settings: Settings,
    calendar: WorkCalendar,
    yellow_until: datetime,
) -> int:
    """Write today's reminders, escalations and (at digest time) digests; returns rows written."""
    zone = settings.zone
    today = now.astimezone(zone).date()
    _drop_stale(session, today, zone)
    digest_at = at(today, settings.digest_time, zone)
    county = None  # the county's summary, read once for the snapshot and the digests
    if now >= digest_at and not has_snapshot(session, today):  # once a day, days off too
        county = ledger_summary(
            session, now=now, yellow_until=yellow_until, stale_days=settings.stale_report_days
        )
        take_snapshot(session, county, today)
    blocked = _blocked(session)  # chats that refused the bot: read once a scan
    # Duty prompts run every day: a holiday is when they matter.
    duty = plan_duty(session, now=now, settings=settings, calendar=calendar, blocked=blocked)
    if not calendar.is_workday(today):
        return duty  # no reminders on a day off; the points move to the next working day
    # Most urgent first: a merged reminder lists its tasks in row order.
    due = sorted(_due_today(session, today, settings, calendar), key=lambda d: (d.due, d.code))
    chats = unit_chats(session, blocked)
    leaders = _leader_chats(session, blocked)
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
        now=now,
        today=today,
        zone=zone,
        calendar=calendar,
        yellow_until=yellow_until,
        reminder_at=at(today, settings.reminder_time, zone),
        tasks={item.task_id for _, item, _, kind in todo if kind == OutboxKind.REMINDER},
    )
    written = enqueue(session, [texts.row(*candidate) for candidate in todo], now=now)
    if now >= digest_at:
        written += _plan_digests(
            session, now, digest_at, today, settings, calendar, yellow_until, chats, blocked, county
        )
    written += _plan_bulletin(session, now, today, settings, calendar, blocked)
    return duty + written + _plan_roster_chasing(session, now, today, settings, calendar, chats)


def _plan_roster_chasing(
    session: Session,
    now: datetime,
    today: date,
    settings: Settings,
    calendar: WorkCalendar,
    chats: dict[int, list[int]],
) -> int:
    """From the roster deadline until the holiday, each unit whose roster is missing or
    has gaps is reminded once a working day."""
    period = collected_period(calendar, today)
    if period is None or today >= period.first_day:
        return 0
    deadline = period.first_day
    for _ in range(settings.roster_deadline_workdays):
        deadline = calendar.previous_workday(deadline)
    if today < deadline:
        return 0
    report = roster_coverage(session, period, zone=settings.zone)
    ids = dict(session.execute(select(Unit.name, Unit.id)).all())
    due = max(at(today, settings.reminder_time, settings.zone), now)
    rows = []
    for unit in report.units:
        if unit.covered:
            continue
        if unit.submitted:
            details = [line for gap in unit.gaps for line in gap_lines(gap)]
            text = "\n".join(
                [
                    f"📅 {period.name}值班表还有空档，请补充后重新报送（/duty）：",
                    *cut(details, 10, "处"),
                ]
            )
        else:
            due_words = (
                f"请于{_md(deadline)}前报送"
                if today <= deadline
                else f"已过报送期限（{_md(deadline)}），请尽快报送"
            )
            text = (
                f"📅 {due_words}{period.name}值班表（{_md(period.first_day)}至"
                f"{_md(period.last_day)}，每天24小时都要有带班领导和值班员）。发送 /duty 查看格式。"
            )
        for chat in chats.get(ids[unit.unit], ()):
            key = f"rr:{ids[unit.unit]}:{period.first_day}:{today}:{chat}"
            rows.append(Planned(key, chat, OutboxKind.ROSTER_REMINDER, text, due))
    return enqueue_new(session, rows, now=now)


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _plan_bulletin(
    session: Session,
    now: datetime,
    today: date,
    settings: Settings,
    calendar: WorkCalendar,
    blocked: set[int],
) -> int:
    """The week's bulletin for every supervisor, once, on its day (built when sent)."""
    week = IsoWeek.of(now, settings.zone)
    if bulletin_day(week, settings.bulletin_weekday, calendar) != today:
        return 0
    due = at(today, settings.bulletin_time, settings.zone)
    if now < due:
        return 0
    rows = [
        Planned(f"b:{week}:{chat}", chat, OutboxKind.BULLETIN, str(week), due)
        for chat in (person.telegram_user_id for person in reachable_supervisors(session))
        if chat is not None and chat not in blocked
    ]
    return enqueue_new(session, rows, now=now)


def _escalate(item: _Due, today: date, settings: Settings, calendar: WorkCalendar) -> bool:
    """Whether the lead leader is told: overdue by the set number of working days."""
    due_day = item.due.astimezone(settings.zone).date()
    return due_day < today and today >= calendar.add_workdays(
        due_day, settings.escalate_after_workdays
    )


def _drop_stale(session: Session, today: date, zone: ZoneInfo) -> None:
    """What an earlier day planned and is not sent yet gives way to today's.

    Reminders, digests and roster reminders are planned again today. An
    escalation is one per deadline: its key is set aside so today's planning
    writes it again, saying how late the task is today. A bulletin more than a
    day late is dropped: next week's comes on its day.
    """
    midnight = at(today, time(0), zone)
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind.in_(
                [OutboxKind.REMINDER, OutboxKind.DIGEST, OutboxKind.ROSTER_REMINDER]
            ),
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.due_at < midnight,
        )
        .values(state=OutboxState.CANCELLED, last_error="已过期：由今天的提醒代替")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == OutboxKind.ESCALATION,
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.due_at < midnight,
        )
        .values(
            state=OutboxState.CANCELLED,
            key=OutboxMessage.key + ":" + cast(OutboxMessage.id, String),
            last_error="已过期：今天重新报告",
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == OutboxKind.BULLETIN,
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.due_at < midnight - timedelta(days=1),
        )
        .values(state=OutboxState.CANCELLED, last_error="已过期：下周通报照常发送")
        .execution_options(synchronize_session=False)
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

    def between(column, first: date, last: date):  # type: ignore[no-untyped-def]
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
        if reminded_today(
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


def _blocked(session: Session) -> set[int]:
    return set(
        session.scalars(select(ChatBinding.chat_id).where(ChatBinding.disabled_at.is_not(None)))
    )


def _leader_chats(session: Session, blocked: set[int]) -> dict[int, int]:
    return {
        person_id: user_id
        for person_id, user_id in session.execute(
            select(Person.id, Person.telegram_user_id).where(
                Person.telegram_user_id.is_not(None), Person.active
            )
        )
        if user_id not in blocked
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
            return Planned(key, chat, kind, f"⚠️ 您包联的事项已逾期：\n{line}", due, item.task_id)
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


def _plan_digests(
    session: Session,
    now: datetime,
    digest_at: datetime,
    today: date,
    settings: Settings,
    calendar: WorkCalendar,
    yellow_until: datetime,
    chats: dict[int, list[int]],
    blocked: set[int],
    county: LedgerSummary | None,
) -> int:
    """One digest per recipient per working day, built by the same code as /digest,
    and only for recipients it can reach (a leader who never bound gets none built)."""
    people = {
        person_id: chat
        for person_id, chat in session.execute(
            select(Person.id, Person.telegram_user_id).where(
                Person.active, Person.telegram_user_id.is_not(None)
            )
        )
        if chat not in blocked
    }

    def key(chat: int) -> str:
        return f"d:{chat}:{today}"

    planned_at = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.kind == OutboxKind.DIGEST, OutboxMessage.due_at == digest_at
        )
    )
    if planned_at is not None:  # today's were planned: only chats reachable since then
        late = _reachable_since(session, planned_at)
        if not late:
            return 0
        chats = {unit: [c for c in targets if c in late] for unit, targets in chats.items()}
        people = {person: chat for person, chat in people.items() if chat in late}
    known = existing_keys(
        session,
        OutboxMessage.key,
        [key(chat) for targets in chats.values() for chat in targets]
        + [key(chat) for chat in people.values()],
    )
    units = {
        unit
        for unit, targets in chats.items()
        if any(key(chat) not in known and chat not in blocked for chat in targets)
    }
    people = {person: chat for person, chat in people.items() if key(chat) not in known}
    if not units and not people:
        return 0
    if county is None:  # the snapshot was taken at an earlier scan
        county = ledger_summary(
            session, now=now, yellow_until=yellow_until, stale_days=settings.stale_report_days
        )
    digests = build_digests(
        session,
        summary=county,
        yellow_until=yellow_until,
        changes_since=digest_at - timedelta(days=1),
        zone=settings.zone,
        duty_lines=duty_status_lines(session, calendar, today, zone=settings.zone),
        units=units,
        people=people,
    )
    rows = []
    for digest in digests:
        if digest.audience == Audience.UNIT and digest.unit_id is not None:
            targets = chats.get(digest.unit_id, [])
        else:
            targets = [people[digest.person_id]] if digest.person_id in people else []
        for chat in targets:
            if chat in blocked or key(chat) in known:
                continue
            rows.append(Planned(key(chat), chat, OutboxKind.DIGEST, digest.text, digest_at))
    return enqueue(session, rows, now=now)


def _reachable_since(session: Session, moment: datetime) -> set[int]:
    """Chats that became reachable after `moment`: people who bound (an invitation
    used, or an admin's first contact) and work groups bound since."""
    bound = session.scalars(
        select(Invitation.used_by_telegram_id).where(
            Invitation.used_at > moment, Invitation.used_by_telegram_id.is_not(None)
        )
    )
    first_contact = session.scalars(
        select(Person.telegram_user_id).where(
            Person.created_at > moment, Person.telegram_user_id.is_not(None)
        )
    )
    groups = session.scalars(
        select(ChatBinding.chat_id).where(
            ChatBinding.unit_id.is_not(None), ChatBinding.created_at > moment
        )
    )
    return {chat for chat in (*bound, *first_contact, *groups) if chat is not None}


def register() -> None:
    register_kind(
        OutboxKind.REMINDER, KindHooks(merge=merge_reminders, reply_kind=MessageKind.REMINDER)
    )
    register_kind(OutboxKind.BULLETIN, KindHooks(document=bulletin_document))
