"""The access log: every binding, removal, move, unbinding and spent code, kept and told.

Each change to who may reach the bot is one `AccessEvent` row with the line
the office reads (`/people log`, `python -m bot people log`), and the same
line goes to every supervisor as a notice, written with the change.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import Actor, OfficeAction, person_id, require_office
from bot.core.messages import Message
from bot.core.timefmt import local_time
from db.models import AccessEvent, AccessEventKind, Person, Role

TERMINAL = "终端"  # who acted when no person did (the CLI)


def actor_name(actor: Actor | None) -> str:
    return actor.name if isinstance(actor, Person) else TERMINAL


def record(
    session: Session,
    kind: AccessEventKind,
    text: str,
    *,
    actor: Actor | None,
    now: datetime,
    person: Person | None = None,
    chat_id: int | None = None,
    tell_office: bool = True,
) -> list[Message]:
    """Keep the event; return the notices telling the supervisors (the actor excepted)."""
    session.add(
        AccessEvent(
            created_at=now,
            kind=kind,
            actor_id=person_id(actor) if actor is not None else None,
            person_id=person.id if person is not None else None,
            chat_id=chat_id,
            text=text[:500],
        )
    )
    if not tell_office:
        return []
    return office_notices(session, f"🔐 {text}", besides=actor)


def office_notices(session: Session, text: str, *, besides: Actor | None = None) -> list[Message]:
    supervisors = session.scalars(
        select(Person).where(
            Person.role == Role.SUPERVISOR, Person.active, Person.telegram_user_id.is_not(None)
        )
    )
    skip = person_id(besides) if besides is not None else None
    return [
        Message(text, to_chat=s.telegram_user_id)
        for s in supervisors
        if s.telegram_user_id is not None and s.id != skip
    ]


def recent(session: Session, *, actor: Actor, zone: ZoneInfo, limit: int = 30) -> list[str]:
    """The latest events, newest first, one line each."""
    require_office(actor, OfficeAction.MANAGE_PEOPLE)
    events = session.scalars(
        select(AccessEvent)
        .order_by(AccessEvent.created_at.desc(), AccessEvent.id.desc())
        .limit(limit)
    )
    return [f"{local_time(event.created_at, zone)} {event.text}" for event in events]
