"""Reports that do not flip a task by accident: 需协调 stays, 已完成 is confirmed and can be
withdrawn, a contradiction is asked, several codes land on each, thanks are not reports,
and a reply to a message the bot has no record of lands by the code it quotes."""

from __future__ import annotations

from sqlalchemy import select

from db.models import ProgressReport, Task, TaskEvent
from tests.conftest import ADMIN_ID
from tests.test_chat_scenario import MEMBER_A, Chat, _county, _open_task, text_of


async def _member_with_task(bot_app, session, clock) -> tuple[Chat, Task]:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    code = await _county(chat, clock)
    await chat.say(MEMBER_A, f"/start {code}")
    return chat, await _open_task(chat)


async def test_needs_help_stays_until_it_is_solved_or_cleared(bot_app, session, clock) -> None:
    chat, task = await _member_with_task(bot_app, session, clock)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (flagged,) = await chat.say(MEMBER_A, "卡在征地，需县里协调", reply_to=card.message_id)
    assert text_of(flagged) == "已记录：DB-0001 污水管网改造 · 0% · 推进中 · 需协调"
    (later,) = await chat.say(MEMBER_A, "已完成三分之二", reply_to=card.message_id)
    assert text_of(later) == "已记录：DB-0001 污水管网改造 · 66% · 推进中 · 需协调"
    (solved,) = await chat.say(MEMBER_A, "征地问题已解决", reply_to=card.message_id)
    assert text_of(solved) == "已记录：DB-0001 污水管网改造 · 66% · 推进中"
    flags = chat.fresh().scalars(
        select(TaskEvent.new_value).where(TaskEvent.field == "needs_help").order_by(TaskEvent.id)
    )
    assert list(flags) == ["True", "False"]  # raised once, cleared once, on purpose

    # Raised again; the office clears it from its card.
    await chat.say(MEMBER_A, "资金缺口较大，请求县里支持", reply_to=card.message_id)
    (office_card,) = await chat.say(ADMIN_ID, "/task DB-0001")
    assert "需协调" in text_of(office_card)
    (cleared,) = await chat.press(ADMIN_ID, office_card.buttons()["解除需协调"])
    assert text_of(cleared) == "已解除需协调：DB-0001 污水管网改造 · 66% · 推进中"
    assert chat.fresh().get(Task, task.id).needs_help is False


async def test_done_is_confirmed_withdrawn_and_reported_again(bot_app, session, clock) -> None:
    chat, task = await _member_with_task(bot_app, session, clock)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    await chat.say(MEMBER_A, "完成60%", reply_to=card.message_id)
    (asked,) = await chat.say(MEMBER_A, "已完成，请销号", reply_to=card.message_id)
    assert "佐证材料" in text_of(asked)  # the offer to attach evidence
    assert set(asked.buttons()) == {"确认已完成", "取消"}
    (cancelled,) = await chat.press(MEMBER_A, asked.buttons()["取消"])
    assert text_of(cancelled) == "已取消。"
    assert chat.fresh().get(Task, task.id).state == "open"

    (asked,) = await chat.say(MEMBER_A, "已完成，请销号", reply_to=card.message_id)
    (done,) = await chat.press(MEMBER_A, asked.buttons()["确认已完成"])
    assert text_of(done).startswith("已报完成：DB-0001 污水管网改造 · 100% · 已报完成")
    # Evidence sent as a reply to that answer lands on the task.
    (photo,) = await chat.say(MEMBER_A, "", reply_to=done.message_id, photo="photo-1")
    assert "附佐证材料 1 份" in text_of(photo)

    (withdrawn,) = await chat.press(MEMBER_A, done.buttons()["撤回完成"])
    assert text_of(withdrawn) == "已撤回完成报告：DB-0001 污水管网改造 · 60% · 推进中。"
    (again,) = await chat.press(MEMBER_A, done.buttons()["撤回完成"])
    assert text_of(again) == "DB-0001 仍在推进中，没有待撤回的完成报告。"

    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (asked,) = await chat.press(MEMBER_A, card.buttons()["已完成"])
    await chat.press(MEMBER_A, asked.buttons()["确认已完成"])
    (office_card,) = await chat.say(ADMIN_ID, "/task DB-0001")
    assert "撤回完成" not in office_card.buttons()  # the office returns instead
    await chat.press(ADMIN_ID, office_card.buttons()["销号"])
    (late,) = await chat.press(MEMBER_A, done.buttons()["撤回完成"])
    assert text_of(late).startswith("DB-0001 已销号，不能再撤回")
    states = chat.fresh().scalars(
        select(TaskEvent.new_value).where(TaskEvent.field == "state").order_by(TaskEvent.id)
    )
    assert list(states) == ["reported_done", "open", "reported_done", "verified"]


