"""The office's daily loop in chat, through real updates with a controlled clock:
交办 announced and signed (签收), decisions told to whom they concern, what waits on
the office (/pending, the digest's head, the hourly push), a leader's 批示."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from bot.core.transaction import unit_of_work
from bot.excel import TEMPLATE_COLUMNS, import_ledger
from db.models import (
    Person,
    ProgressReport,
    Role,
    TaskEvent,
    TaskInstruction,
    TaskSignoff,
    Unit,
    UnitKind,
)
from jobs.outbox import send_due
from jobs.scan import plan_now
from tests.conftest import ADMIN_ID, local
from tests.test_chat_scenario import MEMBER_A, MEMBER_B, Chat, _bind_member, text_of

LEADER = 401
SECOND_SUPERVISOR = 1002


async def _report_done(chat: Chat, user: int, card) -> list:  # type: ignore[no-untyped-def]
    """已完成, then 确认已完成: reporting done asks first."""
    (asked,) = await chat.press(user, card.buttons()["已完成"])
    return await chat.press(user, asked.buttons()["确认已完成"])


async def _county(chat: Chat, clock) -> None:  # type: ignore[no-untyped-def]
    """乡镇A and 乡镇B each with a bound liaison, 乡镇C with nobody, a bound leader, and two
    supervisors; Wednesday 2026-04-29 10:00."""
    clock.set(local(2026, 4, 29, 10))
    chat.session.add_all(
        [
            Unit(name="乡镇A", kind=UnitKind.TOWNSHIP),
            Unit(name="乡镇B", kind=UnitKind.TOWNSHIP),
            Unit(name="乡镇C", kind=UnitKind.TOWNSHIP),
            Person(name="王建国", role=Role.LEADER, created_at=clock()),
            Person(
                name="赵敏",
                role=Role.SUPERVISOR,
                telegram_user_id=SECOND_SUPERVISOR,
                created_at=clock(),
            ),
        ]
    )
    chat.session.commit()
    await _bind_member(chat, "乡镇A", MEMBER_A)
    await _bind_member(chat, "乡镇B", MEMBER_B)
    (invited,) = await chat.say(ADMIN_ID, "/invite 王建国 领导")
    code = re.search(r"/start (\w+)", text_of(invited))[1]  # type: ignore[index]
    await chat.say(LEADER, f"/start {code}", first_name="王建国")


async def _morning(chat: Chat, runtime, clock) -> None:  # type: ignore[no-untyped-def]
    """The morning's digests sent, so a scan after shows only what happened since."""
    assert await _scan(chat, runtime, clock)


async def _scan(chat: Chat, runtime, clock, moment: datetime | None = None) -> list:  # type: ignore[no-untyped-def]
    """One scan (plan, then send) at `moment`: the messages that reached Telegram."""
    if moment is not None:
        clock.set(moment)
    before = len(chat.request.sent())
    plan_now(runtime, clock())
    await send_due(chat.app.bot, runtime, now=clock())
    return chat.request.sent()[before:]


def _to(sent: list, chat_id: int) -> list:  # type: ignore[type-arg]
    return [c for c in sent if int(c.params["chat_id"]) == chat_id]


async def _new_task(chat: Chat, line: str = "乡镇A | 污水管网改造 | 5月29日前 | 王建国") -> None:
    (draft,) = await chat.say(ADMIN_ID, f"/newtask {line}")
    await chat.press(ADMIN_ID, draft.buttons()["确认"])


