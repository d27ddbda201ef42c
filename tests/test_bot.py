"""Real updates through the Application: what the bot answers, per role."""

from __future__ import annotations

from bot.app import build_application
from db.models import Person, Role
from tests.conftest import ADMIN_ID, local
from tests.factories import make_county, make_task
from tests.telegram_fakes import RecordingRequest, command_update, send


async def test_strangers_learn_nothing(bot_app, session) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 8, 18), now=local(2026, 4, 20, 9))
    for command in ("/start", "/help", "/status"):
        replies = await send(bot_app, 555, command)
        assert len(replies) == 1
        assert "还没有绑定" in replies[0]
        assert "城关镇" not in replies[0] and "DB-0001" not in replies[0]


async def test_admin_becomes_a_supervisor_on_first_contact(bot_app, session) -> None:
    replies = await send(bot_app, ADMIN_ID, "/start")
    assert "督查室成员" in replies[0]
    person = session.query(Person).filter_by(telegram_user_id=ADMIN_ID).one()
    assert person.role == Role.SUPERVISOR


async def test_status_for_a_supervisor_covers_the_county(bot_app, session, clock) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 4, 28, 18), now=local(2026, 4, 1, 9))
    make_task(
        session,
        county,
        deadline=local(2026, 5, 6, 18),
        now=local(2026, 4, 1, 9),
        title="污水厂提标",
        unit=county.department,
    )
    (reply,) = await send(bot_app, ADMIN_ID, "/status")
    assert reply.startswith("📊 督办事项总览（截至 2026-04-29（周三）10:00）")
    assert "共 2 项：🔴 红灯 1 · 🟡 黄灯 1 · 🟢 绿灯 0" in reply
    assert reply.index("1. 城关镇") < reply.index("2. 县住建局")
    assert "• DB-0001 农村改厕1200户 · 城关镇 · 逾期1天 · 进度0%" in reply


async def test_status_for_a_member_covers_only_their_unit(bot_app, session) -> None:
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 20, 18), now=local(2026, 4, 1, 9))
    make_task(
        session,
        county,
        deadline=local(2026, 4, 2, 18),
        now=local(2026, 4, 1, 9),
        title="污水厂提标",
        unit=county.department,
    )
    (reply,) = await send(bot_app, county.member.telegram_user_id, "/status")
    assert "共 1 项：🔴 红灯 0 · 🟡 黄灯 0 · 🟢 绿灯 1" in reply
    assert "县住建局" not in reply and "污水厂" not in reply


async def test_a_failing_handler_tells_the_user_and_the_bot_keeps_going(bot_app, caplog) -> None:
    from telegram.ext import CommandHandler

    app, _ = bot_app

    async def broken(update, context) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    app.add_handler(CommandHandler("boom", broken), group=-1)
    (reply,) = await send(bot_app, ADMIN_ID, "/boom")
    assert reply.startswith("抱歉，处理这条消息时出错了")
    assert "database went away" in caplog.text
    (after,) = await send(bot_app, ADMIN_ID, "/help")
    assert "督查室成员" in after


async def test_the_command_menu_is_registered_in_chinese_per_role(bot_app, session) -> None:
    app, request = bot_app
    await app.post_init(app)
    (default,) = [c for c in request.calls if c.method == "setMyCommands"]
    assert "scope" not in default.params  # everyone not bound: just the way in
    assert [item["command"] for item in default.params["commands"]] == ["start", "help"]
    county = make_county(session)

    def menu_of(user_id: int) -> dict[str, str]:
        scoped = [
            c
            for c in request.calls
            if c.method == "setMyCommands" and str(user_id) in str(c.params.get("scope"))
        ]
        return {item["command"]: item["description"] for item in scoped[-1].params["commands"]}

    await send(bot_app, ADMIN_ID, "/help")
    await send(bot_app, county.member.telegram_user_id, "/help")
    office, member = menu_of(ADMIN_ID), menu_of(county.member.telegram_user_id)
    assert office["status"] == "红黄绿灯总览" and office["newtask"] == "新建督办事项"
    assert {"tasks", "task", "status", "holiday", "help"} <= set(member)
    assert not {"newtask", "verify", "invite", "units"} & set(member)


