"""What the terminal commands print."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.demo.data import DEMO_TASKS
from bot.demo.replay import DemoError, run_demo
from tests.conftest import local
from tests.factories import make_county, make_task


def test_help_lists_every_subcommand() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    for command in (
        "run",
        "send",
        "outbox",
        "migrate",
        "demo",
        "import",
        "export",
        "template",
        "status",
        "roster",
        "people",
        "invitations",
    ):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "show this help",
    "invalid choice",
    "the following arguments are required",
    "unrecognized arguments",
    "error:",
    "expected one argument",
)
COMMANDS = (
    "run",
    "send",
    "outbox",
    "migrate",
    "demo",
    "import",
    "export",
    "template",
    "status",
    "roster",
    "people",
    "invitations",
)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_explains_itself_in_chinese(command, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：python -m bot {command} [-h]")
    assert not [words for words in ARGPARSE_ENGLISH if words in out]
    assert re.search(r"^  -h, --help +显示本帮助并退出$", out, re.M)
    description = out.split("\n\n")[1]
    assert re.search(r"[\u4e00-\u9fff]{4}", description), description


def test_file_arguments_say_what_file(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：python -m bot import [-h] [--new-unit 单位名称] FILE.xlsx")
    assert re.search(r"^\s+FILE\.xlsx\s+要导入的台账文件（\.xlsx）$", out, re.M)


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["nosuch"], "参数 子命令：没有 'nosuch' 这一项（可选：'run', 'migrate',"),
        (["import"], "缺少参数：FILE.xlsx"),
        (["status", "extra"], "不认识的参数：extra"),
        (["demo", "--database"], "参数 --database：后面要跟一个值"),
    ],
)
def test_mistyped_commands_are_answered_in_chinese(argv, complaint, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert complaint in err
    assert "：出错了：" in err and "查看帮助：python -m bot" in err
    assert not [words for words in ARGPARSE_ENGLISH if words in err]


def test_without_a_token_the_bot_explains_how_to_get_one(workdir, capsys) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "DUBAN_TELEGRAM_TOKEN" in err
    assert "python -m bot demo" in err


def test_status_prints_the_table(workdir, settings, session, clock, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 4, 27, 18), now=local(2026, 4, 1, 9))
    make_task(session, county, deadline=local(2026, 4, 30, 18), now=local(2026, 4, 1, 9))
    make_task(session, county, deadline=local(2026, 6, 30, 18), now=local(2026, 4, 1, 9))
    assert main(["status"], clock=clock) == 0  # Wed 2026-04-29 10:00
    out = capsys.readouterr().out
    assert out.startswith("督办事项总览（截至 2026-04-29（周三）10:00）")
    assert re.search(r"^城关镇\s+1\s+1\s+1\s+0\s+0\s+3$", out, re.MULTILINE)
    assert "• DB-0001 农村改厕1200户 · 城关镇 · 逾期" in out


def test_status_of_an_empty_ledger_says_how_to_fill_it(workdir, clock, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", "sqlite:///ledger.sqlite3")
    assert main(["status"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "当前数据库（sqlite:///ledger.sqlite3）里还没有督办事项。" in out
    assert "python -m bot import FILE.xlsx" in out
    assert "python -m bot template FILE.xlsx" in out
    # The way to the demo's data works as printed.
    demo_status = re.search(r"^\s+DUBAN_DATABASE_URL=(\S+) python -m bot status$", out, re.M)
    assert demo_status is not None and "python -m bot demo" in out
    assert main(["demo"], clock=clock) == 0
    capsys.readouterr()
    monkeypatch.setenv("DUBAN_DATABASE_URL", demo_status[1])
    assert main(["status"], clock=clock) == 0
    assert re.search(r"^合计\s+.*\s60$", capsys.readouterr().out, re.M)


def test_demo_builds_every_state_and_prints_the_digests(workdir) -> None:
    from bot.settings import Settings

    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    clock = lambda: datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # noqa: E731 - Thu 14:00 Shanghai
    output = run_demo(Settings(_env_file=None, database_url=url), clock=clock)  # type: ignore[call-arg]
    assert output.startswith("督办事项总览（截至 2026-11-26（周四）14:00）")
    totals = re.search(r"^合计\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", output, re.M)
    assert totals is not None
    red, yellow, green, reported, verified, total = map(int, totals.groups())
    assert total == len(DEMO_TASKS) >= 50
    assert min(red, yellow, green, reported, verified) > 0
    assert "下一个工作日 2026-11-27（周五）08:30 将发出的每日汇总" in output
    assert "（督查室）\n🗂 督查室每日汇总（2026-11-27（周五））" in output
    assert "（责任单位）\n📋 " in output and "（包联领导）\n📌 " in output
    # A database that already holds a ledger is never mixed with invented tasks.
    with pytest.raises(DemoError, match="已经有台账数据"):
        run_demo(Settings(_env_file=None, database_url=url), clock=clock)  # type: ignore[call-arg]


def test_demo_command_rebuilds_its_own_file_each_time(workdir, clock, capsys) -> None:
    assert main(["demo"], clock=clock) == 0  # Wed 2026-04-29 10:00
    first = capsys.readouterr().out
    assert first.startswith("督办事项总览（截至 2026-04-29（周三）10:00）")
    assert "下一个工作日 2026-04-30（周四）08:30 将发出的每日汇总" in first
    assert main(["demo"], clock=clock) == 0  # the default demo file is rebuilt, not doubled
    second = capsys.readouterr().out
    assert re.search(r"^合计\s+.*\s60$", first, re.M) and re.search(
        r"^合计\s+.*\s60$", second, re.M
    )
    assert main(["demo", "--database", "sqlite:///duban-demo.sqlite3"], clock=clock) == 1
    assert "已经有台账数据" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("garbage", "无法解析为数据库地址"),
        ("mysql://u:SECRET@h/db", "没有安装数据库驱动 MySQLdb"),
        ("postgresql+psycopg2://u:SECRET@h/db", "没有安装数据库驱动 psycopg2"),
    ],
)
def test_demo_names_an_unusable_database_argument(workdir, capsys, url, reason) -> None:
    assert main(["demo", "--database", url]) == 2
    out, err = capsys.readouterr()
    assert "SECRET" not in out + err
    assert err.startswith(
        f"演示数据库地址无效（--database={url.replace('SECRET', '***')}）：{reason}"
    )
    assert len(err.splitlines()) == 1


def test_demo_database_trouble_is_reported_under_its_own_name(workdir, clock, capsys) -> None:
    url = "sqlite:///no/such/folder/demo.sqlite3"
    assert main(["demo", "--database", url], clock=clock) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"数据库出错（--database={url}）")
    assert "DUBAN_DATABASE_URL" not in err


def test_database_problems_are_explained(workdir, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", "sqlite:///no/such/folder/duban.sqlite3")
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert "数据库出错（DUBAN_DATABASE_URL=sqlite:///no/such/folder/duban.sqlite3）" in err
    assert "SQLite 文件所在的文件夹" in err
    (workdir / "notes.sqlite3").write_text("not a database")
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{workdir / 'notes.sqlite3'}")
    assert main(["status"]) == 1
    assert "数据库拒绝了这次操作" in capsys.readouterr().err


def test_the_password_in_the_database_url_is_never_printed(workdir, monkeypatch, capsys) -> None:
    monkeypatch.setenv(
        "DUBAN_DATABASE_URL", "postgresql+psycopg://duban:s3cret@127.0.0.1:1/nowhere"
    )
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err and "duban:***@127.0.0.1:1/nowhere" in err


def test_an_imported_ledger_is_saved(workdir, clock, monkeypatch, capsys) -> None:
    from openpyxl import Workbook

    from bot.excel import TEMPLATE_COLUMNS

    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{workdir / 'ledger.sqlite3'}")
    workbook = Workbook()
    workbook.active.append(TEMPLATE_COLUMNS)
    workbook.active.append(["", "农村改厕1200户", "城关镇", "", "", "2026-06-30", "", ""])
    workbook.active.append(["", "街巷硬化", "东关镇", "", "", "下周五前", "", ""])
    workbook.save(workdir / "台账.xlsx")
    assert main(["import", "台账.xlsx"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "导入完成（工作表“Sheet”）：新增 2 · 更新 0 · 未变 0" in out
    assert "第 3 行 “下周五前” → 2026-05-08（周五）18:00" in out
    # A later command, with its own connection, sees what the import wrote.
    assert main(["status"], clock=clock) == 0
    assert re.search(r"^合计\s+0\s+0\s+2\s+0\s+0\s+2$", capsys.readouterr().out, re.M)


def test_template_to_a_missing_folder_says_so(workdir, capsys) -> None:
    assert main(["template", str(workdir / "missing" / "t.xlsx")]) == 1
    assert "无法写入" in capsys.readouterr().err


def test_export_to_a_missing_folder_says_so(workdir, clock, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{workdir / 'ledger.sqlite3'}")
    assert main(["export", str(workdir / "missing" / "out.xlsx")], clock=clock) == 1
    assert "无法写入" in capsys.readouterr().err


def test_a_dotenv_in_another_encoding_is_named(workdir, capsys) -> None:
    (workdir / ".env").write_bytes("DUBAN_ADMINS=1 # 督查室\n".encode("gbk"))
    assert main(["status"]) == 2
    assert ".env 文件不是 UTF-8 编码" in capsys.readouterr().err
