"""Planning on duty during a holiday: 到岗确认, 查岗, their alarms, the daily summary.

Runs in every scan, days off included (a holiday is when it matters), and its
rows are the one kind the sender sends on days off and in quiet hours. Every
step is idempotent by key, so a restart or a second process re-draws and
repeats nothing:

- a shift that has started (within the last hour, still running) gets a
  check and a prompt to whoever holds it (`bot.duty.checks.Reach`);
- each unit on a holiday day gets `duty_spot_checks` moments drawn between
  `duty_day_start` and `duty_day_end` at the day's first scan and stored; at a
  moment the 值班员 then on duty is asked to answer within the window;
- unanswered when the window since sending runs out: the 带班领导 on duty is
  told; after as long again, the supervisors;
- at digest time on the days after a holiday day, the supervisors get the
  day's log (`bot.duty.checks.day_log`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.accounts.binding import reachable_supervisors
from bot.calendar.workcalendar import WorkCalendar
from bot.core.buttons import Choice, choice_buttons
from bot.duty import Post
from bot.duty.checks import (
    ANSWER_DUTY,
    OnDuty,
    Reach,
    current_shifts,
    day_log,
    mark_asked,
    on_duty,
    prompt_key,
)
from bot.duty.report import day_text, span_text
from bot.duty.storage import duty_status_lines
from bot.outbox.kinds import KindHooks, register_kind
from bot.outbox.rows import WAITING, Planned, enqueue
from bot.settings import Settings
from db.keys import existing_keys, insert_new
from db.models import (
    DutyCheck,
    DutyCheckKind,
    DutyRoster,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Unit,
)
from jobs.schedule import at

STALE = timedelta(hours=1)  # a prompt this late after its moment is not sent any more
LOOKBACK = timedelta(days=1)  # how far back a scan after downtime logs what it missed
SUMMARY_DAYS = 7  # a duty log missed through downtime is still sent within a week
DOWN = "当时系统未运行，未询问"
_draw = random.SystemRandom()


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
    _draw_spot_checks(step)
    rows += _summaries(step, calendar)
    return enqueue(session, rows, now=now)


def _drop_stale(session: Session, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind.in_([OutboxKind.DUTY_PROMPT, OutboxKind.DUTY_ALARM]),
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.due_at < now - STALE,
        )
        .values(state=OutboxState.CANCELLED, last_error="已过时：超过一小时未能发出")
        .execution_options(synchronize_session=False)
    )


def _insert_checks(step: _Pass, values: list[dict]) -> dict[str, int]:  # type: ignore[type-arg]
    """Insert the checks whose keys are new; key → id of those this pass wrote."""
    written = insert_new(step.session, DutyCheck, values, returning=(DutyCheck.key, DutyCheck.id))
    return {key: check_id for key, check_id in written}


def _check_row(step: _Pass, key: str, kind: DutyCheckKind, unit_id: int, moment: datetime) -> dict:  # type: ignore[type-arg]
    return {
        "key": key,
        "kind": kind,
        "unit_id": unit_id,
        "day": moment.astimezone(step.zone).date(),
        "at": moment,
        "note": None,  # every row of one insert names the same columns
        "created_at": step.now,
    }


def _unreachable(who: OnDuty) -> str:
    return f"{who.post.label}{who.name}未绑定，本单位也未绑定工作群"


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
        row = _check_row(step, key, DutyCheckKind.ARRIVAL, who.unit_id, who.starts_at)
        row.update(post=who.post.value, name=who.name, person_id=who.person and who.person.id)
        if who.starts_at < step.now - STALE or who.ends_at <= step.now:
            row["note"] = DOWN
        elif who.chat_id is None:
            row["note"] = _unreachable(who)
        values.append(row)
    written = _insert_checks(step, values)
    rows = []
    noted = {row["key"] for row in values if row["note"]}
    for key, check_id in written.items():
        who = fresh[key]
        if key in noted:
            continue
        start, end = step.local(who.starts_at), step.local(who.ends_at)
        when = f"{day_text(start.date())} {span_text(start, end)}"
        unit = step.unit(who.unit_id)
        if who.in_group:
            text = (
                f"🛡️ 值班提醒：{unit}{who.post.label} {who.name}（{when}）开始值班。"
                "其到岗后，请本单位人员按“到岗确认”或回复本消息。"
            )
        else:
            text = f"🛡️ 值班提醒：您{when}在{unit}担任{who.post.label}，到岗后请按“到岗确认”。"
        rows.append(step.prompt(check_id, key, who, text, "到岗确认"))
    return rows


def _holiday_units(step: _Pass, day: date) -> list[tuple[int, date, date]]:
    """(unit, first day, last day) of every current roster whose holiday includes `day`."""
    return list(
        step.session.execute(
            select(DutyRoster.unit_id, DutyRoster.first_day, DutyRoster.last_day).where(
                DutyRoster.current, DutyRoster.first_day <= day, DutyRoster.last_day >= day
            )
        ).all()
    )


def _draw_spot_checks(step: _Pass) -> None:
    """Draw and store each holiday unit's spot-check moments for today, once."""
    settings = step.settings
    count = settings.duty_spot_checks
    end = at(step.today, settings.duty_day_end, step.zone)
    if count == 0 or step.now >= end:
        return
    units = [unit_id for unit_id, _, _ in _holiday_units(step, step.today)]
    keyed = {f"ds:{u}:{step.today}:{n}": u for u in units for n in range(1, count + 1)}
    known = existing_keys(step.session, DutyCheck.key, keyed)
    start = max(at(step.today, settings.duty_day_start, step.zone), step.now)
    minutes = int((end - start).total_seconds() // 60)
    values = []
    for key, unit_id in keyed.items():
        if key in known:
            continue
        moment = (start + timedelta(minutes=_draw.randrange(max(minutes, 1)))).replace(
            second=0, microsecond=0
        )
        row = _check_row(step, key, DutyCheckKind.SPOT, unit_id, max(moment, step.now))
        row["post"] = Post.OFFICER.value
        values.append(row)
    insert_new(step.session, DutyCheck, values)


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
    step.session.execute(  # moments passed while the bot was down: logged as such
        update(DutyCheck)
        .where(
            DutyCheck.kind == DutyCheckKind.SPOT,
            DutyCheck.day >= step.today - timedelta(days=LOOKBACK.days + 1),
            DutyCheck.at <= step.now - STALE,
            DutyCheck.asked_at.is_(None),
            DutyCheck.note.is_(None),
        )
        .values(note=DOWN)
        .execution_options(synchronize_session=False)
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
        check.name, check.person_id = who.name, who.person and who.person.id
        if who.chat_id is None:
            check.note = _unreachable(who)
            continue
        unit = step.unit(check.unit_id)
        if who.in_group:  # not bound: someone of the unit answers for them
            text = (
                f"🔔 查岗：{unit}值班员 {who.name}。请在 {minutes} 分钟内按“在岗”或回复本消息"
                "（值班员未绑定账号，由本单位人员代为应答），逾时将告知带班领导。"
            )
        else:
            text = (
                f"🔔 查岗：{unit}值班员 {who.name}，您好。请在 {minutes} 分钟内按“在岗”"
                "或回复本消息，逾时将告知带班领导。"
            )
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
        if leader_due and _claim(step, check, DutyCheck.leader_told_at):
            rows += _tell_leader(step, check)
        elif office_due and _claim(step, check, DutyCheck.office_told_at):
            rows += _tell_office(step, check)
    return rows


def _claim(step: _Pass, check: DutyCheck, column) -> bool:  # type: ignore[no-untyped-def]
    """Set an escalation time if no one else did: of two planners, one tells."""
    done = step.session.execute(
        update(DutyCheck)
        .where(DutyCheck.id == check.id, column.is_(None), DutyCheck.answered_at.is_(None))
        .values({column.key: step.now})
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        setattr(check, column.key, step.now)
    return bool(done)


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
    text = (
        f"⚠️ 查岗未应答：{_officer(step, check)} {step.hm(check.asked_at)} 查岗，"
        f"{minutes} 分钟未应答。请带班领导核实值班情况。"
    )
    return [Planned(f"dl:{check.id}", leader.chat_id, OutboxKind.DUTY_ALARM, text, step.now)]


def _tell_office(step: _Pass, check: DutyCheck) -> list[Planned]:
    assert check.asked_at is not None
    leader = _leader(step, check)
    if leader is None:
        told = "该时段值班表上没有带班领导"
    else:
        phone = f"（{leader.phone}）" if leader.phone else ""
        reached = "已告知" if leader.chat_id is not None else "未绑定，无法告知"
        told = f"带班领导 {leader.name}{phone}{reached}"
    minutes = 2 * step.settings.duty_answer_minutes
    text = (
        f"⚠️ 查岗未应答：{_officer(step, check)} {step.hm(check.asked_at)} 查岗，"
        f"{minutes} 分钟仍未应答；{told}。"
    )
    return [
        Planned(f"do:{check.id}:{chat}", chat, OutboxKind.DUTY_ALARM, text, step.now)
        for chat in (p.telegram_user_id for p in reachable_supervisors(step.session))
        if chat is not None and chat not in step.blocked
    ]


def _summaries(step: _Pass, calendar: WorkCalendar) -> list[Planned]:
    """Each holiday day's duty log for every supervisor, the morning after; a day whose
    morning passed while the bot was down is sent at its next morning scan."""
    digest_at = at(step.today, step.settings.digest_time, step.zone)
    if step.now < digest_at:
        return []
    days = [
        step.today - timedelta(days=back)
        for back in range(SUMMARY_DAYS, 0, -1)
        if _holiday_units(step, step.today - timedelta(days=back))
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
    rows = []
    for day in days:
        waiting = [(chat, keyed[(day, chat)]) for chat in supervisors]
        waiting = [(chat, key) for chat, key in waiting if key not in known]
        if not waiting:
            continue
        period = calendar.holiday_period(day)
        name = period.name if period is not None else "节假日"
        lines = [
            f"🛡️ {name}值班日报（{day_text(day)}）",
            *day_log(step.session, day, zone=step.zone, window=step.window, now=step.now),
        ]
        if day == step.today - timedelta(days=1):
            lines += duty_status_lines(step.session, calendar, step.today, zone=step.zone)
        text = "\n".join(lines)
        rows += [
            Planned(key, chat, OutboxKind.DUTY_SUMMARY, text, digest_at) for chat, key in waiting
        ]
    return rows


def register() -> None:
    # Duty on a holiday is around the clock: prompts, alarms and the log go out any hour.
    register_kind(OutboxKind.DUTY_PROMPT, KindHooks(any_hour=True, after_sent=mark_asked))
    register_kind(OutboxKind.DUTY_ALARM, KindHooks(any_hour=True))
    register_kind(OutboxKind.DUTY_SUMMARY, KindHooks(any_hour=True))
