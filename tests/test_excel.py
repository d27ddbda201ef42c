"""Ledger import (all rows or nothing), export, and the export → import round trip."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.core.access import SYSTEM, Scope
from bot.excel import (
    EXPORT_COLUMNS,
    TEMPLATE_COLUMNS,
    ImportResult,
    LedgerFileError,
    export_ledger,
    import_ledger,
    read_ledger,
    write_template,
)
from bot.ledger.changes import MilestoneInput, create_task
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from db.models import Base, Task, TaskEvent, TaskState, Unit
from tests.conftest import SHANGHAI, local
from tests.deadline_phrases import CALENDAR
from tests.factories import make_county

NOW = local(2026, 4, 29, 10)
# The official data pinned to 2004-2026: the test of an unpublished year must not
# break when a chinesecalendar release learns 2027.
OPTIONS = {"now": NOW, "zone": SHANGHAI, "calendar": CALENDAR, "end_of_day": time(18)}
REPO = Path(__file__).resolve().parent.parent


def import_file(session: Session, path: Path) -> ImportResult:
    """Import as the CLI does: the caller owns the transaction and commits once."""
    result = import_ledger(session, path, **OPTIONS)
    session.commit()
    return result


def write_sheet(path: Path, rows: list[list[object]], header=TEMPLATE_COLUMNS) -> Path:  # type: ignore[no-untyped-def]
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_bad_rows_are_all_reported_and_nothing_is_written(session, tmp_path) -> None:
    path = write_sheet(
        tmp_path / "台账.xlsx",
        [
            ["DB-0001", "引进亿元以上项目", "县商务局", "", "王建国", "2026-12-31", "", ""],
            ["", "", "城关镇", "", "", "2026-06-30", "", ""],
            ["", "农村改厕", "东关镇", "", "", "随便写写", "", ""],
            ["db-0001", "重复编号", "县住建局", "", "", "2026-06-30", "", ""],
            ["", "街巷硬化", "", "", "", "2026-06-30", "6月15日", ""],
        ],
    )
    result = import_file(session, path)
    assert [str(error) for error in result.errors] == [
        "第 3 行：事项为空（如用了合并单元格，请取消合并并逐行填写）",
        "第 4 行：截止时间无法识别：没看懂截止时间“随便写写”。"
        "请写成：下周五前、3个工作日内、2026-06-30 这样的期限。",
        "第 5 行：编号 DB-0001 与第 2 行重复",
        "第 6 行：牵头单位为空（如用了合并单元格，请取消合并并逐行填写）",
        "第 6 行：节点无法识别：节点“6月15日”应写成“日期 节点名称”，"
        "如“2026-06-30 完成立项”或“12月8日前完成摸排”",
    ]
    assert (count(session, Task), count(session, Unit), count(session, TaskEvent)) == (0, 0, 0)


def test_cli_import_prints_errors_and_fails(workdir, settings, engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", settings.database_url)
    path = write_sheet(workdir / "bad.xlsx", [["", "", "城关镇", "", "", "尽快吧", "", ""]])
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx 有 2 处错误，未导入任何内容" in err
    assert "第 2 行：事项为空" in err


def test_import_accepts_overdue_items_and_creates_units_and_leaders(session, tmp_path) -> None:
    path = write_sheet(
        tmp_path / "台账.xlsx",
        [
            [
                "",
                "引进亿元以上项目3个",
                "县商务局",
                "县发改局、县自然资源局",
                "王建国",
                date(2026, 3, 31),  # a date cell, as typed into Excel
                "2026-01-31 签约1个\n2026-02-28 签约2个",
                "全年目标",
            ],
            ["ZS-07", "十件民生实事", "县发改局", "", "", "长期", "", ""],
        ],
    )
    result = import_file(session, path)
    assert result.ok and result.created == ["DB-0001", "ZS-07"]
    assert result.new_units == ["县商务局", "县发改局", "县自然资源局"]
    assert result.new_leaders == ["王建国"]
    task = session.scalar(select(Task).where(Task.code == "DB-0001"))
    assert task.deadline == local(2026, 3, 31, 18)  # a date cell means the end of the working day
    assert [u.name for u in task.cooperating_units] == ["县发改局", "县自然资源局"]
    assert [(m.title, m.due_at) for m in task.milestones] == [
        ("签约1个", local(2026, 1, 31, 18)),
        ("签约2个", local(2026, 2, 28, 18)),
    ]
    standing = session.scalar(select(Task).where(Task.code == "ZS-07"))
    assert standing.deadline is None and standing.lead_leader is None
    assert result.warnings == []


def test_deadlines_in_an_unpublished_year_are_saved_with_a_warning(session, tmp_path) -> None:
    path = write_sheet(
        tmp_path / "台账.xlsx",
        [
            ["", "十四五规划中期评估", "县发改局", "", "", "2027年3月底", "", ""],
            ["", "安全生产隐患排查", "县应急管理局", "", "", "2026-12-20", "", ""],
            ["", "法治政府建设100项指标", "县司法局", "", "", "2027-06-30", "", ""],
        ],
    )
    result = import_file(session, path)
    assert result.ok and result.created == ["DB-0001", "DB-0002", "DB-0003"]
    first = session.scalar(select(Task).where(Task.code == "DB-0001"))
    assert first.deadline == local(2027, 3, 31, 18)
    assert result.grouped_warnings() == [
        "第 2、4 行：2027年的法定节假日安排尚未收录，工作日按周一至周五计算；"
        "督查室可用 /holiday 补充。"
    ]


def test_reimport_updates_by_code_and_records_the_change(session, tmp_path) -> None:
    row = ["DB-0001", "农村改厕1200户", "城关镇", "", "", "2026-06-30", "", ""]
    import_file(session, write_sheet(tmp_path / "a.xlsx", [row]))
    row[1] = "农村改厕1500户"
    result = import_file(session, write_sheet(tmp_path / "b.xlsx", [row]))
    assert (result.created, result.updated, result.unchanged) == ([], ["DB-0001"], 0)
    event = session.scalars(select(TaskEvent).order_by(TaskEvent.id.desc())).first()
    assert (event.field, event.old_value, event.new_value, event.note) == (
        "title",
        "农村改厕1200户",
        "农村改厕1500户",
        "导入",
    )


def build_ledger(session) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    stuck = create_task(
        session,
        title="引进亿元以上项目3个",
        lead_unit=county.township,
        deadline=local(2026, 4, 20, 18),
        now=local(2026, 3, 1, 9),
        lead_leader=county.leader,
        cooperating_units=[county.department],
        details="全年目标3个",
        source="县政府工作推进会",
        milestones=[MilestoneInput("签约1个", local(2026, 3, 31, 18))],
        allow_past_deadline=True,
        actor=SYSTEM,
    )
    report_progress(
        session,
        stuck,
        now=local(2026, 4, 10, 9),
        actor=SYSTEM,
        text="卡在用地，需协调",
        needs_help=True,
    )
    done = create_task(
        session,
        title="县城污水处理厂提标改造",
        lead_unit=county.department,
        deadline=local(2026, 5, 6, 18),
        now=local(2026, 3, 1, 9),
        actor=SYSTEM,
    )
    report_progress(
        session, done, now=local(2026, 4, 1, 9), actor=SYSTEM, text="完成六成", percent=60
    )
    apply_action(
        session, done, Action.REPORT_DONE, now=local(2026, 4, 28, 9), reason="已通水", actor=SYSTEM
    )
    create_task(
        session,
        title="十件民生实事",
        lead_unit=county.township,
        deadline=None,
        now=NOW,
        actor=SYSTEM,
    )


def sheet_values(path: Path) -> list[list[object]]:
    sheet = load_workbook(path).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_then_import_gives_the_same_ledger(session, runtime, tmp_path) -> None:
    build_ledger(session)
    cutoff = runtime.yellow_until(session, NOW)
    first = tmp_path / "first.xlsx"
    assert export_ledger(session, first, now=NOW, zone=SHANGHAI, yellow_until=cutoff) == 3
    exported = sheet_values(first)
    assert exported[0] == EXPORT_COLUMNS
    assert exported[1] == [
        "DB-0001",
        "引进亿元以上项目3个",
        "城关镇",
        "县住建局",
        "王建国",
        datetime(2026, 4, 20, 18),
        "2026-03-31 18:00 签约1个",
        "全年目标3个",
        "县政府工作推进会",
        "推进中",
        "红灯",
        0,
        "是",
        "卡在用地，需协调",
        datetime(2026, 4, 10, 9),
    ]
    assert exported[2][9:15] == ["已报完成", None, 100, None, "已通水", datetime(2026, 4, 28, 9)]
    assert exported[3][5] == "长期"

    # Re-importing the export over the same ledger changes nothing.
    again = import_file(session, first)
    assert (again.created, again.updated, again.unchanged) == ([], [], 3)

    # Into an empty database, the export rebuilds the same ledger.
    with runtime.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    session.expunge_all()
    rebuilt = import_file(session, first)
    assert rebuilt.created == ["DB-0001", "DB-0002", "DB-0003"]
    assert (
        session.scalar(select(Task.state).where(Task.code == "DB-0002")) == TaskState.REPORTED_DONE
    )
    second = tmp_path / "second.xlsx"
    export_ledger(session, second, now=NOW, zone=SHANGHAI, yellow_until=cutoff)
    assert sheet_values(second) == exported


def test_template_is_empty_and_its_example_imports(tmp_path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    template = read_ledger(path, **OPTIONS)
    assert (template.sheet, template.rows, template.errors) == ("督办台账", [], [])
    assert (template.ignored_columns, template.warnings) == ([], [])  # nothing to import by mistake
    notes = load_workbook(path)["填写说明"]
    example = [list(row) for row in notes.iter_rows(values_only=True)][-2:]
    copied = write_sheet(tmp_path / "filled.xlsx", [example[1]], header=example[0])
    filled = read_ledger(copied, **OPTIONS)
    assert filled.errors == []
    assert [(r.title, r.lead_unit, r.lead_leader, len(r.milestones)) for r in filled.rows] == [
        ("引进亿元以上项目3个", "县商务局", "王建国", 2)
    ]


def test_shipped_template_has_the_template_columns() -> None:
    shipped = REPO / "templates" / "ledger_template.xlsx"
    assert sheet_values(shipped)[0] == TEMPLATE_COLUMNS


def test_a_file_that_is_not_a_ledger_is_refused_clearly(session, tmp_path) -> None:
    text_file = tmp_path / "notes.xlsx"
    text_file.write_text("not a workbook")
    with pytest.raises(
        LedgerFileError, match=r"不是 \.xlsx 文件，请用 Excel 或 WPS 保存为 \.xlsx 格式的台账"
    ):
        import_file(session, text_file)
    with pytest.raises(LedgerFileError, match="找不到文件"):
        import_file(session, tmp_path / "missing.xlsx")
    no_header = write_sheet(tmp_path / "other.xlsx", [["a", "b"]], header=["甲", "乙"])
    with pytest.raises(LedgerFileError, match="找不到表头列：事项、牵头单位、截止时间"):
        import_file(session, no_header)


def test_awkward_but_valid_rows_import_cleanly(session, tmp_path) -> None:
    path = tmp_path / "台账.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*TEMPLATE_COLUMNS, "进度"])
    sheet.append(["", "农村改厕", "城关镇", "县住建局、县住建局", "", "2026-06-30", "", "", 1])
    sheet.cell(row=2, column=9).number_format = "0%"  # 100% shown, 1 stored
    sheet.append(["DB-0001", "街巷硬化", "东关镇", "", "", "2026年3月底", "", "", "60%"])
    workbook.save(path)
    result = import_file(session, path)
    assert result.ok, result.errors
    assert result.created == ["DB-0002", "DB-0001"]  # the file's own DB-0001 is kept for it
    first = session.scalar(select(Task).where(Task.code == "DB-0002"))
    assert [u.name for u in first.cooperating_units] == ["县住建局"]
    assert first.percent == 100
    second = session.scalar(select(Task).where(Task.code == "DB-0001"))
    assert (second.percent, second.deadline) == (60, local(2026, 3, 31, 18))  # overdue, red


def test_rows_the_database_could_not_hold_are_errors_not_crashes(session, tmp_path) -> None:
    path = write_sheet(
        tmp_path / "台账.xlsx",
        [
            ["", "长" * 301, "城关镇", "", "", "2026-06-30", "", "", "inf"],
            ["", "农村改厕", "城关镇", "", "王" * 51, "2026-06-30", "", "", "150"],
        ],
        header=[*TEMPLATE_COLUMNS, "进度"],
    )
    result = import_file(session, path)
    assert [str(error) for error in result.errors] == [
        "第 2 行：事项超过 300 个字，请精简",
        "第 2 行：进度“inf”应为 0 到 100 的数",
        "第 3 行：包联领导超过 50 个字，请精简",
        "第 3 行：进度“150”应为 0 到 100 的数",
    ]
    assert count(session, Task) == 0


def test_reimport_can_swap_lead_and_cooperating_units(session, tmp_path) -> None:
    row = ["DB-0001", "污水厂提标", "城关镇", "县住建局", "", "2026-06-30", "", ""]
    import_file(session, write_sheet(tmp_path / "a.xlsx", [row]))
    row[2], row[3] = "县住建局", "城关镇"
    result = import_file(session, write_sheet(tmp_path / "b.xlsx", [row]))
    assert result.updated == ["DB-0001"]
    task = session.scalar(select(Task))
    session.refresh(task)
    assert (task.lead_unit.name, [u.name for u in task.cooperating_units]) == (
        "县住建局",
        ["城关镇"],
    )


def test_a_sheet_with_fewer_columns_leaves_the_others_alone(session, tmp_path) -> None:
    full = [
        "DB-0001",
        "引进亿元以上项目3个",
        "县商务局",
        "县发改局",
        "王建国",
        "2026-12-31",
        "2026-06-30 签约1个",
        "全年目标",
    ]
    import_file(session, write_sheet(tmp_path / "full.xlsx", [full]))
    slim = write_sheet(
        tmp_path / "slim.xlsx",
        [["DB-0001", "引进亿元以上项目3个", "县商务局", "2027-01-15"]],
        header=["编号", "事项", "牵头单位", "截止时间"],
    )
    result = import_file(session, slim)
    assert result.updated == ["DB-0001"]
    task = session.scalar(select(Task))
    session.refresh(task)
    assert task.deadline == local(2027, 1, 15, 18)
    assert (task.details, task.lead_leader.name) == ("全年目标", "王建国")
    assert [u.name for u in task.cooperating_units] == ["县发改局"]
    assert [m.title for m in task.milestones] == ["签约1个"]


def test_an_old_export_does_not_undo_what_happened_in_chat(session, runtime, tmp_path) -> None:
    build_ledger(session)
    old = tmp_path / "old.xlsx"
    export_ledger(
        session, old, now=NOW, zone=SHANGHAI, yellow_until=runtime.yellow_until(session, NOW)
    )
    task = session.scalar(select(Task).where(Task.code == "DB-0002"))
    # After the export: one more report, then the office verifies it.
    report_progress(session, task, now=local(2026, 4, 29, 9), actor=SYSTEM, text="补充照片")
    apply_action(session, task, Action.VERIFY, now=local(2026, 4, 29, 9, 30), actor=SYSTEM)

    result = import_file(session, old)
    assert result.unchanged == 3
    assert result.grouped_warnings() == [
        "第 3 行：DB-0002 状态表中为“已报完成”，系统中为“已销号”，未改动"
        "（已有事项的状态和进度以办理流程为准：进展报告、报完成、销号、退回）"
    ]
    session.refresh(task)
    assert task.state == TaskState.VERIFIED
    texts = [r.text for r in task.reports]
    assert texts.count("已通水") == 1 and texts[-1] == "补充照片"


def test_a_deadline_at_midnight_survives_the_round_trip(session, runtime, tmp_path) -> None:
    county = make_county(session)
    create_task(
        session,
        title="零点前报送",
        lead_unit=county.township,
        deadline=local(2026, 5, 9),
        now=NOW,
        actor=SYSTEM,
    )
    path = tmp_path / "ledger.xlsx"
    cutoff = runtime.yellow_until(session, NOW)
    export_ledger(session, path, now=NOW, zone=SHANGHAI, yellow_until=cutoff)
    result = import_file(session, path)
    assert (result.updated, result.unchanged) == ([], 1)
    assert session.scalar(select(Task.deadline)) == local(2026, 5, 9)


def test_deadlines_written_in_words_are_echoed(session, tmp_path) -> None:
    path = write_sheet(
        tmp_path / "ledger.xlsx",
        [
            ["", "整改方案", "城关镇", "", "", "下周五前", "", ""],
            ["", "年度总结", "城关镇", "", "", "2026-12-31", "", ""],
        ],
    )
    result = import_file(session, path)
    assert result.resolved == [(2, "下周五前", local(2026, 5, 8, 18))]


def test_a_cut_off_file_or_an_over_long_milestone_is_reported(session, tmp_path) -> None:
    good = write_sheet(
        tmp_path / "good.xlsx",
        [["", "事项", "城关镇", "", "", "2026-06-30", "2026-05-30 " + "节" * 301, ""]],
    )
    result = import_file(session, good)
    assert [str(e) for e in result.errors] == [
        "第 2 行：节点无法识别：节点名称超过 300 个字，请精简"
    ]
    # Cut off: the zip's directory at its end is gone, so the workbook does not open.
    cut_off = tmp_path / "cut.xlsx"
    cut_off.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(LedgerFileError) as refused:
        import_file(session, cut_off)
    assert (
        str(refused.value) == "cut.xlsx 不完整或已损坏（可能没有下载完），请重新保存台账后再发送。"
    )
    # The workbook opens but its sheet's XML breaks off: found only while reading rows.
    broken = tmp_path / "broken.xlsx"
    with ZipFile(good) as source, ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(LedgerFileError) as refused:
        import_file(session, broken)
    assert str(refused.value) == (
        "broken.xlsx（sheet1） 已损坏或不完整，无法读取：请用 Excel 或 WPS 重新保存后再发送。"
    )
    assert count(session, Task) == 0


def test_export_keeps_formula_like_text_as_text_and_replaces_files_whole(
    session, runtime, tmp_path
) -> None:
    county = make_county(session)
    create_task(
        session,
        title='=HYPERLINK("x")',
        lead_unit=county.township,
        deadline=None,
        now=NOW,
        actor=SYSTEM,
    )
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"previous export")
    cutoff = runtime.yellow_until(session, NOW)
    export_ledger(session, path, now=NOW, zone=SHANGHAI, yellow_until=cutoff)
    cell = load_workbook(path)["督办台账"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    assert import_file(session, path).unchanged == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.xlsx"]  # no temporary left behind


def test_damaged_or_odd_sheets_are_read_or_refused_clearly(session, tmp_path) -> None:
    # A hidden lookup sheet first, a title row that reads 督办事项, full-width and
    # invisible characters in names, a time-only deadline and an #N/A cell.
    workbook = Workbook()
    lookup = workbook.active
    lookup.title = "单位表"
    lookup.sheet_state = "hidden"
    sheet = workbook.create_sheet("台账")
    sheet.append(["督办事项"])
    sheet.append(TEMPLATE_COLUMNS)
    sheet.append(["ＤＢ-0007", "农村改厕", "城关镇\u200b", "", "", "2026-06-30", "", ""])
    sheet.append(["", "街巷硬化", "城关镇", "", "", time(9, 30), "", ""])
    sheet.append(["", "#N/A", "城关镇", "", "", "2026-06-30", "", ""])
    sheet.append(["", "改厕", "城关镇", "", "", date(1, 1, 1), "", ""])
    path = tmp_path / "odd.xlsx"
    workbook.save(path)
    result = import_file(session, path)
    assert [str(e) for e in result.errors] == [
        "第 4 行：截止时间无法识别：截止时间只有时刻、没有日期，请写完整日期",
        "第 5 行：事项是错误值 #N/A，请改正公式或填写内容",
        "第 6 行：截止时间无法识别：1年不在1900年至2999年之间",
    ]
    sheet.delete_rows(4, 3)
    workbook.save(path)
    result = import_file(session, path)
    assert result.created == ["DB-0007"] and result.new_units == ["城关镇"]

    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    with pytest.raises(LedgerFileError, match="找不到表头列"):
        import_file(session, empty)


def test_a_row_without_code_is_the_task_with_its_unit_and_title(session, tmp_path) -> None:
    row = ["", "农村改厕", "城关镇", "", "", "2026-06-30", "", ""]
    import_file(session, write_sheet(tmp_path / "a.xlsx", [row]))
    # Spaces and full-width forms do not make another task.
    again = ["", "农村 改厕", "城关镇 ", "", "", "2026-07-31", "", ""]
    result = import_file(session, write_sheet(tmp_path / "b.xlsx", [again]))
    assert (result.created, result.updated, result.warnings) == ([], ["DB-0001"], [])
    assert session.scalars(select(Task.deadline)).all() == [local(2026, 7, 31, 18)]


def test_full_width_brackets_in_headers_and_names_are_kept_apart_correctly(
    session, tmp_path
) -> None:
    from db.models import Person, Role

    session.add(Unit(name="县委办（县档案局）"))
    session.add(Person(name="王伟", role=Role.MEMBER))  # a member who shares a leader's name
    session.commit()
    path = write_sheet(
        tmp_path / "ledger.xlsx",
        [["", "档案数字化", "县委办（县档案局）", "2026-06-30", "王伟", "40"]],
        header=["序号", "事项", "牵头单位（部门）", "完成时限", "包联领导", "进度(%)"],
    )
    result = import_file(session, path)
    assert result.ok, result.errors
    assert result.new_units == [] and result.new_leaders == ["王伟"]
    task = session.scalar(select(Task))
    assert (task.lead_unit.name, task.percent, task.lead_leader.role) == (
        "县委办（县档案局）",
        40,
        Role.LEADER,
    )


def test_exports_are_as_readable_as_any_file_written_here(session, runtime, tmp_path) -> None:
    import os

    path = tmp_path / "ledger.xlsx"
    cutoff = runtime.yellow_until(session, NOW)
    export_ledger(session, path, now=NOW, zone=SHANGHAI, yellow_until=cutoff)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_an_error_in_checking_rows_is_not_blamed_on_the_file(
    session, tmp_path, monkeypatch
) -> None:
    import bot.excel.reading as reading

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("a bug, not a damaged file")

    monkeypatch.setattr(reading, "_read_row", broken)
    path = write_sheet(tmp_path / "ok.xlsx", [["", "事项", "城关镇", "", "", "2026-06-30", "", ""]])
    with pytest.raises(TypeError, match="a bug"):
        import_file(session, path)


def test_reimport_does_not_repeat_a_report_whose_spacing_excel_changed(
    session, runtime, tmp_path
) -> None:
    county = make_county(session)
    task = create_task(
        session, title="污水厂", lead_unit=county.township, deadline=None, now=NOW, actor=SYSTEM
    )
    report_progress(
        session, task, now=local(2026, 4, 28, 9, 0, 0, 999999), actor=SYSTEM, text="已通水  完成"
    )
    path = tmp_path / "ledger.xlsx"
    cutoff = runtime.yellow_until(session, NOW)
    export_ledger(session, path, now=NOW, zone=SHANGHAI, yellow_until=cutoff)
    assert import_file(session, path).unchanged == 1
    session.refresh(task)
    assert [r.text for r in task.reports] == ["已通水  完成"]


def test_two_columns_that_mean_the_same_are_refused_naming_both(session, tmp_path) -> None:
    header = [*TEMPLATE_COLUMNS, "牵头部门", "截止日期"]
    row = ["", "农村改厕", "城关镇", "", "", "2026-06-30", "", "", "东关镇", "2026-05-31"]
    path = write_sheet(tmp_path / "台账.xlsx", [row], header=header)
    with pytest.raises(LedgerFileError) as refused:
        import_file(session, path)
    assert str(refused.value) == (
        "台账.xlsx 工作表“Sheet”第 1 行的表头里，"
        "“牵头单位”（C 列）和“牵头部门”（I 列）都表示“牵头单位”；"
        "“截止时间”（F 列）和“截止日期”（J 列）都表示“截止时间”，"
        "无法确定以哪一列为准，未导入任何内容：请只保留其中一列（删除或改名其余的列）后再导入。"
    )
    assert (count(session, Task), count(session, Unit)) == (0, 0)


def ledger_workbook(path: Path, sheets: dict[str, list[list[object]]], hidden=()) -> Path:  # type: ignore[no-untyped-def]
    """A workbook with these sheets in this order, each given as its rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def test_the_ledger_sheet_is_found_by_its_header_and_named(session, tmp_path) -> None:
    notes = [["填表说明"], ["各单位于每月5日前报送"]]
    ledger = [TEMPLATE_COLUMNS, ["", "农村改厕", "城关镇", "", "", "2026-06-30", "", ""]]
    path = ledger_workbook(tmp_path / "a.xlsx", {"说明": notes, "2026年": ledger})
    result = import_file(session, path)
    assert (result.sheet, result.created, result.warnings) == ("2026年", ["DB-0001"], [])