async def test_a_figure_after_done_asks_which_is_true(bot_app, session, clock) -> None:
    chat, _task = await _member_with_task(bot_app, session, clock)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (asked,) = await chat.press(MEMBER_A, card.buttons()["已完成"])
    await chat.press(MEMBER_A, asked.buttons()["确认已完成"])

    (which,) = await chat.say(MEMBER_A, "实际完成80%", reply_to=card.message_id)
    assert text_of(which).startswith(
        "DB-0001 污水管网改造 已报完成，这条消息说进度是 80%。以哪个为准？"
    )
    (kept,) = await chat.press(MEMBER_A, which.buttons()["仍为已完成"])
    assert text_of(kept) == "仍为已完成，这条消息已记为备注：DB-0001 污水管网改造 · 100% · 已报完成"

    (which,) = await chat.say(MEMBER_A, "实际完成80%", reply_to=card.message_id)
    (taken,) = await chat.press(MEMBER_A, which.buttons()["以80%为准，撤回完成"])
    assert text_of(taken) == "已撤回完成报告并记录：DB-0001 污水管网改造 · 80% · 推进中"
    reports = chat.fresh().scalars(select(ProgressReport.percent).order_by(ProgressReport.id))
    assert list(reports) == [100, None, 80]  # the note kept no figure; the second took it


async def test_several_codes_land_on_each_and_say_where(bot_app, session, clock) -> None:
    chat, _first = await _member_with_task(bot_app, session, clock)
    (draft,) = await chat.say(ADMIN_ID, "/newtask 乡镇A | 道路硬化 | 6月30日前")
    await chat.press(ADMIN_ID, draft.buttons()["确认"])
    (answer,) = await chat.say(MEMBER_A, "DB-0002和DB-0001都完成了一半")
    assert text_of(answer) == (
        "已分别记录到 2 项事项：\n"
        "DB-0002 道路硬化 · 50% · 推进中\n"
        "DB-0001 污水管网改造 · 50% · 推进中"
    )
    assert sorted(chat.fresh().scalars(select(Task.percent))) == [50, 50]


async def test_thanks_and_emoji_are_not_reports(bot_app, session, clock) -> None:
    chat, _task = await _member_with_task(bot_app, session, clock)
    for text in ("谢谢", "收到", "好的", "👍", "收到！辛苦了"):
        (answer,) = await chat.say(MEMBER_A, text)
        assert text_of(answer) == "好的。需要报告进展时，直接回复事项卡片或提醒即可。"
        assert not answer.buttons()  # no task picker
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    (answer,) = await chat.say(MEMBER_A, "👍", reply_to=card.message_id)
    assert "已记录" not in text_of(answer)
    assert chat.fresh().scalars(select(ProgressReport)).all() == []
    # Saying more is a report.
    (answer,) = await chat.say(MEMBER_A, "收到，已完成选址", reply_to=card.message_id)
    assert text_of(answer).startswith("已记录：DB-0001")


async def test_a_reply_lands_by_the_one_code_it_quotes(bot_app, session, clock) -> None:
    chat, _task = await _member_with_task(bot_app, session, clock)
    unrecorded = 987_654  # delivered just before a crash: its id was never stored
    quoted = "⏰ 督办提醒（4月29日）\n🟡 DB-0001 污水管网改造 · 截止 2026-05-29（周五）18:00"
    (answer,) = await chat.say(MEMBER_A, "完成四成", reply_to=unrecorded, quoting=quoted)
    assert text_of(answer) == "已记录：DB-0001 污水管网改造 · 40% · 推进中"
    # Quoting two codes: not guessed, the person picks.
    (draft,) = await chat.say(ADMIN_ID, "/newtask 乡镇A | 道路硬化 | 6月30日前")
    await chat.press(ADMIN_ID, draft.buttons()["确认"])
    two = quoted + "\n🟢 DB-0002 道路硬化"
    (asked,) = await chat.say(MEMBER_A, "完成五成", reply_to=unrecorded, quoting=two)
    assert text_of(asked) == "这条消息是报告哪项事项的进展？请选择："
