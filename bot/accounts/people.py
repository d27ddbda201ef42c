"""Who is talking to the bot: a bound person, a bootstrap supervisor, or nobody."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ChatBinding, Person, Role, varchar_length

NAME_LENGTH = varchar_length(Person.name)  # Telegram names can be longer


def identify(
    session: Session, telegram_user_id: int, *, admins: tuple[int, ...], display_name: str
) -> Person | None:
    """The active person bound to this Telegram account.

    Ids listed in `DUBAN_ADMINS` become supervisors on first contact, so a new
    office can start without any invitation.
    """
    person = session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None and telegram_user_id in admins:
        person = Person(
            name=(display_name or str(telegram_user_id))[:NAME_LENGTH],
            role=Role.SUPERVISOR,
            title="督查室",
            telegram_user_id=telegram_user_id,
        )
        session.add(person)
        session.flush()  # kept only if the caller's unit of work commits
    if person is None or not person.active:
        return None
    return person


def reopen_private_chat(session: Session, person: Person) -> None:
    """A person writing to the bot in private has unblocked it: their chat, marked when
    Telegram refused a message (403), takes messages again. Read first, so the common
    case writes nothing (a reader's unit of work stays a reader)."""
    binding = session.scalar(
        select(ChatBinding).where(ChatBinding.chat_id == person.telegram_user_id)
    )
    if binding is not None and binding.unit_id is None and binding.disabled_at is not None:
        binding.disabled_at = None
