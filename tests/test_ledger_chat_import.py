"""A ledger .xlsx sent in chat by the office: echoed as an import, applied on 确认导入."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.core.buttons import USED_BUTTON
from bot.excel import TEMPLATE_COLUMNS
from db.models import ButtonRef, Task
from tests.conftest import local
from tests.factories import make_county, make_task
from tests.telegram_fakes import button_update, message_update

NOW = local(2026, 11, 20, 10)


def _workbook(rows: list[list[object]], header: list[str] = TEMPLATE_COLUMNS) -> bytes:
    workbook = Workbook()
    workbook.active.title = "督办台账"
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


async def _send_file(bot_app, user_id: int, file_id: str, name: str, content: bytes, **kw):  # type: ignore[no-untyped-def]
    app, request = bot_app
    request.files[file_id] = content
    await app.process_update(message_update(app.bot, user_id, document=(file_id, name), **kw))
    return request.sent(user_id)[-1]


async def _press(bot_app, user_id: int, data: str) -> str:  # type: ignore[no-untyped-def]
    app, request = bot_app
    await app.process_update(button_update(app.bot, user_id, data))
    return request.sent(user_id)[-1].params["text"]


def _tasks(session) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    session.rollback()
    return [
        (code, title)
        for code, title in session.execute(select(Task.code, Task.title).order_by(Task.code))
    ]


async def test_a_supervisors_ledger_is_echoed_and_imported_on_confirm(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 12, 31, 18), now=NOW, title="农村改厕")
    supervisor = county.supervisor.telegram_user_id
    content = _workbook(
        [
            ["DB-0001", "农村改厕1200户", "城关镇", "", "", "2026-12-31", "", ""],
            ["", "街巷硬化", "县住建局", "", "", "12月底前", "12月8日前完成摸排", ""],
        ]
    )
    offer = await _send_file(bot_app, supervisor, "ledger", "十二月台账.xlsx", content)
    assert offer.params["text"].split("\n")[:5] == [
        "请核对台账 十二月台账.xlsx（工作表“督办台账”）：导入后将新增 1 · 更新 1 · 未变 0。"
        "无误后按“确认导入”：",
        "新增：",
        "  街巷硬化（县住建局）",
        "更新：",
        "  DB-0001 农村改厕1200户",
    ]
    assert "第 3 行 “12月底前” → 2026-12-31（周四）18:00" in offer.params["text"]
    assert set(offer.buttons()) == {"确认导入", "取消"}
    assert _tasks(session) == [("DB-0001", "农村改厕")]  # nothing written before 确认导入
    done = await _press(bot_app, supervisor, offer.buttons()["确认导入"])
    assert done.split("\n") == [
        "导入完成（工作表“督办台账”）：新增 1 · 更新 1 · 未变 0",
        "新增：",
        "  DB-0002 街巷硬化",
        "新增的事项将自动交办各单位（在工作时间发出）。",
    ]
    assert _tasks(session) == [("DB-0001", "农村改厕1200户"), ("DB-0002", "街巷硬化")]
    # Pressed once; the file's bytes are not kept once used.
    assert await _press(bot_app, supervisor, offer.buttons()["确认导入"]) == USED_BUTTON
    session.rollback()
    kept = session.scalar(select(func.count()).where(ButtonRef.payload.like("%content%")))
    assert kept == 0
    # 取消: nothing imported, and the bytes go too.
    same = await _send_file(bot_app, supervisor, "same", "十二月台账.xlsx", content)
    assert same.params["text"] == (
        "十二月台账.xlsx（工作表“督办台账”）与系统中的台账一致：2 项均未变，无需导入。"
    )
    more = _workbook([["", "污水管网", "城关镇", "", "", "2026-12-31", "", ""]])
    again = await _send_file(bot_app, supervisor, "again", "补充.xlsx", more)
    assert again.params["text"].startswith("请核对台账")
    assert await _press(bot_app, supervisor, again.buttons()["取消"]) == "已取消，未导入。"
    session.rollback()
    kept = session.scalar(select(func.count()).where(ButtonRef.payload.like("%content%")))
    assert kept == 0
    assert len(_tasks(session)) == 2


async def test_a_ledger_with_errors_lists_them_by_row_and_offers_nothing(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    county = make_county(session)
    rows = [["", f"事项{n}", "城关镇", "", "", "随便写写", "", ""] for n in range(60)]
    answer = await _send_file(
        bot_app, county.supervisor.telegram_user_id, "bad", "台账.xlsx", _workbook(rows)
    )
    lines = answer.params["text"].split("\n")
    assert lines[0] == "台账.xlsx 有 60 处错误，未导入任何内容："
    assert lines[1].startswith("第 2 行：截止时间无法识别：没看懂截止时间“随便写写”")
    assert lines[51:] == ["……另有 10 处未列出", "请改正后重新发送文件。"]
    assert answer.buttons() == {}
    assert _tasks(session) == []


async def test_a_ledger_holding_only_its_header_says_so_in_chat(bot_app, session, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    county = make_county(session)
    answer = await _send_file(
        bot_app, county.supervisor.telegram_user_id, "empty", "空台账.xlsx", _workbook([])
    )
    assert answer.params["text"] == (
        "空台账.xlsx 的工作表“督办台账”在表头下没有事项行，未导入任何内容："
        "请在表头下逐行填写事项（每行一项）后再导入。"
    )


async def test_other_files_stay_evidence(bot_app, session, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    county = make_county(session)
    task = make_task(session, county, deadline=local(2026, 12, 31, 18), now=NOW)
    ledger = _workbook([["", "街巷硬化", "城关镇", "", "", "2026-12-31", "", ""]])
    app, request = bot_app
    # A unit's ledger-shaped file: evidence, and not even downloaded.
    member = county.member.telegram_user_id
    answer = await _send_file(bot_app, member, "unit", "台账.xlsx", ledger)
    assert answer.params["text"] == "这条消息是报告哪项事项的进展？请选择："
    assert not any(call.method == "getFile" for call in request.calls)
    # The office's workbook that is no ledger at all: evidence too.
    supervisor = county.supervisor.telegram_user_id
    other = _workbook([["城关镇", 1200]], header=["乡镇", "户数"])
    answer = await _send_file(bot_app, supervisor, "stats", "改厕统计.xlsx", other)
    assert answer.params["text"] == "这条消息是报告哪项事项的进展？请选择："
    # The office's ledger in reply to a task's card: evidence for that task.
    await app.process_update(message_update(app.bot, supervisor, f"/task {task.code}"))
    card = request.sent(supervisor)[-1]
    answer = await _send_file(
        bot_app, supervisor, "reply", "台账.xlsx", ledger, reply_to=card.message_id
    )
    assert answer.params["text"].startswith("已记录：")
    assert answer.params["text"].endswith("（附佐证材料 1 份）")
    assert _tasks(session) == [(task.code, task.title)]


async def test_a_new_unit_one_character_from_a_known_one_is_asked_in_the_echo(
    bot_app, session, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    county = make_county(session)
    supervisor = county.supervisor.telegram_user_id
    near = ["", "街巷硬化", "县往建局", "", "", "2026-12-31", "", ""]
    offer = await _send_file(bot_app, supervisor, "near", "台账.xlsx", _workbook([near]))
    assert offer.params["text"].split("\n")[:5] == [
        "请先核对：",
        "  第 2 行：新单位“县往建局”与已有单位“县住建局”只差一个字",
        "写错了请改正后重新发送；确是另一个单位，按“确认导入”将新建它。",
        "请核对台账 台账.xlsx（工作表“督办台账”）：导入后将新增 1 · 更新 0 · 未变 0。"
        "无误后按“确认导入”：",
        "新增：",
    ]
    await _press(bot_app, supervisor, offer.buttons()["确认导入"])
    assert _tasks(session) == [("DB-0001", "街巷硬化")]
