"""Duty's planner: 到岗确认, 查岗, their alarms, the daily summary; rosters chased.

The checks on duty run in every scan, days off included (a holiday is when
they matter), and theirs are the one kind of row the sender sends on days off
and in quiet hours; rosters are chased on working days. Every step is
idempotent by key, so a restart or a second process re-draws and repeats nothing:

- a shift that has started (within the last hour, still running) gets a
  check and a prompt to whoever holds it (`bot.duty.checks.Reach`);
- each unit on a holiday day gets `duty_spot_checks` moments drawn between
  `duty_day_start` and `duty_day_end` at the day's first scan and stored; at a
  moment the 值班员 then on duty is asked to answer within the window;
- unanswered when the window since sending runs out: the 带班领导 on duty is
  told; after as long again, the supervisors;
- at digest time on the days after a holiday day, the supervisors get the
  day's log (`bot.duty.checks.day_log`);
- from the roster deadline until the holiday, each unit whose roster is
  missing or has gaps is reminded once a working day.

What these say is `bot.duty.texts`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.accounts.binding import reachable_supervisors
from bot.calendar.workcalendar import WorkCalendar
from bot.core.buttons import Choice, choice_buttons
from bot.duty import Post
from bot.duty.check_rows import (
    DOWN,
    check_row,
    claim_escalation,
    draw_spot_checks,
    holiday_units,
    insert_checks,
    log_missed_spot_checks,
)
from bot.duty.checks import (
    ANSWER_DUTY,
    OnDuty,
    Reach,
    current_shifts,
    mark_asked,
    on_duty,
    prompt_key,
)
from bot.duty.log import duty_log_text
from bot.duty.report import day_text, span_text
from bot.duty.storage import collected_period, coverage
from bot.duty.texts import (
    arrival_prompt,
    leader_alarm,
    office_alarm,
    roster_chase,
    spot_prompt,
    unreachable,
)
from bot.outbox.kinds import MORNING, KindHooks, register_kind
from bot.outbox.rows import Planned, cancel_stale, enqueue, enqueue_new
from bot.settings import Settings
from db.keys import existing_keys
from db.models import DutyCheck, DutyCheckKind, OutboxKind, OutboxMessage, Unit
from jobs.scan import PlanningPass, add_planner
from jobs.schedule import at, morning

STALE = timedelta(hours=1)  # a prompt this late after its moment is not sent any more
LOOKBACK = timedelta(days=1)  # how far back a scan after downtime logs what it missed
SUMMARY_DAYS = 7  # a duty log missed through downtime is still sent within a week
STALE_ROSTER_REMINDERS = "duty: stale roster reminders"  # the planners' names, for the order
CHECKS = "duty: checks on duty"
ROSTER_CHASING = "duty: roster chasing"


class _Pass:
    """One planning pass: the clock, the settings and, read when first needed, who is where."""

    def __init__(
        self, session: Session, now: datetime, settings: Settings, blocked: set[int]
    ) -> None:
        self.session, self.now, self.settings, self.blocked = session, now, settings, blocked
        self.zone = settings.zone
        self.today = now.astimezone(self.zone).date()
        self.window = timedelta(minutes=settings.duty_answer_minutes)
        self._reach: Reach | None = None
        self._units: dict[int, str] | None = None

    @property
    def reach(self) -> Reach:
        if self._reach is None:
            self._reach = Reach(self.session, self.blocked)
        return self._reach

    def unit(self, unit_id: int) -> str:
        if self._units is None:
            self._units = dict(self.session.execute(select(Unit.id, Unit.name)).all())
        return self._units.get(unit_id, "")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def hm(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.zone):%H:%M}"

    def claim(self, check: DutyCheck, column: InstrumentedAttribute[datetime | None]) -> bool:
        return claim_escalation(self.session, check, column, now=self.now)

    def prompt(self, check_id: int, key: str, who: OnDuty, text: str, label: str) -> Planned:
        assert who.chat_id is not None
        (button,) = choice_buttons(
            self.session,
            owner=who.person,
            choices=[Choice(ANSWER_DUTY, label, {"check": check_id})],
            now=self.now,
        )
        return Planned(
            prompt_key(key),
            who.chat_id,
            OutboxKind.DUTY_PROMPT,
            text,
            self.now,
            buttons=((button,),),
            duty_check_id=check_id,
        )


def plan_duty(
    session: Session,
    *,
    now: datetime,
    settings: Settings,
    calendar: WorkCalendar,
    blocked: set[int],
) -> int:
    """Write the duty checks and prompts due now; returns outbox rows written."""
    step = _Pass(session, now, settings, blocked)
    _drop_stale(session, now)
    rows = [*_arrivals(step), *_spot_prompts(step), *_alarms(step)]
    draw_spot_checks(
        session,
        now=now,
        zone=step.zone,
        count=settings.duty_spot_checks,
        day_start=settings.duty_day_start,
        day_end=settings.duty_day_end,
    )
    rows += _summaries(step, calendar)
    return enqueue(session, rows, now=now)


def _drop_stale(session: Session, now: datetime) -> None:
    cancel_stale(
        session,
        [OutboxKind.DUTY_PROMPT, OutboxKind.DUTY_ALARM],
        due_before=now - STALE,
        why="已过时：超过一小时未能发出",
    )


def _arrivals(step: _Pass) -> list[Planned]:
    """到岗确认 for every shift that has started and is still running."""
    # A day back: a shift that began while the bot was down is logged, not asked.
    started = current_shifts(step.session, starting_from=step.now - LOOKBACK, until=step.now)
    if not started:
        return []
    keyed = {
        f"da:{unit_id}:{shift.post}:{shift.name}:{int(shift.starts_at.timestamp())}": (
            unit_id,
            shift,
        )
        for unit_id, shift in started
    }
    known = existing_keys(step.session, DutyCheck.key, keyed)
    fresh = {key: step.reach.of(*keyed[key]) for key in keyed if key not in known}
    values = []
    for key, who in fresh.items():
        row = check_row(
            key, DutyCheckKind.ARRIVAL, who.unit_id, who.starts_at, zone=step.zone, now=step.now
        )
        row.update(post=who.post.value, name=who.name, person_id=who.person and who.person.id)
        if who.starts_at < step.now - STALE or who.ends_at <= step.now:
            row["note"] = DOWN
        elif who.chat_id is None:
            row["note"] = unreachable(who)
        values.append(row)
    written = insert_checks(step.session, values)
    rows = []
    noted = {row["key"] for row in values if row["note"]}
    for key, check_id in written.items():
        who = fresh[key]
        if key in noted:
            continue
        start, end = step.local(who.starts_at), step.local(who.ends_at)
        when = f"{day_text(start.date())} {span_text(start, end)}"
        text = arrival_prompt(who, step.unit(who.unit_id), when)
        rows.append(step.prompt(check_id, key, who, text, "到岗确认"))
    return rows


def _spot_prompts(step: _Pass) -> list[Planned]:
    """At each drawn moment, ask the 值班员 then on duty (once)."""
    due = list(
        step.session.scalars(
            select(DutyCheck).where(
                DutyCheck.kind == DutyCheckKind.SPOT,
                DutyCheck.day >= step.today - timedelta(days=1),
                DutyCheck.at <= step.now,
                DutyCheck.at > step.now - STALE,
                DutyCheck.asked_at.is_(None),
                DutyCheck.note.is_(None),
            )
        )
    )
    log_missed_spot_checks(
        step.session,
        since=step.today - timedelta(days=LOOKBACK.days + 1),
        before=step.now - STALE,
    )
    known = existing_keys(step.session, OutboxMessage.key, (prompt_key(c.key) for c in due))
    minutes = step.settings.duty_answer_minutes
    rows = []
    for check in due:
        if prompt_key(check.key) in known:
            continue
        shifts = on_duty(step.session, check.unit_id, Post.OFFICER, check.at)
        if not shifts:
            check.note = "该时刻值班表上没有值班员"
            continue
        who = step.reach.of(check.unit_id, shifts[0])
        check.name = who.name
        check.person_id = who.person.id if who.person is not None else None
        if who.chat_id is None:
            check.note = unreachable(who)
            continue
        text = spot_prompt(who, step.unit(check.unit_id), minutes)
        rows.append(step.prompt(check.id, check.key, who, text, "在岗"))
    return rows


def _alarms(step: _Pass) -> list[Planned]:
    """Unanswered spot checks: the 带班领导 after the window, the supervisors after two."""
    open_checks = list(
        step.session.scalars(
            select(DutyCheck).where(
                DutyCheck.kind == DutyCheckKind.SPOT,
                DutyCheck.day >= step.today - timedelta(days=1),
                DutyCheck.asked_at.is_not(None),
                DutyCheck.answered_at.is_(None),
                DutyCheck.office_told_at.is_(None),
            )
        )
    )
    rows: list[Planned] = []
    for check in open_checks:
        assert check.asked_at is not None
        leader_due = check.leader_told_at is None and check.asked_at + step.window <= step.now
        office_due = (
            check.leader_told_at is not None and check.leader_told_at + step.window <= step.now
        )
        if leader_due and claim_escalation(
            step.session, check, DutyCheck.leader_told_at, now=step.now
        ):
            rows += _tell_leader(step, check)
        elif office_due and claim_escalation(
            step.session, check, DutyCheck.office_told_at, now=step.now
        ):
            rows += _tell_office(step, check)
    return rows


def _officer(step: _Pass, check: DutyCheck) -> str:
    shifts = on_duty(step.session, check.unit_id, Post.OFFICER, check.at)
    phone = f"（{shifts[0].phone}）" if shifts and shifts[0].phone else ""
    return f"{step.unit(check.unit_id)}值班员 {check.name}{phone}"


def _leader(step: _Pass, check: DutyCheck) -> OnDuty | None:
    shifts = on_duty(step.session, check.unit_id, Post.LEADER, check.at)
    return step.reach.of(check.unit_id, shifts[0]) if shifts else None


def _tell_leader(step: _Pass, check: DutyCheck) -> list[Planned]:
    assert check.asked_at is not None
    leader = _leader(step, check)
    if leader is None or leader.chat_id is None:
        return []  # the supervisors hear of it after the next window, and the log says so
    minutes = step.settings.duty_answer_minutes
    text = leader_alarm(_officer(step, check), step.hm(check.asked_at), minutes)
    return [Planned(f"dl:{check.id}", leader.chat_id, OutboxKind.DUTY_ALARM, text, step.now)]


def _tell_office(step: _Pass, check: DutyCheck) -> list[Planned]:
    assert check.asked_at is not None
    minutes = 2 * step.settings.duty_answer_minutes
    text = office_alarm(
        _officer(step, check), step.hm(check.asked_at), minutes, _leader(step, check)
    )
    return [
        Planned(f"do:{check.id}:{chat}", chat, OutboxKind.DUTY_ALARM, text, step.now)
        for chat in (p.telegram_user_id for p in reachable_supervisors(step.session))
        if chat is not None and chat not in step.blocked
    ]


def _summaries(step: _Pass, calendar: WorkCalendar) -> list[Planned]:
    """Each holiday day's duty log for every supervisor, the morning after. Days whose
    mornings passed while the bot was down come in one catch-up message at the next
    morning scan (not one a day), each day saying what its rosters held."""
    digest_at = at(step.today, step.settings.digest_time, step.zone)
    if step.now < digest_at:
        return []
    days = [
        step.today - timedelta(days=back)
        for back in range(SUMMARY_DAYS, 0, -1)
        if holiday_units(step.session, step.today - timedelta(days=back))
    ]
    if not days:
        return []
    supervisors = [
        p.telegram_user_id
        for p in reachable_supervisors(step.session)
        if p.telegram_user_id is not None and p.telegram_user_id not in step.blocked
    ]
    keyed = {(day, chat): f"dsum:{day}:{chat}" for day in days for chat in supervisors}
    known = existing_keys(step.session, OutboxMessage.key, keyed.values())
    texts: dict[tuple[date, ...], str] = {}
    rows = []
    for chat in supervisors:
        # A catch-up is keyed by its last day: the days before it are covered by it.
        told = [day for day in days if keyed[(day, chat)] in known]
        missing = tuple(day for day in days if not told or day > told[-1])
        if not missing:
            continue
        if missing not in texts:
            texts[missing] = duty_log_text(
                step.session,
                calendar,
                missing,
                today=step.today,
                now=step.now,
                zone=step.zone,
                window=step.window,
            )
        rows.append(
            Planned(
                keyed[(missing[-1], chat)], chat, OutboxKind.DUTY_SUMMARY, texts[missing], digest_at
            )
        )
    return rows


def plan_checks(step: PlanningPass) -> int:
    return plan_duty(
        step.session,
        now=step.now,
        settings=step.settings,
        calendar=step.calendar,
        blocked=step.blocked,
    )


def drop_stale_roster_reminders(step: PlanningPass) -> int:
    """An earlier day's roster reminder still waiting gives way to today's."""
    cancel_stale(
        step.session,
        [OutboxKind.ROSTER_REMINDER],
        due_before=at(step.today, time(0), step.zone),
        why="已过期：由今天的提醒代替",
    )
    return 0


def chase_rosters(step: PlanningPass) -> int:
    """From the roster deadline until the holiday, each unit whose roster is missing or
    has gaps is reminded once a working day."""
    session, now, today, settings = step.session, step.now, step.today, step.settings
    if settings.morning_message and now < morning(today, settings):
        return 0  # planned with the digests: one morning message (`jobs.ledger`)
    period = collected_period(step.calendar, today)
    if period is None or today >= period.first_day:
        return 0
    deadline = period.first_day
    for _ in range(settings.roster_deadline_workdays):
        deadline = step.calendar.previous_workday(deadline)
    if today < deadline:
        return 0
    report = coverage(session, period, zone=settings.zone)
    ids = dict(session.execute(select(Unit.name, Unit.id)).all())
    due = max(morning(today, settings), now)
    rows = []
    for unit in report.units:
        if unit.covered:
            continue
        text = roster_chase(unit, period, deadline, today)
        for chat in step.unit_chats.get(ids[unit.unit], ()):
            key = f"rr:{ids[unit.unit]}:{period.first_day}:{today}:{chat}"
            rows.append(Planned(key, chat, OutboxKind.ROSTER_REMINDER, text, due))
    return enqueue_new(session, rows, now=now)


def register() -> None:
    """Duty's planners and its outbox kinds."""
    add_planner(STALE_ROSTER_REMINDERS, drop_stale_roster_reminders, days_off=True)
    add_planner(CHECKS, plan_checks, days_off=True)  # a holiday is when they matter
    add_planner(ROSTER_CHASING, chase_rosters)
    # Duty on a holiday is around the clock: prompts, alarms and the log go out any hour.
    register_kind(OutboxKind.DUTY_PROMPT, KindHooks(any_hour=True, after_sent=mark_asked))
    register_kind(OutboxKind.DUTY_ALARM, KindHooks(any_hour=True))
    register_kind(OutboxKind.DUTY_SUMMARY, KindHooks(any_hour=True))
    register_kind(OutboxKind.ROSTER_REMINDER, KindHooks(family=MORNING))
