"""Morning digests on a hand-checked ledger: who gets what, in which order, and the cuts.

The digest is built for Thursday 2026-04-30 08:30 (Shanghai); yellow runs to
the end of the third working day after it (5-1..5-5 are the Labour Day break,
so 5-6, 5-7, 5-8), and "since the last digest" means since 4-29 08:30.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.access import SYSTEM
from bot.ledger.extensions import request_extension
from bot.ledger.states import Action, apply_action
from bot.reports.digest import Audience, build_digests
from db.models import Person, Role
from tests.conftest import SHANGHAI, local
from tests.factories import make_county, make_task

MORNING = local(2026, 4, 30, 8, 30)
YESTERDAY = local(2026, 4, 29, 8, 30)


def digests_for(runtime, session, limit: int = 10):  # type: ignore[no-untyped-def]
    summary = runtime.summary(session, now=MORNING)
    return build_digests(
        session,
        summary=summary,
        yellow_until=runtime.yellow_until(session, MORNING),
        changes_since=YESTERDAY,
        zone=SHANGHAI,
        limit=limit,
    )


def test_who_gets_a_digest_and_what_it_says(runtime, session) -> None:
    county = make_county(session)
    other_leader = Person(name="李志强", role=Role.LEADER)
    session.add(other_leader)
    session.commit()
    long_ago = local(2026, 4, 1, 9)
    late = make_task(session, county, deadline=local(2026, 4, 27, 18), now=long_ago)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=long_ago, title="街巷硬化")
    make_task(session, county, deadline=None, now=long_ago, title="十件民生实事")
    calm = make_task(
        session,
        county,
        deadline=local(2026, 6, 30, 18),
        now=long_ago,
        title="污水厂提标",
        unit=county.department,
    )
    calm.lead_leader = other_leader
    session.commit()
    # Yesterday's changes: one new task, one report of completion, one extension request.
    make_task(
        session,
        county,
        deadline=local(2026, 9, 30, 18),
        now=local(2026, 4, 29, 15),
        title="安全生产隐患排查",
        unit=county.department,
    )
    apply_action(session, calm, Action.REPORT_DONE, now=local(2026, 4, 29, 16), actor=SYSTEM)
    request_extension(
        session,
        late,
        now=local(2026, 4, 29, 17),
        actor=county.member,
        proposed_deadline=local(2026, 5, 20, 18),
        reason="设备未到",
        zone=SHANGHAI,
    )

    digests = digests_for(runtime, session)
    assert [(d.audience, d.recipient) for d in digests] == [
        (Audience.SUPERVISOR, "周明"),
        (Audience.UNIT, "城关镇"),  # 县住建局 has nothing red or yellow: no digest
        (Audience.LEADER, "王建国"),  # 李志强's only task was reported done
    ]
    supervisor, unit, leader = (d.text for d in digests)

    # What waits on the office heads it (the list /pending shows), then the county.
    assert supervisor.splitlines()[:7] == [
        "🗂 督查室每日汇总（2026-04-30（周四））",
        "待督查室处理（2 项，发送 /pending 逐项处理）：",
        "【已报完成，待销号】1 项",
        "• DB-0004 污水厂提标 · 县住建局（4月29日起）",
        "【延期申请，待审批】1 项",
        "• DB-0001 农村改厕1200户 · 城关镇 · 申请延至 2026-05-20（周三）18:00（李娜：设备未到）",
        "",
    ]
    assert supervisor.splitlines()[7] == (
        "共 5 项：🔴 红灯 1 · 🟡 黄灯 1 · 🟢 绿灯 2 · 已报完成 1 · 已销号 0"
    )
    assert "• 城关镇 🔴1 🟡1" in supervisor
    assert "• DB-0001 农村改厕1200户 · 城关镇 · 逾期3天 · 进度0%" in supervisor
    assert supervisor.endswith("自上次汇总以来：新交办 1 项，报完成 1 项，申请延期 1 项")

    assert unit.splitlines() == [
        "📋 城关镇 今日督办提醒（2026-04-30（周四））",
        "红灯 1 项，黄灯 1 项：",
        "🔴 DB-0001 农村改厕1200户 · 逾期3天 · 进度0%",
        "🟡 DB-0002 街巷硬化 · 截止 2026-05-08（周五）18:00 · 进度0%",
        "",
        "如有进展或困难，请及时报县督查室。",
    ]
    assert leader.splitlines() == [
        "📌 王建国同志，您包联的督办事项（4 项推进中）",
        "🔴 1 · 🟡 1 · 🟢 2",
        "🔴 DB-0001 农村改厕1200户 · 逾期3天 · 进度0% · 城关镇",
        "🟡 DB-0002 街巷硬化 · 截止 2026-05-08（周五）18:00 · 进度0% · 城关镇",
        "🟢 DB-0005 安全生产隐患排查 · 截止 2026-09-30（周三）18:00 · 进度0% · 县住建局",
        "🟢 DB-0003 十件民生实事 · 长期 · 进度0% · 城关镇",  # standing tasks last
    ]


def test_long_lists_are_cut_with_a_count(runtime, session) -> None:
    county = make_county(session)
    for day in range(1, 8):
        make_task(
            session,
            county,
            deadline=local(2026, 4, 1, 18) + timedelta(days=day),
            now=local(2026, 3, 1, 9),
            title=f"事项{day}",
        )
    supervisor, unit, leader = (d.text for d in digests_for(runtime, session, limit=3))
    assert "……另有 4 项逾期未列出" in supervisor
    assert supervisor.count("· 城关镇 · 逾期") == 3
    assert unit.count("🔴 DB-") == 3 and "……另有 4 项未列出" in unit
    assert "……另有 4 项未列出" in leader


def test_a_unit_also_hears_of_the_tasks_it_cooperates_on(runtime, session) -> None:
    county = make_county(session)
    long_ago = local(2026, 4, 1, 9)
    late = make_task(session, county, deadline=local(2026, 4, 27, 18), now=long_ago)
    late.cooperating_units = [county.department]
    make_task(
        session,
        county,
        deadline=local(2026, 5, 7, 18),
        now=long_ago,
        title="污水厂提标",
        unit=county.department,
    )
    session.commit()
    texts = {d.recipient: d.text for d in digests_for(runtime, session)}
    assert texts["县住建局"].splitlines()[1:4] == [
        "红灯 0 项，黄灯 1 项；配合其他单位的 1 项：",
        "🟡 DB-0002 污水厂提标 · 截止 2026-05-07（周四）18:00 · 进度0%",
        "🔴 DB-0001 农村改厕1200户 · 逾期3天 · 进度0% · 城关镇牵头，本单位配合",
    ]
    # The lead unit's digest is unchanged by a helper: its own task, unmarked.
    assert "🔴 DB-0001 农村改厕1200户 · 逾期3天 · 进度0%" in texts["城关镇"].splitlines()


def test_the_office_hears_which_chats_no_longer_receive_reminders(runtime, session) -> None:
    from db.models import ChatBinding

    county = make_county(session)
    make_task(session, county, deadline=local(2026, 4, 27, 18), now=local(2026, 4, 1, 9))
    blocked_at = local(2026, 4, 29, 9)
    session.add_all(
        [
            ChatBinding(chat_id=county.member.telegram_user_id, disabled_at=blocked_at),
            ChatBinding(
                chat_id=-500, unit=county.department, title="住建局工作群", disabled_at=blocked_at
            ),
        ]
    )
    session.commit()
    supervisor = digests_for(runtime, session)[0].text
    assert supervisor.endswith(
        "收不到提醒的对话（已屏蔽机器人或移出群聊，2 个）：\n"
        "• 李娜（城关镇）\n• 住建局工作群（县住建局）"
    )


def _many_tasks(session, county) -> None:  # type: ignore[no-untyped-def]
    """城关镇 leads two red and two yellow tasks and cooperates on a red and a yellow one;
    王建国 leads all six. In deadline order the cooperated ones fall between its own."""
    long_ago = local(2026, 4, 1, 9)
    for day, title, unit in [
        (local(2026, 4, 27, 18), "农村改厕", county.township),
        (local(2026, 4, 28, 18), "街巷硬化", county.township),
        (local(2026, 4, 29, 18), "污水管网", county.department),
        (local(2026, 5, 6, 18), "背街小巷", county.township),
        (local(2026, 5, 7, 18), "垃圾分类", county.township),
        (local(2026, 5, 8, 18), "危房改造", county.department),
    ]:
        task = make_task(session, county, deadline=day, now=long_ago, title=title, unit=unit)
        if unit == county.department:
            task.cooperating_units = [county.township]
    session.commit()


def test_a_long_digest_lists_own_tasks_first_and_counts_what_is_cut(runtime, session) -> None:
    county = make_county(session)
    _many_tasks(session, county)
    texts = {d.recipient: d.text for d in digests_for(runtime, session, limit=3)}
    assert texts["城关镇"].splitlines() == [
        "📋 城关镇 今日督办提醒（2026-04-30（周四））",
        "红灯 2 项，黄灯 2 项；配合其他单位的 2 项：",
        "🔴 DB-0001 农村改厕 · 逾期3天 · 进度0%",
        "🔴 DB-0002 街巷硬化 · 逾期2天 · 进度0%",
        "🟡 DB-0004 背街小巷 · 截止 2026-05-06（周三）18:00 · 进度0%",
        "……另有 3 项未列出",
        "",
        "如有进展或困难，请及时报县督查室。",
    ]
    assert texts["王建国"].splitlines() == [
        "📌 王建国同志，您包联的督办事项（6 项推进中）",
        "🔴 3 · 🟡 3 · 🟢 0",
        "🔴 DB-0001 农村改厕 · 逾期3天 · 进度0% · 城关镇",
        "🔴 DB-0002 街巷硬化 · 逾期2天 · 进度0% · 城关镇",
        "🔴 DB-0003 污水管网 · 逾期1天 · 进度0% · 县住建局",
        "……另有 3 项未列出",
    ]
    # A cut further down reaches the tasks the unit cooperates on, red before yellow.
    unit = next(d.text for d in digests_for(runtime, session, limit=5) if d.recipient == "城关镇")
    assert unit.splitlines()[6:8] == [
        "🔴 DB-0003 污水管网 · 逾期1天 · 进度0% · 县住建局牵头，本单位配合",
        "……另有 1 项未列出",
    ]


def test_only_the_digests_asked_for_are_built_and_they_read_the_same(runtime, session) -> None:
    county = make_county(session)
    _many_tasks(session, county)
    everyone = digests_for(runtime, session)
    summary = runtime.summary(session, now=MORNING)
    some = build_digests(
        session,
        summary=summary,
        yellow_until=runtime.yellow_until(session, MORNING),
        changes_since=YESTERDAY,
        zone=SHANGHAI,
        units={county.township.id},
        people={county.leader.id},
    )
    assert [(d.audience, d.recipient) for d in everyone] == [
        (Audience.SUPERVISOR, "周明"),
        (Audience.UNIT, "县住建局"),  # units by name, as Python orders it
        (Audience.UNIT, "城关镇"),
        (Audience.LEADER, "王建国"),
    ]
    assert some == [everyone[2], everyone[3]]


async def test_digest_in_chat_shows_each_caller_their_own(bot_app, session, clock) -> None:
    from tests.telegram_fakes import send

    county = make_county(session)
    long_ago = local(2026, 4, 1, 9)
    make_task(session, county, deadline=local(2026, 4, 28, 18), now=long_ago)
    make_task(
        session,
        county,
        deadline=local(2026, 6, 30, 18),
        now=long_ago,
        title="污水厂提标",
        unit=county.department,
    )
    clock.set(MORNING)
    (unit,) = await send(bot_app, county.member.telegram_user_id, "/digest")
    assert unit.splitlines()[:3] == [
        "📋 城关镇 今日督办提醒（2026-04-30（周四））",
        "红灯 1 项，黄灯 0 项：",
        "🔴 DB-0001 农村改厕1200户 · 逾期2天 · 进度0%",
    ]
    (leader,) = await send(bot_app, county.leader.telegram_user_id, "/digest")
    assert leader.splitlines()[:2] == [
        "📌 王建国同志，您包联的督办事项（2 项推进中）",
        "🔴 1 · 🟡 0 · 🟢 1",
    ]
    (supervisor,) = await send(bot_app, county.supervisor.telegram_user_id, "/digest")
    assert supervisor.startswith("🗂 督查室每日汇总（2026-04-30（周四））")
    (calm,) = await send(bot_app, county.outsider.telegram_user_id, "/digest")
    assert calm == "今天（2026-04-30（周四））没有需要提醒您的红灯、黄灯事项。"