def test_the_sheet_named_like_the_template_wins_and_other_ledgers_are_named(
    session, tmp_path
) -> None:
    old = [TEMPLATE_COLUMNS, ["", "去年的事项", "东关镇", "", "", "2026-06-30", "", ""]]
    current = [TEMPLATE_COLUMNS, ["", "农村改厕", "城关镇", "", "", "2026-06-30", "", ""]]
    path = ledger_workbook(tmp_path / "a.xlsx", {"2025年": old, "督办台账": current})
    result = import_file(session, path)
    assert (result.sheet, result.new_units) == ("督办台账", ["城关镇"])
    assert result.grouped_warnings() == [
        "只导入了工作表“督办台账”；工作表“2025年”也有台账表头，未导入"
        "（一次导入一个工作表：请把它另存为单独的文件再导入）"
    ]
    assert session.scalars(select(Task.title)).all() == ["农村改厕"]


def test_a_ledger_only_on_a_hidden_sheet_is_refused_naming_it(session, tmp_path) -> None:
    ledger = [TEMPLATE_COLUMNS, ["", "农村改厕", "城关镇", "", "", "2026-06-30", "", ""]]
    path = ledger_workbook(
        tmp_path / "a.xlsx", {"说明": [["填表说明"]], "旧台账": ledger}, hidden={"旧台账"}
    )
    with pytest.raises(LedgerFileError) as refused:
        import_file(session, path)
    assert str(refused.value) == (
        "a.xlsx 里只有隐藏的工作表“旧台账”有台账表头。隐藏的表不导入"
        "（常是旧表或下拉选项表）：如要导入，请在 Excel 或 WPS 中取消隐藏后再导入。"
    )
    assert count(session, Task) == 0


