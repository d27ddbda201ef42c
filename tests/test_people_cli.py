"""`python -m bot people …` and `python -m bot invitations`: the terminal manages people too."""

from __future__ import annotations

from sqlalchemy import select

from bot.accounts.binding import invite
from bot.cli import main
from bot.core.access import SYSTEM
from db.models import Invitation, OutboxMessage, Person, Role
from tests.factories import make_county


def test_people_list_remove_move_and_log(
    workdir, settings, session, clock, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    make_county(session)
    assert main(["people", "list"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "李娜（城关镇 单位联络员） · Telegram ID 3" in out
    assert main(["people", "move", "李娜", "--unit", "县住建局"], clock=clock) == 0
    assert capsys.readouterr().out.strip() == (
        "已调整：李娜（城关镇 单位联络员） → 李娜（县住建局 单位联络员）"
    )
    assert main(["people", "remove", "3"], clock=clock) == 0
    assert capsys.readouterr().out.startswith("已移除 李娜（县住建局 单位联络员）")
    assert main(["people", "remove", "李娜"], clock=clock) == 1
    assert capsys.readouterr().err.strip() == "没有找到在册人员“李娜”。"
    assert main(["people", "log"], clock=clock) == 0
    log = capsys.readouterr().out
    assert "终端 移除了 李娜（县住建局 单位联络员）" in log
    assert "终端 将 李娜（城关镇 单位联络员） 调整为 李娜（县住建局 单位联络员）" in log
    session.rollback()
    session.expire_all()
    person = session.scalars(select(Person).where(Person.name == "李娜")).one()
    assert (person.active, person.telegram_user_id) == (False, None)
    # The supervisor (Telegram id 1) is told of each change through the outbox.
    told = session.scalars(select(OutboxMessage.text).where(OutboxMessage.chat_id == 1)).all()
    assert len(told) == 2 and all(text.startswith("🔐 终端") for text in told)


def test_invitations_list_and_revoke(
    workdir, settings, session, clock, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    make_county(session)
    code = invite(
        session, actor=SYSTEM, target="城关镇", role=Role.MEMBER, now=clock(), valid_days=7
    ).code
    session.commit()
    assert main(["invitations"], clock=clock) == 0
    assert f"{code} · 城关镇的单位联络员 · 2026-05-06（周三）10:00前有效" in capsys.readouterr().out
    assert main(["invitations", "--revoke", code], clock=clock) == 0
    assert main(["invitations", "--revoke", code], clock=clock) == 1
    assert capsys.readouterr().err.strip().endswith("不存在、已使用、已过期或已撤销。")
    session.rollback()
    revoked = session.scalars(select(Invitation)).one()
    assert revoked.revoke_reason == "revoked" and revoked.used_at is None