async def test_a_task_given_in_chat_is_announced_once_to_its_unit_and_leader_and_signed(
    bot_app, session, clock, runtime
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    await _morning(chat, runtime, clock)
    await _new_task(chat)

    sent = await _scan(chat, runtime, clock)
    assert sorted(int(c.params["chat_id"]) for c in sent) == [MEMBER_A, LEADER]  # nobody else
    (to_unit,) = _to(sent, MEMBER_A)
    assert text_of(to_unit).splitlines()[:4] == [
        "📌 督查室交办新任务：",
        "DB-0001 污水管网改造 · 截止 2026-05-29（周五）18:00",
        "牵头单位：乡镇A",
        "包联领导：王建国",
    ]
    assert list(to_unit.buttons()) == ["DB-0001 签收"]
    (to_leader,) = _to(sent, LEADER)
    assert "DB-0001 污水管网改造（您为包联领导）" in text_of(to_leader)
    assert await _scan(chat, runtime, clock) == []  # once

    (signed,) = await chat.press(MEMBER_A, to_unit.buttons()["DB-0001 签收"])
    assert text_of(signed) == "已签收：DB-0001 污水管网改造（乡镇A）"
    (again,) = await chat.press(MEMBER_A, to_unit.buttons()["DB-0001 签收"])
    assert text_of(again) == "DB-0001 乡镇A已于4月29日签收，无需重复签收。"
    status, *_ = await chat.say(ADMIN_ID, "/status DB-0001")
    assert "签收：乡镇A ✓（测试 4月29日） · 王建国 未签收" in text_of(status)
    # The leader signs by replying “收到” to the announcement.
    (by_reply,) = await chat.say(LEADER, "收到", reply_to=to_leader.message_id)
    assert text_of(by_reply) == "已签收：DB-0001 污水管网改造（王建国）"
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    assert "签收：乡镇A ✓（测试 4月29日） · 王建国 ✓（4月29日）" in text_of(card)
    assert len(chat.fresh().scalars(select(TaskSignoff)).all()) == 2
    assert chat.fresh().scalar(select(ProgressReport.id)) is None  # “收到” is no report


def _import(runtime, clock, path: Path, rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    """An import as the CLI runs it: one unit of work, no bot."""
    workbook = Workbook()
    workbook.active.append(list(TEMPLATE_COLUMNS))
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    with unit_of_work(runtime.sessions) as session:
        result = import_ledger(
            session,
            path,
            now=clock(),
            zone=runtime.zone,
            calendar=runtime.calendar(session),
            end_of_day=time(18),
        )
        assert result.ok, result.errors


async def test_an_import_is_one_notice_a_chat_and_the_office_hears_of_units_nobody_reaches(
    bot_app, session, clock, runtime, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    await _morning(chat, runtime, clock)
    rows: list[list[object]] = [
        ["", f"事项{n}", "乡镇A", "乡镇B" if n <= 2 else "", "王建国", "2026-06-30", "", ""]
        for n in range(1, 6)
    ]
    rows.append(["", "集镇改造", "乡镇C", "", "", "2026-06-30", "", ""])
    _import(runtime, clock, tmp_path / "台账.xlsx", rows)

    sent = await _scan(chat, runtime, clock)
    (to_a,) = _to(sent, MEMBER_A)
    assert text_of(to_a).startswith("📌 督查室交办新任务 5 项：\n1. DB-0001 事项1 · 截止")
    assert len(to_a.buttons()) == 5
    (to_b,) = _to(sent, MEMBER_B)
    assert text_of(to_b).count("（贵单位为配合单位）") == 2
    (to_leader,) = _to(sent, LEADER)
    assert "督查室交办新任务 5 项" in text_of(to_leader)
    for office in (ADMIN_ID, SECOND_SUPERVISOR):
        (told,) = _to(sent, office)
        assert text_of(told).splitlines()[:2] == [
            "⚠️ 以下新交办事项的单位还没有人绑定，通知无法送达：",
            "• 乡镇C（牵头）：DB-0006 集镇改造 → /invite 乡镇C 成员",
        ]
    assert len(sent) == 5
    assert await _scan(chat, runtime, clock) == []

    # “收到” in reply to the merged notice signs all five for 乡镇A.
    (signed,) = await chat.say(MEMBER_A, "收到", reply_to=to_a.message_id)
    assert text_of(signed).count("已签收") == 5
    (pending,) = await chat.say(ADMIN_ID, "/pending")
    assert "【无人绑定、通知不到的单位】1 项\n• 乡镇C（1 项推进中）：发送 /invite 乡镇C 成员" in (
        text_of(pending)
    )


async def test_who_has_not_signed_a_working_day_later_is_chased_once_and_listed(
    bot_app, session, clock, runtime
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    clock.set(local(2026, 4, 30, 10))  # Thursday; Friday 5-1 starts the 劳动节 holiday
    await _morning(chat, runtime, clock)
    await _new_task(chat)
    (announced,) = _to(await _scan(chat, runtime, clock), MEMBER_A)
    await chat.press(LEADER, announced.buttons()["DB-0001 签收"])  # the leader signs
    # One working day later is Wednesday 5-6 (5-1…5-5 are the holiday): the chase comes
    # with that day's morning message, the one unsolicited message of the morning.
    for day in (local(2026, 5, 1, 10), local(2026, 5, 6, 8, 29)):
        sent = await _scan(chat, runtime, clock, day)
        assert [c for c in sent if "尚未签收" in text_of(c)] == []
    sent = await _scan(chat, runtime, clock, local(2026, 5, 6, 8, 30))
    (chased,) = _to(sent, MEMBER_A)  # one message this morning, the chase in it
    assert "✍️ 交办已满一个工作日，以下事项尚未签收：\nDB-0001 污水管网改造（乡镇A）" in text_of(
        chased
    )
    assert _to(await _scan(chat, runtime, clock, local(2026, 5, 6, 10, 1)), MEMBER_A) == []
    later = await _scan(chat, runtime, clock, local(2026, 5, 7, 10))
    assert [c for c in later if "尚未签收" in text_of(c)] == []  # once
    (pending,) = await chat.say(ADMIN_ID, "/pending")
    assert "【交办满一个工作日仍未签收】1 项\n• DB-0001 污水管网改造：乡镇A 未签收" in (
        text_of(pending)
    )
    await chat.press(MEMBER_A, chased.buttons()["DB-0001 签收"])
    (pending,) = await chat.say(ADMIN_ID, "/pending")
    assert "未签收" not in text_of(pending)


def _edits(chat: Chat, chat_id: int) -> list:  # type: ignore[type-arg]
    return [
        c
        for c in chat.request.calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id
    ]


async def _ask_extension(chat: Chat, code: str, words: str, user: int = MEMBER_A) -> list:  # type: ignore[type-arg]
    """`user` asks to move `code`; returns each supervisor's copy of the request."""
    (card,) = await chat.say(user, f"/task {code}")
    (ask,) = await chat.press(user, card.buttons()["申请延期"])
    await chat.say(user, words, reply_to=ask.message_id)
    return [
        [c for c in chat.request.sent(office) if f"延期申请：{code}" in text_of(c)][-1]
        for office in (ADMIN_ID, SECOND_SUPERVISOR)
    ]


async def test_every_decision_reaches_whom_it_concerns_and_nobody_else(
    bot_app, session, clock, runtime
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    await _morning(chat, runtime, clock)
    await _new_task(chat)
    await _new_task(chat, "乡镇A | 街巷硬化 | 5月29日前 | 王建国")
    await _scan(chat, runtime, clock)
    (card,) = await chat.say(MEMBER_A, "/task DB-0001")
    await _report_done(chat, MEMBER_A, card)

    def told(before: dict[int, int]) -> dict[int, list[str]]:
        return {
            who: [text_of(c) for c in chat.request.sent(who)[count:]]
            for who, count in before.items()
            if chat.request.sent(who)[count:]
        }

    everyone = (MEMBER_A, MEMBER_B, LEADER, SECOND_SUPERVISOR)

    def marks() -> dict[int, int]:
        return {who: len(chat.request.sent(who)) for who in everyone}

    # 退回 (with the reason): the unit and the leader.
    before = marks()
    await chat.say(ADMIN_ID, "/return DB-0001 佐证材料不全")
    assert told(before) == {
        MEMBER_A: [
            "↩️ 督查室退回了 DB-0001 污水管网改造（理由：佐证材料不全）。"
            "请补充后再报完成；回复本消息即可报告进展。"
        ],
        LEADER: [
            "↩️ 督查室（测试）退回了您包联的 DB-0001 污水管网改造（理由：佐证材料不全），"
            "已请乡镇A补充。"
        ],
    }
    # 销号: the unit and the leader.
    await _report_done(chat, MEMBER_A, card)
    before = marks()
    await chat.say(ADMIN_ID, "/verify DB-0001")
    assert told(before) == {
        MEMBER_A: ["✅ DB-0001 污水管网改造 已由督查室（测试）销号。"],
        LEADER: ["✅ DB-0001 污水管网改造 已由督查室（测试）销号。"],
    }

    # 批准: the requester (here also the unit's chat: told once); every copy rewritten.
    mine, theirs = await _ask_extension(chat, "DB-0002", "6月30日前，设备到货推迟")
    assert "申请人：测试（乡镇A）" in text_of(theirs)
    before = marks()
    (approved,) = await chat.press(ADMIN_ID, mine.buttons()["批准"])
    assert text_of(approved) == "已批准：DB-0002 街巷硬化 截止时间延至 2026-06-30（周二）18:00。"
    assert told(before) == {
        MEMBER_A: [
            "✅ 督查室（测试）批准了 DB-0002 街巷硬化 的延期申请：截止时间由 "
            "2026-05-29（周五）18:00 改为 2026-06-30（周二）18:00。"
        ]
    }
    for office, copy in ((ADMIN_ID, mine), (SECOND_SUPERVISOR, theirs)):
        (edit,) = _edits(chat, office)
        assert edit.params["message_id"] == copy.message_id
        assert edit.params["text"].endswith("\n\n✅ 已由测试批准。")
        assert "reply_markup" not in edit.params  # the buttons are gone
    (late,) = await chat.press(SECOND_SUPERVISOR, theirs.buttons()["驳回"])
    assert text_of(late) == "这条延期申请已由测试批准。"

    # 驳回: the supervisor is asked why; the requester and the unit are told it.
    mine, theirs = await _ask_extension(chat, "DB-0002", "7月31日前，资金未到位")
    (asked,) = await chat.press(SECOND_SUPERVISOR, theirs.buttons()["驳回"])
    assert chat.fresh().scalar(select(TaskEvent.id).where(TaskEvent.new_value == "denied")) is None
    before = marks()
    (denied,) = await chat.say(
        SECOND_SUPERVISOR, "资金已下达，请按期完成", reply_to=asked.message_id
    )
    assert text_of(denied).startswith("已驳回：DB-0002 街巷硬化 延至 2026-07-31（周五）18:00")
    assert told(before) == {
        SECOND_SUPERVISOR: [text_of(denied)],  # the decider is answered, not told again
        MEMBER_A: [
            "❌ 督查室（赵敏）驳回了 DB-0002 街巷硬化 的延期申请（申请延至 2026-07-31（周五）"
            "18:00）。理由：资金已下达，请按期完成。"
            "截止时间仍为 2026-06-30（周二）18:00，请按期完成。"
        ],
    }
    assert (
        _edits(chat, ADMIN_ID)[-1]
        .params["text"]
        .endswith("❌ 已由赵敏驳回（理由：资金已下达，请按期完成）。")
    )

    # /redate: the old deadline kept, the unit and the leader told.
    before = marks()
    (moved,) = await chat.say(ADMIN_ID, "/redate DB-0002 6月15日 县里要求提前")
    assert text_of(moved) == (
        "已调整：DB-0002 截止时间由 2026-06-30（周二）18:00 改为 2026-06-15（周一）18:00。"
    )
    notice = (
        "📅 督查室（测试）调整了 DB-0002 街巷硬化 的截止时间：由 2026-06-30（周二）18:00 "
        "改为 2026-06-15（周一）18:00（理由：县里要求提前）。"
    )
    assert told(before) == {MEMBER_A: [notice], LEADER: [notice]}
    event = chat.fresh().scalars(select(TaskEvent).where(TaskEvent.field == "deadline")).all()[-1]
    assert (event.old_value[:10], event.note) == ("2026-06-30", "县里要求提前")

    # An extension the office raises says so, not “申请人 … of the unit”.
    _, theirs = await _ask_extension(chat, "DB-0002", "6月20日前，配合检查", user=ADMIN_ID)
    assert "由督查室提出（测试）" in text_of(theirs) and "申请人" not in text_of(theirs)


async def test_pending_lists_what_waits_with_working_buttons_heads_the_digest_and_is_pushed(
    bot_app, session, clock, runtime
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    await _morning(chat, runtime, clock)
    for line in (
        "乡镇A | 污水管网改造 | 5月29日前",
        "乡镇A | 街巷硬化 | 5月29日前",
        "乡镇A | 改厕 | 5月29日前",
    ):
        await _new_task(chat, line)
    await _new_task(chat, "乡镇C | 集镇改造 | 5月29日前")
    await _scan(chat, runtime, clock)
    (done,) = await chat.say(MEMBER_A, "/task DB-0001")
    await _report_done(chat, MEMBER_A, done)
    await _ask_extension(chat, "DB-0002", "6月30日前，设备到货推迟")
    (card,) = await chat.say(MEMBER_A, "/task DB-0003")
    await chat.say(MEMBER_A, "卡在征地，需县里协调", reply_to=card.message_id)

    (pending,) = await chat.say(ADMIN_ID, "/pending")
    assert text_of(pending).splitlines()[:9] == [
        "🗂 待督查室处理（共 4 项）：",
        "【已报完成，待销号】1 项",
        "• DB-0001 污水管网改造 · 乡镇A（4月29日起）",
        "【延期申请，待审批】1 项",
        "• DB-0002 街巷硬化 · 乡镇A · 申请延至 2026-06-30（周二）18:00"
        "（测试：6月30日前，设备到货推迟）",
        "【需协调】1 项",
        "• DB-0003 改厕 · 乡镇A：卡在征地，需县里协调（4月29日起）",
        "【无人绑定、通知不到的单位】1 项",
        "• 乡镇C（1 项推进中）：发送 /invite 乡镇C 成员 生成邀请码",
    ]
    assert list(pending.buttons()) == [
        "DB-0001 销号",
        "DB-0001 退回",
        "DB-0002 批准",
        "DB-0002 驳回",
    ]
    (verified,) = await chat.press(ADMIN_ID, pending.buttons()["DB-0001 销号"])
    assert text_of(verified) == "已销号：DB-0001 污水管网改造 · 100% · 已销号"
    (approved,) = await chat.press(ADMIN_ID, pending.buttons()["DB-0002 批准"])
    assert text_of(approved).startswith("已批准：DB-0002 街巷硬化")
    (member,) = await chat.say(MEMBER_A, "/pending")
    assert text_of(member) == "只有督查室可以查看待督查室处理的事项。"

    # The next morning the list heads the supervisors' digest.
    sent = await _scan(chat, runtime, clock, local(2026, 4, 30, 8, 30))
    (digest,) = [c for c in _to(sent, ADMIN_ID) if "督查室每日汇总" in text_of(c)]
    assert text_of(digest).splitlines()[1:5] == [
        "待督查室处理（2 项，发送 /pending 逐项处理）：",
        "【需协调】1 项",
        "• DB-0003 改厕 · 乡镇A：卡在征地，需县里协调（4月29日起）",
        "【无人绑定、通知不到的单位】1 项",
    ]
    # What is new during the day is pushed, merged, at most once an hour.
    clock.set(local(2026, 4, 30, 9))
    (card,) = await chat.say(MEMBER_A, "/task DB-0003")
    await _report_done(chat, MEMBER_A, card)
    sent = _to(await _scan(chat, runtime, clock, local(2026, 4, 30, 9, 5)), ADMIN_ID)
    assert [text_of(c) for c in sent] == [
        "🔔 新的待督查室处理事项：\n【已报完成，待销号】1 项\n"
        "• DB-0003 改厕 · 乡镇A（4月30日起）\n\n发送 /pending 逐项处理。"
    ]
    clock.set(local(2026, 4, 30, 9, 10))
    (card,) = await chat.say(MEMBER_A, "/task DB-0002")
    await _report_done(chat, MEMBER_A, card)
    assert _to(await _scan(chat, runtime, clock, local(2026, 4, 30, 9, 30)), ADMIN_ID) == []
    sent = _to(await _scan(chat, runtime, clock, local(2026, 4, 30, 10, 6)), ADMIN_ID)
    # Only what is new since 09:05: DB-0002 reported done, and 乡镇C's signature due at 10:00.
    assert [text_of(c).splitlines()[1:5] for c in sent] == [
        [
            "【已报完成，待销号】1 项",
            "• DB-0002 街巷硬化 · 乡镇A（4月30日起）",
            "【交办满一个工作日仍未签收】1 项",
            "• DB-0004 集镇改造：乡镇C 未签收（4月30日起）",
        ]
    ]
    assert _to(await _scan(chat, runtime, clock, local(2026, 4, 30, 11, 30)), ADMIN_ID) == []


async def test_a_leaders_reply_is_a_pishi_forwarded_and_the_units_answer_is_its_report(
    bot_app, session, clock, runtime
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot_app, session)
    await _county(chat, clock)
    await _morning(chat, runtime, clock)
    await _new_task(chat)
    (announced,) = _to(await _scan(chat, runtime, clock), LEADER)

    (answer,) = await chat.say(LEADER, "请加快进度，本周务必完成", reply_to=announced.message_id)
    assert text_of(answer) == "已记录您对 DB-0001 污水管网改造 的批示，已转给乡镇A。"
    (forward,) = chat.request.sent(MEMBER_A)[-1:]
    assert text_of(forward).startswith(
        "📝 王建国同志对 DB-0001 污水管网改造 的批示：\n请加快进度，本周务必完成"
    )
    fresh = chat.fresh()
    assert fresh.scalar(select(ProgressReport.id)) is None  # not the unit's report
    said = fresh.scalars(select(TaskInstruction)).one()
    assert (said.text, said.leader.name) == ("请加快进度，本周务必完成", "王建国")
    (card,) = await chat.say(ADMIN_ID, "/task DB-0001")
    assert "领导批示：\n  4月29日 王建国：请加快进度，本周务必完成" in text_of(card)
    assert "尚无进展报告。" in text_of(card)
    # The unit's reply to the forward is its report on the task.
    (noted,) = await chat.say(MEMBER_A, "已完成三分之二，周五前完工", reply_to=forward.message_id)
    assert text_of(noted).startswith("已记录：DB-0001 污水管网改造")
    assert chat.fresh().scalar(select(ProgressReport.text)) == "已完成三分之二，周五前完工"
    # A leader's reply to the card is a 批示 too, and reaches nobody but the unit.
    (card,) = await chat.say(LEADER, "/task DB-0001")
    before = {who: len(chat.request.sent(who)) for who in (MEMBER_B, ADMIN_ID, SECOND_SUPERVISOR)}
    await chat.say(LEADER, "质量要保证", reply_to=card.message_id)
    assert {who: len(chat.request.sent(who)) for who in before} == before
    assert len(chat.fresh().scalars(select(TaskInstruction)).all()) == 2
