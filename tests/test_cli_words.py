"""The terminal speaks Chinese: the system's reasons, argparse's types, a junk .env line,
refused arguments, and settings a command does not use not blocking it."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from bot.cli import main
from tests.conftest import SHANGHAI

NOW = datetime(2026, 12, 6, 10, tzinfo=SHANGHAI)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv, clock=lambda: NOW)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def database(workdir, database_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_DATABASE_URL", database_url)
    return workdir


def test_a_folder_where_a_file_should_go_is_said_in_chinese(database, capsys) -> None:  # type: ignore[no-untyped-def]
    (database / "进度.png").mkdir()
    code, _, err = run(["chart", "进度.png"], capsys)
    assert (code, err) == (1, "无法写入 进度.png：是一个文件夹，不是文件\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_permission_is_said_in_chinese(database, capsys) -> None:  # type: ignore[no-untyped-def]
    locked = database / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run(["chart", "locked/c.png"], capsys)
    assert (code, err) == (1, "无法写入 locked/c.png：没有权限\n")


def test_a_missing_folder_is_said_in_chinese(database, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["bulletin", "nowhere/b.docx"], capsys)
    assert (code, err) == (1, "无法写入 nowhere/b.docx：文件或文件夹不存在\n")


def test_os_reasons_are_chinese_for_every_errno_named() -> None:
    import errno

    from bot.cli.invocation import os_reason

    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "没有权限"
    assert os_reason(IsADirectoryError(errno.EISDIR, "Is a directory")) == "是一个文件夹，不是文件"
    assert os_reason(FileNotFoundError(errno.ENOENT, "No such file")) == "文件或文件夹不存在"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["outbox", "--limit", "-5"], "参数 --limit：值 '-5' 无效（应为正整数）"),
        (["outbox", "--limit", "lots"], "参数 --limit：值 'lots' 无效（应为正整数）"),
        (["outbox", "--retry", "0"], "参数 --retry：值 '0' 无效（应为正整数）"),
        (["outbox", "--retry", "1", "--cancel", "2"], "参数 --cancel：不能与参数 --retry 同时使用"),
    ],
)
def test_arguments_are_refused_in_words(workdir, capsys, argv, said) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert f"出错了：{said}\n" in err
    assert "int" not in err and "Traceback" not in err


def test_a_week_of_year_one_is_refused_without_a_traceback(database, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["bulletin", "x.docx", "--week", "0001-W01"], capsys)
    assert (code, err) == (2, "周次 0001-W01 的年份应在 2000 至 2999 年之间。\n")
    code, _, err = run(["bulletin", "x.docx", "--week", "2027-W10"], capsys)
    assert (code, err) == (2, "2027-W10 还没有到，不能生成通报（本周是 2026-W49）。\n")


def test_a_junk_env_line_is_one_chinese_line(database, capsys, caplog) -> None:  # type: ignore[no-untyped-def]
    (database / ".env").write_text(
        "# 督办\nDUBAN_COUNTY_NAME=城关县\n把令牌写在这里\nDUBAN_SCAN_INTERVAL='30\n",
        encoding="utf-8",
    )
    code, _, err = run(["holiday", "list"], capsys)
    assert code == 0
    advice = "（每行应为 名称=值，如 DUBAN_TIMEZONE=Asia/Shanghai；注释以 # 开头）。"
    assert err.splitlines() == [f"提示：.env 第 {n} 行无法识别，已忽略{advice}" for n in (3, 4)]
    assert "python-dotenv" not in caplog.text


def test_a_bad_setting_a_command_does_not_use_does_not_block_it(
    database, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_DIGEST_TIME", "25:00")
    code, out, err = run(["holiday", "list"], capsys)
    assert code == 0 and "节假日" in out
    assert err == (
        "提示：DUBAN_DIGEST_TIME 的值无效，本命令用不到它，暂按默认值处理；启动机器人前请改正。\n"
    )
    code, _, err = run(["roster", "template", "模板.xlsx"], capsys)
    assert code == 0 and "DUBAN_DIGEST_TIME" in err
    # A command that uses it is stopped, naming it.
    code, _, err = run(["status"], capsys)
    assert code == 2 and "DUBAN_DIGEST_TIME='25:00' 无效" in err
    # A bad setting the command uses stops it too.
    monkeypatch.setenv("DUBAN_TIMEZONE", "Mars/Base")
    code, _, err = run(["holiday", "list"], capsys)
    assert code == 2 and "DUBAN_TIMEZONE='Mars/Base' 无效" in err


def test_a_folder_given_as_a_ledger_is_named_a_folder(database, capsys) -> None:  # type: ignore[no-untyped-def]
    (database / "台账").mkdir()
    code, _, err = run(["import", "台账"], capsys)
    assert code != 0
    assert "台账 是一个文件夹，不是文件" in err and "找不到文件" not in err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["export", "台账.csv"],
            "台账只能保存为 .xlsx 文件，台账.csv 的扩展名不符：请改为 台账.xlsx。",
        ),
        (
            ["template", "t.txt"],
            "台账模板只能保存为 .xlsx 文件，t.txt 的扩展名不符：请改为 t.xlsx。",
        ),
        (
            ["roster", "template", "r.csv"],
            "值班表模板只能保存为 .xlsx 文件，r.csv 的扩展名不符：请改为 r.xlsx。",
        ),
        (["chart", "c.jpg"], "进度图只能保存为 .png 文件，c.jpg 的扩展名不符：请改为 c.png。"),
        (
            ["bulletin", "b.pdf"],
            "督查通报只能保存为 .docx 文件，b.pdf 的扩展名不符：请改为 b.docx。",
        ),
    ],
)
def test_a_file_named_for_another_format_is_refused(database, capsys, argv, said) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(argv, capsys)
    assert (code, err) == (2, said + "\n")
    assert not (database / argv[-1]).exists()