def test_a_self_hosted_bot_api_server_is_used_when_configured(settings, runtime) -> None:
    token = "123456789:" + "A" * 35
    configured = settings.model_copy(
        update={"telegram_token": token, "telegram_api_url": "http://127.0.0.1:8081"}
    )
    app = build_application(configured, runtime)
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{token}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{token}"


async def test_status_numbers_only_units_with_tasks(bot_app, session) -> None:
    from db.models import Unit

    county = make_county(session)
    session.add(Unit(name="东关镇"))  # sorts before 城关镇 and has nothing to count
    make_task(
        session,
        county,
        deadline=local(2026, 4, 28, 18),
        now=local(2026, 4, 1, 9),
        unit=county.department,
    )
    verified = make_task(session, county, deadline=local(2026, 6, 1, 18), now=local(2026, 4, 1, 9))
    verified.state = "verified"
    session.commit()
    (reply,) = await send(bot_app, ADMIN_ID, "/status")
    assert "1. 县住建局" in reply and "2. 城关镇" in reply
    assert "东关镇" not in reply and "3." not in reply


async def test_a_member_without_a_unit_sees_nothing(bot_app, session) -> None:
    make_task(session, make_county(session), deadline=None, now=local(2026, 4, 1, 9))
    session.add(Person(name="钱七", role=Role.MEMBER, telegram_user_id=77))
    session.commit()
    (reply,) = await send(bot_app, 77, "/status")
    assert reply == "您的账号还没有关联责任单位，请联系县督查室。"


async def test_an_admin_with_a_very_long_name_is_still_registered(bot_app, session) -> None:
    app, request = bot_app
    await app.process_update(command_update(app.bot, ADMIN_ID, "/start", first_name="长" * 64))
    assert "督查室成员" in request.texts(ADMIN_ID)[-1]
    person = session.query(Person).filter_by(telegram_user_id=ADMIN_ID).one()
    assert person.name == "长" * 50


async def test_without_a_runtime_the_app_opens_and_closes_its_own(settings) -> None:
    request = RecordingRequest()
    app = build_application(settings, request=request)
    async with app:
        await app.post_init(app)
        runtime = app.bot_data["runtime"]
        assert runtime.settings is settings
        await app.process_update(command_update(app.bot, ADMIN_ID, "/help"))
        assert "督查室成员" in request.texts(ADMIN_ID)[-1]
        await app.post_shutdown(app)
    assert "runtime" not in app.bot_data


async def test_a_huge_status_is_cut_to_what_telegram_accepts(bot_app, session) -> None:
    from db.models import Unit

    county = make_county(session)
    for number in range(80):
        unit = Unit(name=f"第{number:02d}个很长很长名字的责任单位")
        session.add(unit)
        make_task(
            session,
            county,
            deadline=local(2026, 4, 1, 18),
            now=local(2026, 3, 1, 9),
            title="一项标题相当长的督办事项" * 25,
            unit=unit,
        )
    (reply,) = await send(bot_app, ADMIN_ID, "/status")
    assert len(reply) <= 4096
    assert reply.endswith("……内容过长，以下从略。")  # the lists alone would pass the limit


def test_every_command_the_bot_answers_is_in_the_one_command_table(bot_app) -> None:
    from telegram.ext import CommandHandler

    from handlers.menu import COMMANDS

    app, _ = bot_app
    handled = {
        command
        for handlers in app.handlers.values()
        for h in handlers
        if isinstance(h, CommandHandler)
        for command in h.commands
    }
    assert handled == {command.name for command in COMMANDS}
