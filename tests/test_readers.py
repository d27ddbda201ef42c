"""Units of work that only read begin as readers: they neither wait for the writer nor
hold its place, they cannot write, and a handler that must write after all is done
again as a writer. Pictures are drawn after the commit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, func, insert, select, text, update
from sqlalchemy.orm import Session
from telegram.ext import CommandHandler

from bot.core.messages import Deferred, Message
from bot.core.transaction import WriteInReader, unit_of_work
from db.models import Person, Unit
from db.session import make_engine, make_session_factory
from handlers.context import BOUND, Call, handler
from tests.conftest import ADMIN_ID
from tests.factories import make_county, make_task
from tests.telegram_fakes import send

AGAIN = "done again as a writer"


def _count(session: Session, model: type) -> int:
    session.rollback()  # a fresh look at what was committed
    return session.scalar(select(func.count()).select_from(model)) or 0


WRITES: dict[str, Callable[[Session], object]] = {
    "an object added": lambda s: s.add(Unit(name="读者镇")),
    "a Core insert": lambda s: s.execute(insert(Unit).values(name="读者镇", created_at=func.now())),
    "an UPDATE": lambda s: s.execute(update(Unit).values(name="改名镇")),
    "raw SQL, refused by the database": lambda s: s.execute(
        text(
            "INSERT INTO units (name, kind, created_at) VALUES ('读者镇', 'township', '2026-04-29')"
        )
    ),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_a_reader_cannot_write(sessions, session, write: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WriteInReader), unit_of_work(sessions, read_only=True) as reader:
        WRITES[write](reader)
        reader.flush()
    assert _count(session, Unit) == 0


def test_setting_a_value_it_already_has_is_not_a_write(sessions, session) -> None:  # type: ignore[no-untyped-def]
    make_county(session)
    with unit_of_work(sessions, read_only=True) as reader:
        unit = reader.scalars(select(Unit).order_by(Unit.id)).first()
        assert unit is not None
        unit.name = unit.name  # dirty to the ORM, unchanged to the database
    with unit_of_work(sessions) as writer:  # the connection a reader used writes again
        writer.add(Unit(name="新设镇"))
    assert _count(session, Unit) == 3


def test_a_reader_does_not_wait_for_a_writer(sessions, session) -> None:  # type: ignore[no-untyped-def]
    """On SQLite a reader that began IMMEDIATE waited here for the busy timeout (10 s)."""
    make_county(session)
    with unit_of_work(sessions) as writer:
        writer.add(Unit(name="新设镇"))
        writer.flush()  # the writer's place is taken, its row not committed
        started = time.perf_counter()
        with unit_of_work(sessions, read_only=True) as reader:
            assert reader.scalar(select(func.count()).select_from(Unit)) == 2
        assert time.perf_counter() - started < 1
    assert _count(session, Unit) == 3


def test_readers_and_writers_begin_as_such_and_the_switch_restores_the_old_way(
    engine: Engine, database_url: str
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's READ ONLY is checked by test_a_reader_cannot_write")
    one_connection = make_engine(database_url, pool_size=1, max_overflow=0)
    seen: list[str] = []
    event.listen(
        one_connection,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: seen.append(statement),
    )
    try:
        for readers_queue, reader_begins in ((False, "BEGIN DEFERRED"), (True, "BEGIN IMMEDIATE")):
            sessions = make_session_factory(one_connection, readers_queue=readers_queue)
            seen.clear()
            with unit_of_work(sessions, read_only=True) as reader:
                reader.scalar(select(func.count()).select_from(Unit))
            with unit_of_work(sessions) as writer:
                writer.scalar(select(func.count()).select_from(Unit))
            begins = [s for s in seen if s.startswith(("BEGIN", "PRAGMA query_only"))]
            if readers_queue:
                assert begins == [reader_begins, "BEGIN IMMEDIATE"]
            else:
                assert begins == [
                    "PRAGMA query_only=1",
                    reader_begins,
                    "PRAGMA query_only=0",
                    "BEGIN IMMEDIATE",
                ]
    finally:
        one_connection.dispose()


async def test_a_new_admins_first_status_is_written_as_a_writer(bot_app, session, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="handlers.context")
    (reply,) = await send(bot_app, ADMIN_ID, "/status")
    assert reply.startswith("📊 督办事项总览")
    assert _count(session, Person) == 1  # the first contact, kept
    assert caplog.text.count(AGAIN) == 1
    caplog.clear()
    (reply,) = await send(bot_app, ADMIN_ID, "/status")
    assert reply.startswith("📊 督办事项总览") and AGAIN not in caplog.text


async def test_commands_that_only_read_never_write(bot_app, session, clock, caplog) -> None:  # type: ignore[no-untyped-def]
    _, request = bot_app
    county = make_county(session)
    make_task(session, county, deadline=clock() - timedelta(days=2), now=clock())
    make_task(session, county, deadline=clock() + timedelta(days=30), now=clock(), title="第二项")
    caplog.set_level(logging.INFO, logger="handlers.context")
    supervisor, member = county.supervisor.telegram_user_id, county.member.telegram_user_id
    assert supervisor is not None and member is not None
    for user, command in [
        (supervisor, "/status"),
        (supervisor, "/status 城关镇"),
        (supervisor, "/tasks"),
        (supervisor, "/overdue"),
        (supervisor, "/digest"),
        (supervisor, "/export"),
        (supervisor, "/units"),
        (supervisor, "/help"),
        (member, "/status"),
        (member, "/tasks"),
    ]:
        before = len(request.sent(user))
        await send(bot_app, user, command)
        assert len(request.sent(user)) > before, command
    assert request.sent(supervisor)[1].method == "sendPhoto"  # /status's chart
    assert AGAIN not in caplog.text
    # A card's buttons are written the first time it is shown, by a writer.
    await send(bot_app, supervisor, "/task DB-0001")
    assert caplog.text.count(AGAIN) == 1
    await send(bot_app, supervisor, "/task DB-0001")
    assert caplog.text.count(AGAIN) == 1


async def test_a_reader_handler_that_writes_is_done_once_as_a_writer(
    bot_app, session, caplog
) -> None:  # type: ignore[no-untyped-def]
    app, _ = bot_app
    runs: list[bool] = []

    @handler(BOUND, reads=True)
    def sneaky(call: Call) -> str:
        runs.append(True)
        call.session.add(Unit(name="偷偷镇"))
        call.session.flush()
        return "好了。"

    app.add_handler(CommandHandler("sneaky", sneaky), group=-1)
    make_county(session)
    caplog.set_level(logging.INFO, logger="handlers.context")
    assert await send(bot_app, 1, "/sneaky") == ["好了。"]
    assert len(runs) == 2 and caplog.text.count(AGAIN) == 1
    assert _count(session, Unit) == 3


async def test_a_deferred_message_is_built_after_the_commit(bot_app, runtime, session) -> None:  # type: ignore[no-untyped-def]
    app, _ = bot_app

    def committed_units() -> Message:
        with runtime.sessions() as other:  # another connection sees only what was committed
            return Message(f"已有 {_count(other, Unit)} 个单位")

    @handler(BOUND)
    def add_unit(call: Call) -> list[Message | Deferred]:
        call.session.add(Unit(name="新设镇"))
        return [Message("已保存。"), Deferred(committed_units)]

    app.add_handler(CommandHandler("addunit", add_unit), group=-1)
    assert await send(bot_app, ADMIN_ID, "/addunit") == ["已保存。", "已有 1 个单位"]
