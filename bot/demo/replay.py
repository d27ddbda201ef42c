"""`python -m bot demo`: a sample county built through the real services, no Telegram.

The records in `bot.demo.data` are replayed through the ledger services at
the times they happened (created, reported, returned, verified), so the demo
database holds the same events and audit trail a real one would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.timefmt import local_time
from bot.demo.data import DEMO_PEOPLE, DEMO_TASKS, DEMO_UNITS, DemoTask
from bot.ledger.changes import MilestoneInput, create_task
from bot.ledger.extensions import request_extension
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.reports.digest import Audience, Digest, build_digests
from bot.reports.render import summary_table
from bot.runtime import open_runtime
from bot.settings import Settings
from db.models import Person, ReportChannel, Task, Unit, UnitKind, utcnow

AUDIENCE_LABELS = {
    Audience.SUPERVISOR: "督查室",
    Audience.UNIT: "责任单位",
    Audience.LEADER: "包联领导",
}

# The demo's tasks were all handed out this long before "today".
ASSIGNED_DAYS_AGO = 45


def build_demo_county(session: Session, *, now: datetime, zone: ZoneInfo, end_of_day: time) -> int:
    """Fill an empty database with the sample county; returns the number of tasks."""
    builder = _DemoBuilder(session, now, zone, end_of_day)
    for item in DEMO_TASKS:
        builder.add_task(item)
    session.flush()
    return len(DEMO_TASKS)


class _DemoBuilder:
    def __init__(self, session: Session, now: datetime, zone: ZoneInfo, end_of_day: time) -> None:
        self.session = session
        self.now = now
        self.zone = zone
        self.end_of_day = end_of_day
        self.today = now.astimezone(zone).date()
        self.units = {u.name: Unit(name=u.name, kind=UnitKind(u.kind)) for u in DEMO_UNITS}
        session.add_all(self.units.values())
        self.people = {
            p.name: Person(
                name=p.name,
                role=p.role,
                title=p.title,
                phone=p.phone,
                unit=self.units[p.unit] if p.unit else None,
            )
            for p in DEMO_PEOPLE
        }
        session.add_all(self.people.values())
        session.flush()
        self.supervisor = next(p for p in self.people.values() if p.role == "supervisor")
        # The first member listed for a unit is its liaison, who reports.
        self.liaisons = {p.unit.name: p for p in reversed(self.people.values()) if p.unit}

    def day(self, offset: int) -> datetime:
        """The end of the working day `offset` days from today."""
        return datetime.combine(
            self.today + timedelta(days=offset), self.end_of_day, tzinfo=self.zone
        )

    def days_ago(self, days: int) -> datetime:
        return self.now - timedelta(days=days, hours=3)

    def add_task(self, item: DemoTask) -> None:
        task = create_task(
            self.session,
            title=item.title,
            lead_unit=self.units[item.lead_unit],
            deadline=self.day(item.due_in_days),
            now=self.days_ago(ASSIGNED_DAYS_AGO),
            actor=self.supervisor,
            lead_leader=self.people[item.lead_leader],
            cooperating_units=[self.units[name] for name in item.cooperating_units],
            details=item.details,
            source=item.source,
            milestones=[MilestoneInput(m.title, self.day(m.due_in_days)) for m in item.milestones],
            allow_past_deadline=True,
        )
        self._replay_history(task, item, self.liaisons[item.lead_unit])

    def _replay_history(self, task: Task, item: DemoTask, liaison: Person) -> None:
        """The events that lead to the record's state, each at its own time."""
        session, supervisor = self.session, self.supervisor
        reported = item.last_report_days_ago
        if item.returned_reason:
            done_at = (reported or 0) + 6
            apply_action(
                session,
                task,
                Action.REPORT_DONE,
                now=self.days_ago(done_at),
                actor=liaison,
            )
            apply_action(
                session,
                task,
                Action.RETURN,
                now=self.days_ago(done_at - 2),
                actor=supervisor,
                reason=item.returned_reason,
            )
        if item.state == "open":
            if reported is not None and item.last_report:
                report_progress(
                    session,
                    task,
                    now=self.days_ago(reported),
                    actor=liaison,
                    text=item.last_report,
                    percent=item.percent,
                    needs_help=item.needs_help,
                    channel=ReportChannel.REPLY,
                )
        else:
            done_at = reported if reported is not None else 5
            apply_action(
                session,
                task,
                Action.REPORT_DONE,
                now=self.days_ago(done_at),
                actor=liaison,
                reason=item.last_report or "",
                channel=ReportChannel.REPLY,
            )
            if item.state == "verified":
                apply_action(
                    session,
                    task,
                    Action.VERIFY,
                    now=self.days_ago(max(done_at - 1, 0)),
                    actor=supervisor,
                )
        if item.extension_days:
            request_extension(
                session,
                task,
                now=self.days_ago(1),
                actor=liaison,
                proposed_deadline=self.day(item.due_in_days + item.extension_days),
                reason=item.extension_reason or "",
                zone=self.zone,
            )


class DemoError(Exception):
    """The demo was pointed at a database that already holds a ledger."""


def run_demo(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> str:
    """Build the sample county in an empty database; return the summary and tomorrow's digests.

    A database that already has units is refused: the demo must never mix
    invented tasks into a real ledger.
    """
    runtime = open_runtime(settings, clock=clock)
    try:
        with runtime.transaction() as session:
            if session.scalar(select(func.count()).select_from(Unit)):
                raise DemoError(
                    "这个数据库里已经有台账数据，演示不会写入。"
                    "请去掉 --database 使用默认的演示文件，或换一个空数据库。"
                )
            now = runtime.now()
            build_demo_county(session, now=now, zone=runtime.zone, end_of_day=settings.end_of_day)
            calendar = runtime.calendar(session)
            today = now.astimezone(runtime.zone).date()
            morning = datetime.combine(
                calendar.next_workday(today), settings.digest_time, tzinfo=runtime.zone
            )
            previous = datetime.combine(today, settings.digest_time, tzinfo=runtime.zone)
            summary = runtime.summary(session, now=morning)
            digests = build_digests(
                session,
                summary=summary,
                yellow_until=runtime.yellow_until(session, morning),
                changes_since=previous,
                zone=runtime.zone,
            )
            parts = [
                summary_table(runtime.summary(session, now=now), runtime.zone),
                "",
                f"===== 下一个工作日 {local_time(morning, runtime.zone)} 将发出的每日汇总"
                f"（共 {len(digests)} 条）=====",
            ]
            for digest in _merge_identical(digests):
                parts += [
                    "",
                    f"—— 发给：{digest.recipient}（{AUDIENCE_LABELS[digest.audience]}）",
                    digest.text,
                ]
            return "\n".join(parts)
    finally:
        runtime.close()


def _merge_identical(digests: list[Digest]) -> list[Digest]:
    """Supervisors all get the same text: print it once with every name."""
    merged: dict[tuple[Audience, str], Digest] = {}
    for digest in digests:
        key = (digest.audience, digest.text)
        if key in merged:
            first = merged[key]
            merged[key] = replace(first, recipient=f"{first.recipient}、{digest.recipient}")
        else:
            merged[key] = digest
    return list(merged.values())
