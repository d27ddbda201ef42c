"""The weekly 督查通报 from chat, from the terminal, and every Friday through the outbox."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document as open_docx
from sqlalchemy import select

from bot.cli import main
from db.models import OutboxKind, OutboxMessage, OutboxState
from jobs.outbox import send_due
from jobs.scan import plan_now
from tests.conftest import ADMIN_ID, SHANGHAI
from tests.factories import make_county, make_task


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def _title(content: bytes) -> str:
    document = open_docx(io.BytesIO(content))
    title = next(p.text for p in document.paragraphs if "督查通报" in p.text)
    return title.replace("\n", "")  # set on two lines


@pytest.fixture
def ledger(session, runtime):  # type: ignore[no-untyped-def]
    county = make_county(session)
    make_task(session, county, deadline=shanghai(2026, 11, 10, 18), now=shanghai(2026, 10, 1, 9))
    runtime.settings = runtime.settings.model_copy(update={"county_name": "城关县"})
    return county


async def test_a_supervisor_gets_the_bulletin_in_chat(bot_app, clock, ledger) -> None:  # type: ignore[no-untyped-def]
    _, request = bot_app
    clock.set(shanghai(2026, 11, 26, 10))
    from tests.telegram_fakes import send

    await send(bot_app, ADMIN_ID, "/bulletin")
    (document,) = [c for c in request.calls if c.method == "sendDocument"]
    assert document.params["caption"] == "督查通报（预览）：督查通报_2026年第1期"
    await send(bot_app, ADMIN_ID, "/bulletin 2026-W99")
    assert request.texts(ADMIN_ID)[-1].startswith("无法识别的周次：2026-W99。请写 2026-W48、第48周")
    (refused,) = await send(bot_app, ledger.member.telegram_user_id, "/bulletin")
    assert refused == "只有督查室可以生成督查通报。"


def test_the_terminal_writes_the_bulletin_and_the_chart(
    database_url, ledger, workdir, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_DATABASE_URL", database_url)
    monkeypatch.setenv("DUBAN_COUNTY_NAME", "城关县")
    moment = shanghai(2026, 11, 26, 10)
    assert main(["bulletin", "通报.docx", "--week", "2026-W48"], clock=lambda: moment) == 0
    assert capsys.readouterr().out == "已生成（预览，未占用期号）督查通报_2026年第1期：通报.docx\n"
    assert _title((workdir / "通报.docx").read_bytes()) == "城关县重点工作督查通报（2026年第1期）"
    argv = ["bulletin", "w47.docx", "--week", "2026-W47", "--take"]
    assert main(argv, clock=lambda: moment) == 0
    assert capsys.readouterr().out == "已生成督查通报_2026年第1期：w47.docx\n"
    assert main(["bulletin", "again.docx", "--week", "2026-W48"], clock=lambda: moment) == 0
    assert "第2期" in capsys.readouterr().out  # after W47, which was taken
    assert main(["bulletin", "w46.docx", "--week", "2026-W46", "--take"], clock=lambda: moment) == 2
    assert capsys.readouterr().err == (
        "2026年第1期已是 2026-W47 的通报，2026-W46 不能再编入。期号按周次先后编排。\n"
    )
    assert main(["chart", "进度.png"], clock=lambda: moment) == 0
    assert (workdir / "进度.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["bulletin", "x.docx", "--week", "48"], clock=lambda: moment) == 2


async def test_every_friday_supervisors_get_it_once(
    bot_app, runtime, session, clock, ledger
) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    supervisor = ledger.supervisor  # bound (telegram id 1) in make_county

    async def scan(moment: datetime) -> list:
        clock.set(moment)
        before = len(request.calls)
        plan_now(runtime, moment)
        await send_due(app.bot, runtime, now=moment)
        return [c for c in request.calls[before:] if c.method == "sendDocument"]

    assert await scan(shanghai(2026, 11, 27, 15, 59)) == []  # Friday, before 16:00
    (sent,) = await scan(shanghai(2026, 11, 27, 16, 0))
    assert int(sent.params["chat_id"]) == supervisor.telegram_user_id
    assert sent.params["caption"] == "本周督查通报（2026-W48）"
    assert await scan(shanghai(2026, 11, 27, 16, 1)) == []  # a second scan
    assert await scan(shanghai(2026, 11, 27, 17, 0)) == []  # after a restart: the row is sent
    session.rollback()
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.BULLETIN)
    ).all()
    assert [(row.state, row.key) for row in rows] == [
        (OutboxState.SENT, f"b:2026-W48:{supervisor.telegram_user_id}")
    ]


async def test_a_friday_off_moves_it_to_the_last_working_day_before(
    bot_app, runtime, session, clock, ledger
) -> None:  # type: ignore[no-untyped-def]
    app, request = bot_app
    # 2026-10-02 is a Friday in the National Day break: the bulletin goes on Wednesday 09-30.
    moment = shanghai(2026, 9, 30, 16, 30)
    clock.set(moment)
    plan_now(runtime, moment)
    await send_due(app.bot, runtime, now=moment)
    assert [c.params["caption"] for c in request.calls if c.method == "sendDocument"] == [
        "本周督查通报（2026-W40）"
    ]


@pytest.mark.parametrize("typed", ["上周", "第47周", "2026年第47周", "11月18日", "2026-11-22"])
async def test_the_week_may_be_named_as_a_clerk_names_it(
    bot_app, clock, ledger, session, typed
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from db.models import Bulletin
    from tests.telegram_fakes import send

    _, request = bot_app
    clock.set(shanghai(2026, 11, 26, 10))  # in 2026-W48
    await send(bot_app, ADMIN_ID, f"/bulletin {typed}")
    (document,) = [c for c in request.calls if c.method == "sendDocument"]
    assert document.params["caption"] == "督查通报（预览）：督查通报_2026年第1期"
    session.rollback()
    assert session.scalars(select(Bulletin.week)).all() == []  # a preview takes no number
