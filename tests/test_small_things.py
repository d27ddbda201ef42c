"""Small things a clerk trips over in chat (issue 18), each as the clerk meets it."""

from __future__ import annotations

import pytest

from tests.conftest import local
from tests.factories import make_county, make_task
from tests.telegram_fakes import send


@pytest.mark.parametrize("typed", ["DB0006", "db-6", "6", "ＤＢ－０００６", "db-0006"])
async def test_a_task_code_typed_loosely_finds_the_task(bot_app, session, typed) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    for n in range(6):
        make_task(
            session,
            county,
            deadline=local(2026, 5, 20, 18),
            now=local(2026, 4, 1, 9),
            title=f"第{n + 1}项",
        )
    (card,) = await send(bot_app, county.supervisor.telegram_user_id, f"/task {typed}")
    assert "DB-0006 第6项" in card


async def test_a_loosely_typed_code_still_hides_other_units_tasks(bot_app, session) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    make_task(
        session,
        county,
        deadline=local(2026, 5, 20, 18),
        now=local(2026, 4, 1, 9),
        unit=county.department,
    )
    (answer,) = await send(bot_app, county.member.telegram_user_id, "/task db1")
    assert answer.startswith("没有找到 db1，或它不在您的范围内。")


def test_the_exported_ledgers_date_columns_fit_a_date_and_time(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from bot.excel.writing import export_ledger
    from tests.conftest import SHANGHAI

    county = make_county(session)
    make_task(session, county, deadline=local(2026, 12, 31, 18), now=local(2026, 4, 1, 9))
    path = tmp_path / "台账.xlsx"
    now = local(2026, 4, 29, 10)
    export_ledger(session, path, now=now, zone=SHANGHAI, yellow_until=now)
    sheet = load_workbook(path).active
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    for name in ("截止时间", "最近进展时间"):
        width = sheet.column_dimensions[headers[name]].width
        assert width >= len("2026-12-31 18:00") + 2, (name, width)
    assert sheet[f"{headers['截止时间']}2"].number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.parametrize(
    ("start", "end"), [("全天", ""), ("全天", "全天"), ("全日", None), ("08:00-20:00", "")]
)
def test_a_roster_workbook_takes_a_whole_span_in_one_time_cell(tmp_path, start, end) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, datetime

    from openpyxl import Workbook

    from bot.calendar.workcalendar import HolidayPeriod
    from bot.duty import ROSTER_COLUMNS, read_roster_xlsx

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "值班表"
    sheet.append(ROSTER_COLUMNS)
    sheet.append(["县委办", "10月1日", start, end, "带班领导", "张三", "13800000000"])
    path = tmp_path / "县委办.xlsx"
    workbook.save(path)

    reading = read_roster_xlsx(
        path, period=HolidayPeriod("国庆节", date(2026, 10, 1), date(2026, 10, 8)), unit="县委办"
    )
    assert reading.errors == []
    (shift,) = reading.shifts
    whole = start.startswith("全")
    assert (shift.start, shift.end) == (
        datetime(2026, 10, 1, 0 if whole else 8),
        datetime(2026, 10, 2) if whole else datetime(2026, 10, 1, 20),
    )


async def test_a_stale_extension_button_is_refused_at_the_press(bot_app, session, clock) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.core.access import SYSTEM
    from bot.ledger.states import Action, apply_action
    from db.models import Task
    from tests.test_chat_scenario import MEMBER_A, Chat, _county, _open_task, text_of

    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    await _open_task(chat)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    task = chat.fresh().scalars(select(Task)).one()  # reported done since the card was sent
    apply_action(chat.session, task, Action.REPORT_DONE, now=clock(), actor=SYSTEM)
    chat.session.commit()
    (refused,) = await chat.press(MEMBER_A, card.buttons()["申请延期"])  # the old card's button
    assert text_of(refused) == "DB-0001 已报完成，不能申请延期。"
    assert "新的截止时间和理由" not in text_of(refused)


@pytest.mark.parametrize(
    ("name", "heading"),
    [("王建国", "王建国同志"), ("张县长", "张县长"), ("李书记", "李书记"), ("赵同志", "赵同志")],
)
def test_a_leader_is_addressed_once_by_name_or_title(name, heading) -> None:  # type: ignore[no-untyped-def]
    from bot.reports.digest import addressed

    assert addressed(name) == heading


@pytest.mark.parametrize(
    ("person", "chat", "said"),
    [
        (True, 7, "带班领导 王镇长（13800000000）已告知"),
        (False, -100_1, "带班领导 王镇长（13800000000）未绑定，已在本单位工作群告知"),
        (False, None, "带班领导 王镇长（13800000000）未绑定，无法告知"),
    ],
)
def test_the_office_is_told_how_the_duty_leader_was_reached(person, chat, said) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from bot.duty import Post
    from bot.duty.checks import OnDuty
    from bot.duty.texts import office_alarm
    from db.models import Person, Role

    leader = OnDuty(
        unit_id=1,
        post=Post.LEADER,
        name="王镇长",
        phone="13800000000",
        starts_at=datetime(2026, 10, 1, 8),
        ends_at=datetime(2026, 10, 1, 20),
        person=Person(name="王镇长", role=Role.MEMBER) if person else None,
        chat_id=chat,
    )
    assert said in office_alarm("城关镇值班员 李娜", "10:00", 30, leader)


async def test_a_member_cannot_bind_a_group_to_another_unit(bot_app, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from db.models import ChatBinding
    from tests.telegram_fakes import message_update

    app, request = bot_app
    county = make_county(session)  # 李娜 is 城关镇's liaison
    group = -100_555
    member = county.member.telegram_user_id
    await app.process_update(message_update(app.bot, member, "/bind 县住建局", chat_id=group))
    assert (
        request.sent(group)[-1]
        .params["text"]
        .startswith("您是城关镇的联络员，只能把本群绑定为城关镇的工作群（发送 /bind 即可）。")
    )
    session.rollback()
    assert session.scalars(select(ChatBinding)).all() == []
    await app.process_update(message_update(app.bot, member, "/bind 城关镇", chat_id=group))
    assert request.sent(group)[-1].params["text"].startswith("本群已绑定为城关镇的工作群。")


@pytest.mark.parametrize(
    "cell",
    [
        "12月8日前完成摸排",
        "完成摸排（12月8日前）",
        "完成摸排(12月8日前)",
        "12月8日前 完成摸排",
        "2026年12月8日完成摸排",
    ],
)
def test_a_milestone_cell_may_hold_its_date_and_title_together(session, tmp_path, cell) -> None:  # type: ignore[no-untyped-def]
    from datetime import time

    from openpyxl import Workbook
    from sqlalchemy import select

    from bot.excel import TEMPLATE_COLUMNS, import_ledger
    from db.models import Task
    from tests.conftest import SHANGHAI
    from tests.deadline_phrases import CALENDAR

    workbook = Workbook()
    workbook.active.append(TEMPLATE_COLUMNS)
    workbook.active.append(["", "农村改厕", "城关镇", "", "", "2026-12-31", cell, ""])
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    options = {"zone": SHANGHAI, "calendar": CALENDAR, "end_of_day": time(18)}
    result = import_ledger(session, path, now=local(2026, 11, 20, 10), **options)
    assert [str(error) for error in result.errors] == []
    task = session.scalar(select(Task))
    assert [(m.title, m.due_at) for m in task.milestones] == [("完成摸排", local(2026, 12, 8, 18))]


def test_a_ledger_holding_only_its_header_says_it_has_no_rows(  # type: ignore[no-untyped-def]
    workdir, settings, engine, monkeypatch, capsys
) -> None:
    from openpyxl import Workbook

    from bot.cli import main
    from bot.excel import TEMPLATE_COLUMNS

    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    workbook = Workbook()
    workbook.active.title = "督办台账"
    workbook.active.append(TEMPLATE_COLUMNS)
    workbook.save(workdir / "空台账.xlsx")
    assert main(["import", str(workdir / "空台账.xlsx")]) == 1
    printed = capsys.readouterr()
    assert "导入完成" not in printed.out
    assert printed.err.strip() == (
        "空台账.xlsx 的工作表“督办台账”在表头下没有事项行，未导入任何内容："
        "请在表头下逐行填写事项（每行一项）后再导入。"
    )