def test_sheets_without_a_header_are_all_named_in_the_refusal(session, tmp_path) -> None:
    path = ledger_workbook(tmp_path / "a.xlsx", {"说明": [["填表说明"]], "汇总": [["合计"]]})
    with pytest.raises(LedgerFileError) as refused:
        import_file(session, path)
    assert str(refused.value) == (
        "a.xlsx 的 2 个工作表（“说明”、“汇总”）前 10 行里都找不到表头列：事项、牵头单位、截止时间。"
        "请使用模板的列：编号、事项、牵头单位、配合单位、包联领导、截止时间、节点、备注"
    )


def test_columns_that_are_not_ledger_columns_are_listed_as_ignored(session, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年重点工作督办台账"])
    sheet.append([*TEMPLATE_COLUMNS, "联系方式", "序号", "红黄绿灯", "说明"])
    sheet.append(["", "农村改厕", "城关镇", "", "", "2026-06-30", "", "", "138", 1, "", "无"])
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    result = import_file(session, path)
    assert (result.created, result.ignored_columns) == (["DB-0001"], ["联系方式", "说明"])
    # 序号 and 红黄绿灯 (the export's own column) are known, so not worth a warning.
    assert result.grouped_warnings() == [
        "标题、日期、说明等不是事项的行已跳过：第 1 行“2026年重点工作督办台账”",
        "第 2 行：表头中的“联系方式”（I 列）、“说明”（L 列）不是台账的列，已忽略，未导入",
    ]


def test_a_new_unit_one_character_from_a_known_one_is_asked_about(session, tmp_path) -> None:
    session.add_all([Unit(name="县财政局"), Unit(name="城东街道"), Unit(name="县人社局")])
    session.commit()
    path = write_sheet(
        tmp_path / "台账.xlsx",
        [
            ["", "预算公开", "县财正局", "", "", "2026-06-30", "", ""],  # one changed
            ["", "确权登记", "县自然资源局", "县财正局", "", "2026-06-30", "", ""],
            ["", "耕地保护", "县自然资源", "", "", "2026-06-30", "", ""],  # one left out
            ["", "社保扩面", "县人社保局", "", "", "2026-06-30", "", ""],  # one added
            # Real units that differ in a number, a direction or a place are not asked about.
            ["", "校舍改造", "县第二中学", "县第一中学", "", "2026-06-30", "", ""],
            ["", "城区绿化", "城西街道", "县财政局", "", "2026-06-30", "", ""],
            ["", "集镇改造", "东关镇", "城关镇", "", "2026-06-30", "", ""],
        ],
    )
    result = import_file(session, path)
    assert [str(error) for error in result.errors] == [
        "第 2 行：新单位“县财正局”与已有单位“县财政局”只差一个字，是否写错？"
        "写错了请改正后再导入；确是另一个单位，请加 --new-unit 县财正局 再导入",
        "第 4 行：新单位“县自然资源”与第 3 行的新单位“县自然资源局”只差一个字，是否写错？"
        "写错了请改正后再导入；确是另一个单位，请加 --new-unit 县自然资源 再导入",
        "第 5 行：新单位“县人社保局”与已有单位“县人社局”只差一个字，是否写错？"
        "写错了请改正后再导入；确是另一个单位，请加 --new-unit 县人社保局 再导入",
    ]
    assert count(session, Task) == 0
    confirmed = import_ledger(
        session, path, new_units=["县财正局", "县自然资源", "县人社保局"], **OPTIONS
    )
    assert confirmed.ok and len(confirmed.created) == 7
    assert confirmed.new_units == [
        "县财正局",
        "县自然资源局",
        "县自然资源",
        "县人社保局",
        "县第二中学",
        "县第一中学",
        "城西街道",
        "东关镇",
        "城关镇",
    ]


def test_export_holds_only_the_callers_scope(session, runtime, tmp_path) -> None:
    build_ledger(session)  # DB-0001 and DB-0003 led by 城关镇 with 县住建局 on DB-0001
    department = session.scalar(select(Unit).where(Unit.name == "县住建局"))
    cutoff = runtime.yellow_until(session, NOW)
    path = tmp_path / "ledger.xlsx"
    options = {"now": NOW, "zone": SHANGHAI, "yellow_until": cutoff}
    # Its own DB-0002, and DB-0001 that it cooperates on; not 城关镇's DB-0003.
    assert export_ledger(session, path, scope=Scope(unit_id=department.id), **options) == 2
    assert [row[:3] for row in sheet_values(path)[1:]] == [
        ["DB-0001", "引进亿元以上项目3个", "城关镇"],
        ["DB-0002", "县城污水处理厂提标改造", "县住建局"],
    ]
    assert export_ledger(session, path, scope=Scope(), **options) == 0
    assert sheet_values(path) == [EXPORT_COLUMNS]
