"""Duty rosters in chat: paste, check the echo, confirm; versions kept; the office's overview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from db.models import DutyRoster, RosterShift
from tests.conftest import ADMIN_ID, SHANGHAI
from tests.factories import make_county
from tests.telegram_fakes import button_update, message_update

SEPT_28 = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)  # National Day break: 10-01..10-07

FULL_DAY_ONE = """10月1日 00:00-24:00 带班领导 张三 13800000000
10月1日 00:00-24:00 值班员 李四 0571-87654321"""


async def _say(bot_app, user_id: int, text: str) -> list:  # type: ignore[no-untyped-def]
    app, request = bot_app
    before = len(request.sent(user_id))
    await app.process_update(message_update(app.bot, user_id, text))
    return request.sent(user_id)[before:]


async def _press(bot_app, user_id: int, data: str) -> str:  # type: ignore[no-untyped-def]
    app, request = bot_app
    await app.process_update(button_update(app.bot, user_id, data))
    return request.sent(user_id)[-1].params["text"]


async def test_a_unit_submits_its_roster_and_sees_its_gaps(bot_app, session, clock) -> None:
    clock.set(SEPT_28)
    member = make_county(session).member.telegram_user_id
    (bad,) = await _say(
        bot_app, member, "/duty\n10月1日 08:00-20:00 带班领导 张三\n10月1日 值班员 李四"
    )
    assert bad.params["text"].startswith("值班表有 1 处问题，未保存：\n第 2 行")
    assert session.scalars(select(DutyRoster)).all() == []
    (echo,) = await _say(bot_app, member, "/duty\n" + FULL_DAY_ONE)
    assert echo.params["text"].startswith(
        "请核对国庆节（2026-10-01（周四） 至 2026-10-07（周三））值班表"
    )
    assert "10月1日 带班领导：张三 00:00–24:00" in echo.params["text"]
    saved = await _press(bot_app, member, echo.buttons()["确认报送"])
    assert saved.startswith("已保存城关镇值班表（第 1 版，2 个班次）。\n城关镇：空档")
    assert "10月2日 00:00–24:00 缺带班领导" in saved
    # Resubmitting replaces the roster and keeps the old version.
    (again,) = await _say(bot_app, member, "/duty\n" + FULL_DAY_ONE.replace("张三", "王五"))
    await _press(bot_app, member, again.buttons()["确认报送"])
    session.rollback()
    versions = session.execute(
        select(DutyRoster.version, DutyRoster.current).order_by(DutyRoster.version)
    ).all()
    assert versions == [(1, False), (2, True)]
    names = session.scalars(
        select(RosterShift.name)
        .join(DutyRoster)
        .where(DutyRoster.current)
        .order_by(RosterShift.name)
    ).all()
    assert names == ["李四", "王五"]
    # The office's overview, and one unit's roster.
    (overview,) = await _say(bot_app, ADMIN_ID, "/duty")
    assert overview.params["text"].startswith(
        "国庆节（2026-10-01（周四） 至 2026-10-07（周三））值班表：共 2 个单位"
    )
    assert "县住建局：未报值班表" in overview.params["text"]
    (one,) = await _say(bot_app, ADMIN_ID, "/duty 城关镇")
    assert "王五" in one.params["text"]


async def test_another_unit_cannot_see_a_roster(bot_app, session, clock) -> None:
    clock.set(SEPT_28)
    county = make_county(session)
    (refused,) = await _say(bot_app, county.outsider.telegram_user_id, "/duty 城关镇")
    assert refused.params["text"] == "只有本单位联络员和督查室可以查看本单位值班表。"


async def test_units_without_a_full_roster_are_chased_once_a_working_day(
    bot_app, runtime, session, clock
) -> None:
    from jobs.outbox import send_due
    from jobs.scan import plan_now

    app, request = bot_app
    county = make_county(session)
    member = county.member.telegram_user_id

    async def scan(moment: datetime) -> list[str]:
        clock.set(moment)
        before = len(request.calls)
        plan_now(runtime, moment)
        await send_due(app.bot, runtime, now=moment)
        return [
            c.params["text"]
            for c in request.calls[before:]
            if c.method == "sendMessage"
            and c.delivered
            and int(c.params["chat_id"]) == member
            and c.params["text"].startswith("📅")
        ]

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 9, day, hour, tzinfo=SHANGHAI)

    assert await scan(at(28, 9)) == []  # the deadline is 9月29日, two working days before
    (first,) = await scan(at(29, 9))
    assert first.startswith("📅 请于9月29日前报送国庆节值班表（10月1日至10月7日")
    assert await scan(at(29, 11)) == []  # once a day
    supervisor = [
        c.params["text"]
        for c in request.calls
        if c.method == "sendMessage"
        and int(c.params["chat_id"]) == county.supervisor.telegram_user_id
    ]
    assert any("国庆节值班表：全覆盖 0 个单位，有空档 0 个，未报 2 个" in t for t in supervisor)
    (echo,) = await _say(bot_app, member, "/duty\n" + FULL_DAY_ONE)
    await _press(bot_app, member, echo.buttons()["确认报送"])
    (gaps,) = await scan(at(30, 9))
    assert gaps.startswith(
        "📅 国庆节值班表还有空档，请补充后重新报送（/duty）：\n10月2日 00:00–24:00 缺带班领导"
    )


async def test_duty_phones_are_masked_outside_the_units_own_chats(bot_app, session, clock) -> None:
    from db.models import ChatBinding

    clock.set(SEPT_28)
    county = make_county(session)
    member = county.member.telegram_user_id
    own_group, other_group = -7001, -7002
    session.add_all(
        [
            ChatBinding(chat_id=own_group, unit=county.township, title="城关镇工作群"),
            ChatBinding(chat_id=other_group, unit=county.department, title="县住建局工作群"),
        ]
    )
    session.commit()
    app, request = bot_app
    (echo,) = await _say(bot_app, member, "/duty\n" + FULL_DAY_ONE)
    await _press(bot_app, member, echo.buttons()["确认报送"])

    async def shown(user_id: int, chat_id: int) -> str:
        await app.process_update(message_update(app.bot, user_id, "/duty 城关镇", chat_id=chat_id))
        return request.sent(chat_id)[-1].params["text"]

    supervisor = county.supervisor.telegram_user_id
    assert "张三 13800000000" in await shown(supervisor, supervisor)  # private: the office
    assert "李四 0571-87654321" in await shown(member, own_group)  # the unit's own group
    # Another unit's group sees nothing of this unit's roster, whoever asks there.
    elsewhere = await shown(supervisor, other_group)
    assert elsewhere == "本群不是该单位的工作群，请在私聊中查看本单位值班表。"


def _workbook(rows: list[list[object]]) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    from bot.duty import ROSTER_COLUMNS

    book = Workbook()
    book.active.append(ROSTER_COLUMNS)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _day_rows(unit: str, day: int) -> list[list[object]]:
    phone = 13800000000 + 10 * len(unit)  # one pair of people per unit
    return [
        [unit, f"10月{day}日", "00:00", "24:00", "带班领导", f"{unit}甲", str(phone + 1)],
        [unit, f"10月{day}日", "00:00", "24:00", "值班员", f"{unit}乙", str(phone + 2)],
    ]


async def test_a_unit_sends_the_xlsx_template_and_the_office_a_countys_file(
    bot_app, session, clock
) -> None:
    clock.set(SEPT_28)
    county = make_county(session)
    app, request = bot_app
    member, supervisor = county.member.telegram_user_id, county.supervisor.telegram_user_id
    # The blank template, in chat.
    await app.process_update(message_update(app.bot, member, "/duty 模板"))
    assert request.sent(member)[-1].method == "sendDocument"
    # A unit's own file: the 单位 column may stay empty.
    request.files["unit-file"] = _workbook(
        [[None, *row[1:]] for day in range(1, 8) for row in _day_rows("城关镇", day)]
    )
    await app.process_update(
        message_update(app.bot, member, document=("unit-file", "城关镇值班表.xlsx"))
    )
    echo = request.sent(member)[-1]
    assert echo.params["text"].startswith(
        "请核对国庆节（2026-10-01（周四） 至 2026-10-07（周三））值班表"
    )
    saved = await _press(bot_app, member, echo.buttons()["确认报送"])
    assert saved == "已保存城关镇值班表（第 1 版，14 个班次）。\n城关镇：全覆盖"
    # A row naming another unit in a unit's file is refused, nothing saved.
    request.files["wrong-unit"] = _workbook(_day_rows("县住建局", 1))
    await app.process_update(
        message_update(app.bot, member, "/duty", document=("wrong-unit", "表.xlsx"))
    )
    assert (
        request.sent(member)[-1].params["text"].startswith("值班表有 2 处问题，未保存：\n第 2 行")
    )
    # The office sends the county's file: both units, each a new version.
    request.files["county-file"] = _workbook(
        [
            row
            for unit in ("城关镇", "县住建局")
            for day in range(1, 8)
            for row in _day_rows(unit, day)
        ][:-1]
    )
    await app.process_update(
        message_update(app.bot, supervisor, document=("county-file", "全县值班表.xlsx"))
    )
    offer = request.sent(supervisor)[-1]
    assert offer.params["text"].split("\n") == [
        "请核对全县国庆节（2026-10-01（周四） 至 2026-10-07（周三））值班表：2 个单位，27 个班次。"
        "按“确认导入”后每个单位存为新的一版：",
        "县住建局：空档 1 处",
        "城关镇：全覆盖",
    ]
    done = await _press(bot_app, supervisor, offer.buttons()["确认导入"])
    assert done.split("\n") == [
        "已导入2 个单位的值班表（27 个班次），1 个符合要求，1 个有问题：",
        "县住建局：空档 1 处",
    ]
    session.rollback()
    versions = session.execute(
        select(DutyRoster.unit_id, DutyRoster.version, DutyRoster.current).order_by(DutyRoster.id)
    ).all()
    township, department = county.township.id, county.department.id
    assert versions == [(township, 1, False), (department, 1, True), (township, 2, True)]


async def test_a_file_that_is_not_a_roster_is_evidence_as_before(bot_app, session, clock) -> None:
    clock.set(SEPT_28)
    county = make_county(session)
    app, request = bot_app
    member = county.member.telegram_user_id
    await app.process_update(message_update(app.bot, member, document=("x", "入户照片统计.xlsx")))
    assert not any(c.method == "getFile" for c in request.calls)
    assert request.sent(member)[-1].params["text"].startswith("您范围内没有推进中的事项")


async def test_a_damaged_roster_file_is_answered_in_words(bot_app, session, clock) -> None:
    clock.set(SEPT_28)
    county = make_county(session)
    app, request = bot_app
    member = county.member.telegram_user_id
    request.files["broken"] = b"PK\x03\x04 not really a workbook"
    await app.process_update(message_update(app.bot, member, document=("broken", "值班表.xlsx")))
    assert request.sent(member)[-1].params["text"] == (
        "值班表.xlsx 不完整或已损坏（可能没有下载完），请重新保存值班表后再发送。"
    )
    assert session.scalars(select(DutyRoster)).all() == []
