"""On duty during a holiday: 到岗确认, 查岗 and its two escalations, the daily summary,
prompts in a unit's group, and a restart that re-draws and repeats nothing.

The clock is the 2026 National Day break (10月1日–7日, all days off); the
prompts go out on those days and in quiet hours, which nothing else does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.calendar.workcalendar import HolidayPeriod
from bot.core.transaction import unit_of_work
from bot.duty import DutyShift, Post
from bot.duty.storage import save_roster
from db.models import ChatBinding, DutyCheck, DutyCheckKind, OutboxMessage, Person, Role
from jobs.outbox import send_due
from jobs.scan import plan_now
from tests.conftest import SHANGHAI
from tests.factories import County, make_county
from tests.telegram_fakes import RecordingRequest, button_update, message_update

NATIONAL_DAY = HolidayPeriod("国庆节", datetime(2026, 10, 1).date(), datetime(2026, 10, 7).date())
LEADER_ID, NIGHT_ID, GROUP = 5, 6, -5001


def oct_(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=SHANGHAI)


def _shift(day: int, start: int, end: int, post: Post, name: str, phone: str) -> DutyShift:
    first = datetime(2026, 10, day, start)
    return DutyShift("城关镇", first, first + timedelta(hours=end - start), post, name, phone)


@pytest.fixture
def county(session, runtime) -> County:  # type: ignore[no-untyped-def]
    """城关镇 on 10月1日: 张三 (bound) leads all day; 李娜 (bound) is on 08:00–20:00,
    王五 (not bound) 20:00–次日08:00."""
    county = make_county(session)
    session.add(Person(name="张三", role=Role.MEMBER, unit=county.township, telegram_user_id=5))
    session.commit()
    shifts = [
        _shift(1, 0, 24, Post.LEADER, "张三", "13800000000"),
        _shift(1, 8, 20, Post.OFFICER, "李娜", "13900000000"),
        _shift(1, 20, 32, Post.OFFICER, "王五", "13700000000"),
    ]
    with unit_of_work(runtime.sessions) as writer:
        unit = writer.merge(county.township)
        save_roster(
            writer,
            unit=unit,
            period=NATIONAL_DAY,
            shifts=shifts,
            actor=county.supervisor,
            now=oct_(1, 0) - timedelta(days=3),
            zone=SHANGHAI,
        )
    return county


class Scanner:
    def __init__(self, app, request, runtime, clock) -> None:  # type: ignore[no-untyped-def]
        self.app, self.request, self.runtime, self.clock = app, request, runtime, clock

    async def __call__(self, moment: datetime) -> dict[int, list[str]]:
        """One scan at `moment`: what each chat received."""
        self.clock.set(moment)
        before = len(self.request.calls)
        plan_now(self.runtime, moment)
        await send_due(self.app.bot, self.runtime, now=moment)
        received: dict[int, list[str]] = {}
        for call in self.request.calls[before:]:
            if call.method == "sendMessage" and call.delivered:
                received.setdefault(int(call.params["chat_id"]), []).append(call.params["text"])
        return received

    def last(self, chat_id: int):  # type: ignore[no-untyped-def]
        return self.request.sent(chat_id)[-1]


@pytest.fixture
def scan(bot_app, runtime, clock) -> Scanner:  # type: ignore[no-untyped-def]
    app, request = bot_app
    return Scanner(app, request, runtime, clock)


def _checks(session, kind: DutyCheckKind) -> list[DutyCheck]:  # type: ignore[no-untyped-def]
    session.rollback()  # see what the bot committed
    return list(
        session.scalars(select(DutyCheck).where(DutyCheck.kind == kind).order_by(DutyCheck.at))
    )


async def test_a_shift_start_asks_for_confirmation_even_at_night_on_a_holiday(
    bot_app, county, scan, session
) -> None:
    app, request = bot_app
    received = await scan(oct_(1, 0, 1))  # quiet hours, a day off: duty prompts still go
    assert received == {
        LEADER_ID: ["🛡️ 值班提醒：您10月1日 00:00–24:00在城关镇担任带班领导，到岗后请按“到岗确认”。"]
    }
    assert await scan(oct_(1, 0, 2)) == {}  # asked once
    prompt = scan.last(LEADER_ID)
    await app.process_update(
        button_update(
            app.bot, LEADER_ID, prompt.buttons()["到岗确认"], message_id=prompt.message_id
        )
    )
    assert request.sent(LEADER_ID)[-1].params["text"] == "已确认到岗（00:02），值班辛苦了。"
    (arrival,) = _checks(session, DutyCheckKind.ARRIVAL)
    assert (arrival.name, arrival.post, arrival.answered_at) == ("张三", "leader", oct_(1, 0, 2))
    assert arrival.asked_at == oct_(1, 0, 1)
    # 李娜's shift at 08:00; 王五 at 20:00 is not bound and the unit has no group: logged.
    assert (await scan(oct_(1, 8, 0)))[county.member.telegram_user_id][0].startswith(
        "🛡️ 值班提醒：您10月1日 08:00–20:00在城关镇担任值班员"
    )
    assert await scan(oct_(1, 20, 0)) == {}
    night = _checks(session, DutyCheckKind.ARRIVAL)[-1]
    assert (night.name, night.asked_at, night.note) == (
        "王五",
        None,
        "值班员王五未绑定，本单位也未绑定工作群",
    )


async def test_an_unanswered_spot_check_tells_the_leader_then_the_supervisors(
    bot_app, county, scan, session
) -> None:
    app, request = bot_app
    member = county.member.telegram_user_id
    await scan(oct_(1, 8, 1))  # the day's first scan draws the moment and stores it
    (spot,) = _checks(session, DutyCheckKind.SPOT)
    assert oct_(1, 9) <= spot.at < oct_(1, 18) and spot.asked_at is None
    moment = spot.at.astimezone(SHANGHAI)
    assert await scan(moment - timedelta(minutes=1)) == {}
    asked = await scan(moment)
    assert asked == {
        member: [
            "🔔 查岗：城关镇值班员 李娜，您好。"
            "请在 15 分钟内按“在岗”或回复本消息，逾时将告知带班领导。"
        ]
    }
    assert await scan(moment + timedelta(minutes=14)) == {}
    hm = f"{moment:%H:%M}"
    told = await scan(moment + timedelta(minutes=15))
    assert told == {
        LEADER_ID: [
            f"⚠️ 查岗未应答：城关镇值班员 李娜（13900000000） {hm} 查岗，15 分钟未应答。"
            "请带班领导核实值班情况。"
        ]
    }
    assert await scan(moment + timedelta(minutes=29)) == {}
    office = await scan(moment + timedelta(minutes=30))
    assert office == {
        county.supervisor.telegram_user_id: [
            f"⚠️ 查岗未应答：城关镇值班员 李娜（13900000000） {hm} 查岗，30 分钟仍未应答；"
            "带班领导 张三（13800000000）已告知。"
        ]
    }
    assert await scan(moment + timedelta(minutes=45)) == {}
    # A late answer is still recorded, and said to be late.
    prompt = [c for c in request.sent(member) if c.params["text"].startswith("🔔")][-1]
    await app.process_update(message_update(app.bot, member, "在岗", reply_to=prompt.message_id))
    assert request.sent(member)[-1].params["text"] == (
        f"已记录：{(moment + timedelta(minutes=45)):%H:%M} 应答查岗，"
        "在岗（已超过应答时限，已告知带班领导和督查室）。"
    )
    (spot,) = _checks(session, DutyCheckKind.SPOT)
    assert spot.asked_at == moment
    assert spot.leader_told_at == moment + timedelta(minutes=15)
    assert spot.office_told_at == moment + timedelta(minutes=30)
    assert spot.answered_at == moment + timedelta(minutes=45)


async def test_an_answered_spot_check_escalates_to_no_one(bot_app, county, scan, session) -> None:
    app, request = bot_app
    member = county.member.telegram_user_id
    await scan(oct_(1, 8, 1))
    moment = _checks(session, DutyCheckKind.SPOT)[0].at.astimezone(SHANGHAI)
    await scan(moment)
    prompt = scan.last(member)
    # Someone else cannot answer for them.
    await app.process_update(
        button_update(app.bot, LEADER_ID, prompt.buttons()["在岗"], message_id=prompt.message_id)
    )
    assert request.sent(LEADER_ID)[-1].params["text"] == "这个按钮是发给别人的，您不能代为操作。"
    clock_then = moment + timedelta(minutes=3)
    scan.clock.set(clock_then)
    await app.process_update(
        button_update(app.bot, member, prompt.buttons()["在岗"], message_id=prompt.message_id)
    )
    assert request.sent(member)[-1].params["text"] == f"已记录：{clock_then:%H:%M} 应答查岗，在岗。"
    assert await scan(moment + timedelta(minutes=15)) == {}
    assert await scan(moment + timedelta(minutes=30)) == {}


async def test_unbound_officers_are_asked_in_the_units_group(
    bot_app, county, scan, session
) -> None:
    app, request = bot_app
    session.add(ChatBinding(chat_id=GROUP, unit=county.township, title="城关镇工作群"))
    session.commit()
    received = await scan(oct_(1, 20, 0))
    assert received == {
        GROUP: [
            "🛡️ 值班提醒：城关镇值班员 王五（10月1日 20:00–次日08:00）开始值班。"
            "其到岗后，请本单位人员按“到岗确认”或回复本消息。"
        ]
    }
    prompt = scan.last(GROUP)
    outsider = county.outsider.telegram_user_id  # of another unit, even if in the group
    await app.process_update(
        message_update(app.bot, outsider, "到了", chat_id=GROUP, reply_to=prompt.message_id)
    )
    assert request.sent(GROUP)[-1].params["text"] == (
        "只有值班单位本单位的人员可以应答这条值班提醒。"
    )
    await app.process_update(
        message_update(
            app.bot,
            county.member.telegram_user_id,
            "王五已到岗",
            chat_id=GROUP,
            reply_to=prompt.message_id,
        )
    )
    assert request.sent(GROUP)[-1].params["text"] == "已确认到岗（20:00），值班辛苦了。"


async def test_the_supervisors_get_the_days_duty_log_each_holiday_morning(
    bot_app, county, scan, session
) -> None:
    app, _ = bot_app
    supervisor = county.supervisor.telegram_user_id
    await scan(oct_(1, 0, 1))  # 张三 is asked and does not confirm
    assert supervisor not in await scan(oct_(1, 8, 40))  # no holiday day behind yet
    prompt = scan.last(county.member.telegram_user_id)  # 李娜's 到岗确认
    await app.process_update(
        button_update(app.bot, county.member.telegram_user_id, prompt.buttons()["到岗确认"])
    )
    spot = _checks(session, DutyCheckKind.SPOT)[0]
    for minutes in (0, 15, 30):  # unanswered: told the leader, then the office
        await scan(spot.at + timedelta(minutes=minutes))
    await scan(oct_(1, 20, 0))  # 王五 cannot be asked
    morning = await scan(oct_(2, 8, 30))  # a day off, at digest time
    (summary,) = [t for t in morning[supervisor] if t.startswith("🛡️")]
    hm = f"{spot.at.astimezone(SHANGHAI):%H:%M}"
    assert summary.split("\n")[:9] == [
        "🛡️ 国庆节值班日报（10月1日）",
        "值班表：1 个单位排班，3 个班次",  # what the rosters held, beside what was asked
        "到岗确认：3 个班次，已确认 1，未确认 1，无法询问 1",
        "查岗：1 次，按时应答 0，超时应答 0，未应答 1，未能发出 0",
        "未应答查岗：",
        f"· 城关镇 值班员 李娜 {hm} 查岗未应答，已告知带班领导、督查室",
        "未确认到岗：",
        "· 城关镇 带班领导 张三 00:00 接班",
        "未能询问：",
    ]
    assert "· 城关镇 值班员 王五 20:00（值班员王五未绑定，本单位也未绑定工作群）" in summary
    assert supervisor not in await scan(oct_(2, 9))  # once a morning


async def test_a_restart_during_the_holiday_redraws_and_repeats_nothing(
    bot_app, county, scan, session, settings, runtime, clock
) -> None:
    await scan(oct_(1, 8, 1))
    drawn = [(c.key, c.at) for c in _checks(session, DutyCheckKind.SPOT)]
    moment = drawn[0][1].astimezone(SHANGHAI)
    first = await scan(moment)
    assert county.member.telegram_user_id in first
    # A new process on the same database: nothing drawn again, nothing sent again.
    request = RecordingRequest()
    async with build_application(settings, runtime, request=request) as again:
        restarted = Scanner(again, request, runtime, clock)
        assert await restarted(moment + timedelta(minutes=1)) == {}
        assert [(c.key, c.at) for c in _checks(session, DutyCheckKind.SPOT)] == drawn
        # 张三's shift began 8 hours before the first scan: logged, not asked.
        arrivals = [
            (c.name, c.asked_at is None, c.note) for c in _checks(session, DutyCheckKind.ARRIVAL)
        ]
        assert arrivals == [("张三", True, "当时系统未运行，未询问"), ("李娜", False, None)]
        prompts = session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.kind == "duty_prompt")
        ).all()
        assert len(prompts) == len(set(prompts)) == 2  # 李娜's 到岗确认 and the spot check


async def test_the_office_sees_todays_duty_log_so_far(bot_app, county, scan, session) -> None:
    app, request = bot_app
    await scan(oct_(1, 8, 1))
    spot = _checks(session, DutyCheckKind.SPOT)[0]
    moment = spot.at.astimezone(SHANGHAI)
    await scan(moment)
    supervisor = county.supervisor.telegram_user_id
    scan.clock.set(moment + timedelta(minutes=5))
    await app.process_update(message_update(app.bot, supervisor, "/duty 查岗"))
    lines = request.sent(supervisor)[-1].params["text"].split("\n")
    assert lines[:4] == [
        f"今日值班记录（2026-10-01（周四），截至 {moment + timedelta(minutes=5):%H:%M}）",
        "值班表：1 个单位排班，3 个班次",
        "到岗确认：2 个班次，已确认 0，未确认 1，无法询问 1",
        "查岗：1 次，按时应答 0，超时应答 0，未应答 0，未能发出 0，待应答 1",
    ]
    member = county.member.telegram_user_id
    await app.process_update(message_update(app.bot, member, "/duty 查岗"))
    assert request.sent(member)[-1].params["text"] == "只有督查室可以查看各单位值班记录。"


async def test_a_typed_answer_or_a_reply_to_a_second_copy_answers_the_prompt(
    bot_app, county, scan, session
) -> None:
    """A send that timed out after Telegram took it is sent again: two copies, one known."""
    app, request = bot_app
    member = county.member.telegram_user_id
    await scan(oct_(1, 8, 0))  # 李娜's 到岗确认
    unknown_copy = scan.last(member).message_id - 1
    scan.clock.set(oct_(1, 8, 3))
    await app.process_update(message_update(app.bot, member, "到岗", reply_to=unknown_copy))
    assert request.sent(member)[-1].params["text"] == "已确认到岗（08:03），值班辛苦了。"
    moment = _checks(session, DutyCheckKind.SPOT)[0].at.astimezone(SHANGHAI)
    await scan(moment)
    scan.clock.set(moment + timedelta(minutes=2))
    # Typed, no reply: 收到 answers the waiting check (asked before it could be thanks).
    await app.process_update(message_update(app.bot, member, "收到！"))
    assert request.sent(member)[-1].params["text"].endswith("应答查岗，在岗。")
    # With nothing waiting, 在岗 is a message like any other, and 收到 only thanks.
    await app.process_update(message_update(app.bot, member, "在岗"))
    assert request.sent(member)[-1].params["text"].startswith("您范围内没有推进中的事项")
    await app.process_update(message_update(app.bot, member, "收到"))
    assert request.sent(member)[-1].params["text"].startswith("好的。需要报告进展时")


async def test_duty_logs_of_mornings_missed_while_down_are_sent_once_on_return(
    bot_app, county, scan, session
) -> None:
    supervisor = county.supervisor.telegram_user_id
    await scan(oct_(1, 8, 1))
    back = await scan(oct_(4, 8, 45))  # down from 10月1日 morning to 10月4日
    (log,) = [t for t in back[supervisor] if t.startswith("🛡️")]  # one catch-up, not three
    lines = log.split("\n")
    assert lines[:2] == [
        "🛡️ 国庆节值班日报（10月1日—10月3日）",
        "系统停止运行期间的 3 天合并为一条：",
    ]
    assert [line for line in lines if line.startswith("【")] == [
        "【10月1日】",
        "【10月2日】",
        "【10月3日】",
    ]
    # 10月1日 the roster held three shifts, and says so beside what could be asked.
    first = lines[lines.index("【10月1日】") + 1]
    assert first == "值班表：1 个单位排班，3 个班次"
    assert "当日没有到岗确认和查岗记录（值班表未排到这一天）。" in log  # 10月2日: none held
    assert supervisor not in await scan(oct_(4, 9, 0))
    again = await scan(oct_(5, 8, 45))  # the next morning: only 10月4日
    (log,) = [t for t in again[supervisor] if t.startswith("🛡️")]
    assert log.split("\n")[0] == "🛡️ 国庆节值班日报（10月4日）"
