"""The reports' planner: the day's snapshot, the morning digests, the weekly bulletin.

The snapshot is taken once a day at digest time, days off too (the trend has
a point every day); digests and the bulletin go out on working days. The
county's summary is read once a pass (`PlanningPass.once`) and serves the
snapshot and the digests.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.accounts.binding import reachable_supervisors
from bot.duty.storage import duty_status_lines
from bot.outbox.kinds import MORNING, KindHooks, register_family, register_kind
from bot.outbox.rows import Planned, cancel_stale, enqueue, enqueue_new
from bot.reports.bulletin.period import IsoWeek
from bot.reports.digest import Audience, build_digests
from bot.reports.morning import merge_morning
from bot.reports.snapshots import IssueTaken, has_snapshot, take_issue_number, take_snapshot
from bot.reports.summary import LedgerSummary, ledger_summary
from bot.reports.weekly import bulletin_day, bulletin_document
from db.keys import existing_keys
from db.models import (
    Bulletin,
    ChatBinding,
    Invitation,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
)
from jobs.scan import PlanningPass, add_planner
from jobs.schedule import at

STALE = "reports: stale digests and bulletins"  # the planners' names, for the pass order
SNAPSHOT = "reports: snapshot"
DIGESTS = "reports: digests"
BULLETIN = "reports: bulletin"
MISSED_WEEKS = 8  # a bulletin missed longer ago than this is not sent late


def drop_stale(step: PlanningPass) -> int:
    """An earlier day's digest still waiting gives way to today's. A bulletin is never
    dropped: a week's bulletin missed while the bot was down goes out on its return."""
    midnight = at(step.today, time(0), step.zone)
    cancel_stale(
        step.session, [OutboxKind.DIGEST], due_before=midnight, why="已过期：由今天的提醒代替"
    )
    return 0


def _county(step: PlanningPass) -> LedgerSummary:
    return step.once(
        "county summary",
        lambda: ledger_summary(
            step.session,
            now=step.now,
            yellow_until=step.yellow_until,
            stale_days=step.settings.stale_report_days,
        ),
    )


def _digest_at(step: PlanningPass) -> datetime:
    return at(step.today, step.settings.digest_time, step.zone)


def plan_snapshot(step: PlanningPass) -> int:
    """The county's counts of the day, kept for the trend: once a day, days off too."""
    if step.now >= _digest_at(step) and not has_snapshot(step.session, step.today):
        take_snapshot(step.session, _county(step), step.today)
    return 0


def plan_bulletin(step: PlanningPass) -> int:
    """Each week's bulletin for every supervisor, once, from its day and time on: the
    running week's, and any week since the last one sent whose day passed while the bot
    was down (sent on return, dated as its week). The issue numbers are taken here,
    oldest week first, so they go to weeks in week order."""
    weeks = _weeks_due(step)
    if not weeks:
        return 0
    rows = []
    chats = [
        chat
        for chat in (person.telegram_user_id for person in reachable_supervisors(step.session))
        if chat is not None and chat not in step.blocked
    ]
    if not chats:
        return 0
    for week in weeks:
        try:
            take_issue_number(step.session, str(week))
        except IssueTaken:
            continue  # a later week was numbered from the terminal first: this one has no place
        due = at(
            bulletin_day(week, step.settings.bulletin_weekday, step.calendar),
            step.settings.bulletin_time,
            step.zone,
        )
        rows += [
            Planned(f"b:{week}:{chat}", chat, OutboxKind.BULLETIN, str(week), due) for chat in chats
        ]
    return enqueue_new(step.session, rows, now=step.now)


def _weeks_due(step: PlanningPass) -> list[IsoWeek]:
    """The weeks whose bulletin moment has come and that have none sent yet, oldest first:
    back to the week after the last one sent (at most `MISSED_WEEKS`), else this week only."""
    settings, zone = step.settings, step.zone
    this_week = IsoWeek.of(step.now, zone)
    last = step.session.scalar(select(func.max(Bulletin.week)))
    weeks = [this_week]
    if last is not None:
        week = this_week
        for _ in range(MISSED_WEEKS):
            week = week.previous()
            if str(week) <= last:
                break
            weeks.insert(0, week)
    return [
        week
        for week in weeks
        if step.now
        >= at(
            bulletin_day(week, settings.bulletin_weekday, step.calendar),
            settings.bulletin_time,
            zone,
        )
        and (str(week) > (last or "") or week == this_week)
    ]


def plan_digests(step: PlanningPass) -> int:
    """One digest per recipient per working day, built by the same code as /digest,
    and only for recipients it can reach (a leader who never bound gets none built)."""
    session, now, today, settings = step.session, step.now, step.today, step.settings
    digest_at = _digest_at(step)
    if now < digest_at:
        return 0
    chats, blocked = step.unit_chats, step.blocked
    people = {
        person_id: chat
        for person_id, chat in session.execute(
            select(Person.id, Person.telegram_user_id).where(
                Person.active, Person.telegram_user_id.is_not(None)
            )
        )
        if chat is not None and chat not in blocked
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
    digests = build_digests(
        session,
        summary=_county(step),  # read for the snapshot if it was taken in this pass
        yellow_until=step.yellow_until,
        changes_since=digest_at - timedelta(days=1),
        zone=settings.zone,
        duty_lines=duty_status_lines(session, step.calendar, today, zone=settings.zone),
        units=units,
        people=people,
        since_of=_last_digests(session, people),
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


def _last_digests(session: Session, people: dict[int, int]) -> dict[int, datetime]:
    """Person id → when the last digest delivered to them was planned: their changes since
    the last digest start there, so what happened while a digest was not delivered (the
    bot down, the row cancelled) is in the next one, and nothing is told twice."""
    chats = {chat: person for person, chat in people.items()}
    last = session.execute(
        select(OutboxMessage.chat_id, func.max(OutboxMessage.created_at))
        .where(
            OutboxMessage.kind == OutboxKind.DIGEST,
            OutboxMessage.state == OutboxState.SENT,
            OutboxMessage.chat_id.in_(list(chats)),
        )
        .group_by(OutboxMessage.chat_id)
    )
    return {chats[chat]: planned for chat, planned in last if planned is not None}


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
    """The reports' planners and their outbox kinds."""
    add_planner(STALE, drop_stale, days_off=True)
    add_planner(SNAPSHOT, plan_snapshot, days_off=True)
    add_planner(DIGESTS, plan_digests)
    add_planner(BULLETIN, plan_bulletin)
    register_kind(OutboxKind.BULLETIN, KindHooks(document=bulletin_document))
    # The digest heads the working morning's one message a chat (`bot.reports.morning`).
    register_kind(OutboxKind.DIGEST, KindHooks(family=MORNING))
    register_family(MORNING, merge_morning)
