"""`python -m bot roster check|template`: the report, and exit codes 0, 1 and 2."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.duty import ROSTER_COLUMNS


def clock() -> datetime:
    return datetime(2026, 9, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, before 国庆


def full_days(
    unit: str, first: date, last: date, *, leader: str, officer: str, phones: str = "1380000000"
) -> list[list[object]]:
    """Two 12-hour shifts a day per post, the night ones crossing midnight."""
    rows: list[list[object]] = []
    day = first
    while day <= last:
        written = f"{day.month}月{day.day}日"
        rows += [
            [unit, written, "08:00", "20:00", "带班领导", leader, f"{phones}1"],
            [unit, written, "20:00", "08:00", "带班领导", leader + "乙", f"{phones}2"],
            [unit, written, "08:00", "20:00", "值班员", officer, f"{phones}3"],
            [unit, written, "20:00", "次日08:00", "值班员", officer + "乙", f"{phones}4"],
        ]
        day += timedelta(days=1)
    return rows


def roster_file(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    workbook.active.append(ROSTER_COLUMNS)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def county(first: date, last: date) -> list[list[object]]:
    """Two units; the eve's night shifts cover the holiday's first morning."""
    eve = first - timedelta(days=1)
    rows: list[list[object]] = []
    for unit, leader, officer, phones in (
        ("县委办", "张三", "李四", "1380000000"),
        ("县公安局", "王五", "赵六", "1390000000"),
    ):
        names = {"leader": leader, "officer": officer, "phones": phones}
        rows += [row for row in full_days(unit, eve, eve, **names) if row[2] == "20:00"]
        rows += full_days(unit, first, last, **names)
    return rows


def run(argv: list[str], capsys) -> tuple[int, list[str], list[str]]:  # type: ignore[no-untyped-def]
    code = main(argv, clock=clock)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


HOLIDAY = ["--from", "2026-10-01", "--to", "2026-10-03"]


def test_a_county_that_keeps_the_rule_exits_0(workdir, capsys) -> None:
    path = roster_file(workdir / "全县.xlsx", county(date(2026, 10, 1), date(2026, 10, 3)))
    code, out, err = run(["roster", "check", str(path), *HOLIDAY], capsys)
    assert (code, err) == (0, [])
    assert out == [
        "值班表检查 2026-10-01（周四）00:00 至 2026-10-03（周六）24:00："
        "共 2 个单位，2 个符合要求，0 个有问题",
        "县委办：全覆盖",
        "县公安局：全覆盖",
    ]


def test_a_gap_a_bad_phone_and_an_overlap_exit_1(workdir, capsys) -> None:
    rows = county(date(2026, 10, 1), date(2026, 10, 3))
    night = next(row for row in rows if row[:2] == ["县委办", "10月2日"] and row[5] == "李四乙")
    rows.remove(night)  # 10月2日 20:00 till 08:00 the next morning: only 20:00-22:00 left
    rows.append(["县委办", "10月2日", "20:00", "22:00", "值班员", "李四乙", "13800004"])
    rows.append(["县公安局", "10月3日", "12:00", "14:00", "值班员", "孙七", "12345"])
    rows.append(["县公安局", "10月1日", "09:00", "10:00", "值班员", "张三", "13800000001"])
    path = roster_file(workdir / "全县.xlsx", rows)
    code, out, err = run(["roster", "check", str(path), *HOLIDAY], capsys)
    assert (code, err) == (1, [])
    assert out == [
        "值班表检查 2026-10-01（周四）00:00 至 2026-10-03（周六）24:00："
        "共 2 个单位，0 个符合要求，2 个有问题",
        "县委办：空档 2 处；电话问题 1 个；重叠 1 处",
        "  10月2日 22:00–24:00 缺值班员",
        "  10月3日 00:00–08:00 缺值班员",
        "  电话：李四乙（第 29 行）电话“13800004”不是有效号码"
        "（手机 11 位，固定电话要带区号，如 0571-87654321）",
        "  重叠：张三 13800000001 10月1日 08:00–20:00 带班领导（第 4 行）"
        "与 10月1日 09:00–10:00 值班员（县公安局，第 31 行）时间重叠",
        "县公安局：全覆盖；电话问题 1 个；重叠 1 处",
        "  电话：孙七（第 30 行）电话“12345”不是有效号码"
        "（手机 11 位，固定电话要带区号，如 0571-87654321）",
        "  重叠：张三 13800000001 10月1日 08:00–20:00 带班领导（县委办，第 4 行）"
        "与 10月1日 09:00–10:00 值班员（第 31 行）时间重叠",
    ]


def test_without_dates_the_holiday_comes_from_the_calendar(workdir, capsys) -> None:
    rows = county(date(2026, 10, 1), date(2026, 10, 7))
    rows.append(["县委办", "10月8日", "08:00", "18:00", "值班员", "李四", "13800000003"])
    path = roster_file(workdir / "全县.xlsx", rows)
    code, out, err = run(["roster", "check", str(path)], capsys)
    assert (code, err) == (0, [])
    assert out == [
        "检查时段按日历取国庆节：2026-10-01（周四）至2026-10-07（周三）（可用 --from、--to 指定）",
        f"提醒：第 {len(rows) + 1} 行的班次不在检查时段内，未计入",
        "值班表检查 2026-10-01（周四）00:00 至 2026-10-07（周三）24:00："
        "共 2 个单位，2 个符合要求，0 个有问题",
        "县委办：全覆盖",
        "县公安局：全覆盖",
    ]


def test_a_units_own_file(workdir, capsys) -> None:
    day = date(2026, 10, 1)
    rows = full_days("", day, day, leader="张三", officer="李四")
    rows = [rows[0], rows[2]]  # the day shifts only
    path = roster_file(workdir / "县委办.xlsx", rows)
    one_day = ["--from", "2026-10-01", "--to", "2026-10-01"]
    code, out, err = run(["roster", "check", str(path), *one_day], capsys)
    assert (code, err) == (1, [])
    assert out[1:] == [
        "县委办：空档 4 处",  # no unit written: the file's name
        "  10月1日 00:00–08:00 缺带班领导",
        "  10月1日 00:00–08:00 缺值班员",
        "  10月1日 20:00–24:00 缺带班领导",
        "  10月1日 20:00–24:00 缺值班员",
    ]
    code, out, err = run(["roster", "check", str(path), "--unit", "县政府办", *one_day], capsys)
    assert out[1] == "县政府办：空档 4 处"
    rows.append(["县公安局", *rows[0][1:5], "王五", "13900000001"])
    path = roster_file(workdir / "全县.xlsx", rows)
    code, out, err = run(["roster", "check", str(path), *one_day], capsys)
    assert (code, out) == (1, [])
    assert err == [
        "全县.xlsx 有 2 处错误，未检查：",
        "  第 2 行：单位为空",
        "  第 3 行：单位为空",
        "（本单位自己的表可不填单位：加 --unit 单位名称）",
    ]


def test_bad_rows_are_listed_and_nothing_is_checked(workdir, capsys) -> None:
    path = roster_file(
        workdir / "bad.xlsx",
        [
            ["县委办", "10月1日", "08:00", "20:00", "带班", "张三", "13800000000"],
            ["县委办", "10月1日", "08:00", "", "值班员", "李四", "13900000000"],
        ],
    )
    code, out, err = run(["roster", "check", str(path), *HOLIDAY], capsys)
    assert (code, out) == (1, [])
    assert err == [
        "bad.xlsx 有 2 处错误，未检查：",
        "  第 2 行：岗位“带班”应为 带班领导 或 值班员",
        "  第 3 行：结束时间为空",
    ]


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (None, "找不到文件 nothing.xlsx，请检查路径。"),
        (
            "text",
            "nothing.xlsx 不是 .xlsx 文件，请用 Excel 或 WPS 保存为 .xlsx 格式的值班表后再发送。",
        ),
        ("ledger", "nothing.xlsx 的前 10 行里找不到值班表的表头"),
    ],
)
def test_an_unreadable_file_exits_2(workdir, capsys, write, message) -> None:
    path = workdir / "nothing.xlsx"
    if write == "text":
        path.write_text("名单")
    elif write == "ledger":
        roster_file(path, []).unlink()
        workbook = Workbook()
        workbook.active.append(["编号", "事项", "牵头单位", "截止时间"])
        workbook.save(path)
    code, out, err = run(["roster", "check", "nothing.xlsx", *HOLIDAY], capsys)
    assert (code, out) == (2, [])
    assert err[0].startswith(message)


def test_dates_must_come_in_pairs_and_in_order(workdir, capsys) -> None:
    path = roster_file(workdir / "r.xlsx", county(date(2026, 10, 1), date(2026, 10, 1)))
    assert run(["roster", "check", str(path), "--from", "2026-10-01"], capsys)[2] == [
        "--from 和 --to 要一起给出（或都不写，按日历取假期）。"
    ]
    code, _, err = run(
        ["roster", "check", str(path), "--from", "2026-10-03", "--to", "2026-10-01"], capsys
    )
    assert (code, err) == (2, ["--from 2026-10-03 晚于 --to 2026-10-01。"])
    with pytest.raises(SystemExit) as stopped:
        main(["roster", "check", str(path), "--from", "10月1日", "--to", "2026-10-01"])
    assert stopped.value.code == 2
    assert "参数 --from：日期 '10月1日' 应写成 YYYY-MM-DD，如 2026-10-01" in capsys.readouterr().err


def test_the_template_is_written_and_an_empty_one_is_refused(workdir, capsys) -> None:
    code, out, err = run(["roster", "template", "值班表模板.xlsx"], capsys)
    assert (code, out, err) == (0, ["已生成值班表模板：值班表模板.xlsx"], [])
    code, out, err = run(["roster", "check", "值班表模板.xlsx", *HOLIDAY], capsys)
    assert (code, err) == (1, ["值班表模板.xlsx 的工作表“值班表”里没有值班班次。"])
    assert run(["roster", "template", str(workdir / "missing" / "t.xlsx")], capsys)[0] == 1


def test_roster_import_saves_each_unit_of_a_county_file_all_or_nothing(
    workdir, settings, session, monkeypatch, capsys
) -> None:
    from sqlalchemy import select

    from db.models import DutyRoster, Unit, UnitKind

    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    session.add_all(
        [
            Unit(name="县委办", kind=UnitKind.DEPARTMENT),
            Unit(name="县公安局", kind=UnitKind.DEPARTMENT),
        ]
    )
    session.commit()
    rows = county(date(2026, 10, 1), date(2026, 10, 7))
    typo = [row[:] for row in rows]
    typo[5][0] = "县公按局"
    bad = roster_file(workdir / "有错.xlsx", typo)
    code, out, err = run(["roster", "import", str(bad)], capsys)
    assert code == 1 and out == []
    assert err == [
        "没有这些单位：“县公按局”（第 7 行起）。"
        "请核对单位名称（/units 或 python -m bot status），未导入。"
    ]
    session.rollback()
    assert session.scalars(select(DutyRoster)).all() == []

    good = roster_file(workdir / "全县.xlsx", rows)
    code, out, err = run(["roster", "import", str(good)], capsys)
    assert (code, err) == (0, [])
    assert out[:3] == [
        "已导入国庆节值班表：2 个单位，60 个班次（2026-10-01（周四）至2026-10-07（周三））。",
        "  县公安局：第 1 版，30 个班次",
        "  县委办：第 1 版，30 个班次",
    ]
    assert "县委办：全覆盖" in out
    # Again: a second version each, the first kept.
    assert run(["roster", "import", str(good)], capsys)[0] == 0
    session.rollback()
    versions = session.execute(
        select(DutyRoster.version, DutyRoster.current).order_by(DutyRoster.id)
    ).all()
    assert versions == [(1, False), (1, False), (2, True), (2, True)]


def test_roster_import_refuses_days_outside_any_holiday(
    workdir, settings, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    path = roster_file(
        workdir / "平日.xlsx",
        full_days("县委办", date(2026, 10, 12), date(2026, 10, 12), leader="张三", officer="李四"),
    )
    code, _, err = run(["roster", "import", str(path)], capsys)
    assert code == 1
    assert err == [
        "表中的日期不在日历上的任何节假日内，未导入。"
        "日历上没有的假期请用 --from、--to、--name 给出，"
        "或先登记：python -m bot holiday add 名称 第一天 最后一天"
    ]


def test_a_holiday_the_calendar_does_not_know_across_the_new_year(
    workdir, settings, session, monkeypatch, capsys
) -> None:
    from db.models import Unit, UnitKind

    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    session.add(Unit(name="县委办", kind=UnitKind.DEPARTMENT))
    session.commit()
    first, last = date(2026, 12, 31), date(2027, 1, 3)
    rows = [row for row in county(first, last) if row[0] == "县委办"]
    path = roster_file(workdir / "元旦.xlsx", rows)
    days = ["--from", "2026-12-31", "--to", "2027-01-03"]
    code, out, _ = run(["roster", "check", str(path), *days], capsys)
    assert code == 0 and "县委办：全覆盖" in out  # 12-31 counts: no false gap
    code, _, err = run(["roster", "import", str(path), *days], capsys)
    assert (code, err) == (2, ["请用 --name 写明假期名称，如 --name 元旦。"])
    code, out, err = run(["roster", "import", str(path), *days, "--name", "元旦"], capsys)
    assert (code, err) == (0, [])
    assert out[:2] == [
        "已在日历上登记放假：元旦 2026-12-31 至 2027-01-03",
        "已导入元旦值班表：1 个单位，18 个班次（2026-12-31（周四）至2027-01-03（周日））。",
    ]
    # The calendar knows it now: the next import needs no dates.
    code, out, err = run(["roster", "import", str(path)], capsys)
    assert (code, err) == (0, [])
    assert out[0].startswith("已导入元旦值班表")


def test_holidays_from_the_terminal(workdir, settings, monkeypatch, capsys) -> None:
    import re

    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    code, out, _ = run(["holiday", "add", "元旦", "2026-12-31", "2027-01-03"], capsys)
    number = re.search(r"编号 (\d+)", out[0])[1]  # type: ignore[index]  # PostgreSQL's sequences run on
    assert (code, out) == (
        0,
        [
            f"已登记放假：元旦 2026-12-31（周四） 至 2027-01-03（周日），共 4 天（编号 {number}）。"
            f"如有误，运行 python -m bot holiday remove {number} 撤销。"
        ],
    )
    code, out, _ = run(["holiday", "workday", "2027-01-04", "元旦调休"], capsys)
    workday = re.search(r"编号 (\d+)", out[0])[1]  # type: ignore[index]
    assert code == 0 and out[0].startswith("已登记调休上班：2027-01-04（周一） 元旦调休")
    code, _, err = run(["holiday", "add", "元旦", "2026-12-31", "2027-01-03"], capsys)
    assert (code, err) == (1, [f"这条安排已经登记过了（编号 {number}）。"])
    code, out, _ = run(["holiday", "list"], capsys)
    assert code == 0
    assert "• 元旦 2026-12-31（周四） 至 2027-01-03（周日），共 4 天" in out
    assert f"{number}. 放假 元旦 2026-12-31（周四） 至 2027-01-03（周日）" in out
    with pytest.raises(SystemExit):
        run(["holiday", "add", "元旦", "2026-13-01", "2027-01-03"], capsys)
    assert "日期“2026-13-01”应写成 YYYY-MM-DD" in capsys.readouterr().err
    removed = run(["holiday", "remove", workday], capsys)[:2]
    assert removed == (0, [f"已撤销第 {workday} 条登记（元旦调休）。"])


def test_gaps_are_listed_in_the_order_of_the_clock(workdir, capsys) -> None:
    rows = county(date(2026, 10, 1), date(2026, 10, 3))
    # The leaders miss every evening; the member misses the 2nd's morning.
    rows = [
        row
        for row in rows
        if not (row[0] == "县委办" and row[4] == "带班领导" and row[2] == "20:00")
    ]
    rows = [
        row
        for row in rows
        if not (
            row[0] == "县委办" and row[1] == "10月2日" and row[4] == "值班员" and row[2] == "08:00"
        )
    ]
    path = roster_file(workdir / "空档.xlsx", rows)
    code, out, _ = run(["roster", "check", str(path), *HOLIDAY], capsys)
    gaps = [line.strip() for line in out if line.startswith("  ") and "缺" in line]
    assert code == 1
    assert gaps == [
        "10月1日 00:00–08:00 缺带班领导",
        "10月1日 20:00–24:00 缺带班领导",
        "10月2日 00:00–08:00 缺带班领导",
        "10月2日 08:00–20:00 缺值班员",
        "10月2日 20:00–24:00 缺带班领导",
        "10月3日 00:00–08:00 缺带班领导",
        "10月3日 20:00–24:00 缺带班领导",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chart", "c.jpg"], "进度图只能保存为 .png 文件，c.jpg 的扩展名不符：请改为 c.png。"),
        (
            ["bulletin", "b.pdf"],
            "督查通报只能保存为 .docx 文件，b.pdf 的扩展名不符：请改为 b.docx。",
        ),
        (
            ["bulletin", "b.docx", "--week", "0001-W01"],
            "周次 0001-W01 的年份应在 2000 至 2999 年之间。",
        ),
        (
            ["bulletin", "b.docx", "--week", "2030-W01"],
            "2030-W01 还没有到，不能生成通报（本周是 2026-W38）。",
        ),
    ],
)
def test_report_files_are_what_their_names_say_and_weeks_exist(
    workdir, settings, monkeypatch, capsys, argv, message
) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    code, out, err = run([argv[0], str(workdir / argv[1]), *argv[2:]], capsys)
    assert (code, out, err) == (2, [], [message])
    assert not (workdir / argv[1]).exists()
