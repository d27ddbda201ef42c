"""Ledgers as county offices keep them: headers typed to fit, two-level headers,
titles and notes around the table, several names in a cell, re-imports in December."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.excel import ImportResult, import_ledger
from db.models import Person, Task, TaskEvent, Unit
from tests.conftest import SHANGHAI, local
from tests.deadline_phrases import CALENDAR

DECEMBER = local(2026, 12, 6, 10)


def import_at(session: Session, path: Path, now=DECEMBER) -> ImportResult:  # type: ignore[no-untyped-def]
    result = import_ledger(
        session, path, now=now, zone=SHANGHAI, calendar=CALENDAR, end_of_day=time(18)
    )
    session.commit()
    return result


def office_ledger(path: Path, rows: list[list[object]]) -> Path:
    """A title, a date line, a two-level header with line breaks, the rows, and notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年度县委县政府重点工作任务督办台账"])
    sheet.append(["填报日期：2026年12月5日"])
    sheet.append(
        [
            "序号",
            "任务\n来源",
            "工作\n任务",
            "责任\n领导",
            "责任单位",
            None,
            "完成\n时限",
            "进展\n情况",
            "存在\n问题",
            "备 注",
        ]
    )
    sheet.append([None, None, None, None, "牵头\n单位", "配合\n单位"])
    sheet.merge_cells("E3:F3")
    for column in "ABCDGHIJ":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.append(["一、经济发展类（2项）"])
    for row in rows:
        sheet.append(row)
    sheet.append(["注：1.完成时限以县委县政府督查通知为准；2.每月5日前更新。"])
    sheet.append(["填表人：李娜", None, None, "审核人：王建国"])
    workbook.save(path)
    return path


ROWS = [
    [
        1,
        "县委常委会",
        "县城污水处理厂提标改造",
        "刘德明、王建国",
        "县住建局、县交通运输局",
        "县 生态环境局\n县财政局",
        "一季度末",
        "已完成主体工程",
        "资金缺口500万",
        "",
    ],
    [
        2,
        "政府工作报告",
        "农村 公路 养护",
        "王　伟",
        "县交通运输局",
        "",
        "上半年",
        "",
        "",
        "长期关注",
    ],
    [3, "", "冬季供暖保障", "刘德明", "县住建局", "", "1月15日前", "", "", ""],
]


def test_an_office_ledger_is_read_by_meaning(session, tmp_path) -> None:
    result = import_at(session, office_ledger(tmp_path / "台账.xlsx", ROWS))
    assert result.ok, result.errors
    assert result.created == ["DB-0001", "DB-0002", "DB-0003"]
    assert result.new_units == ["县住建局", "县交通运输局", "县生态环境局", "县财政局"]
    assert result.new_leaders == ["刘德明", "王伟"]
    assert result.grouped_warnings() == [
        "标题、日期、说明等不是事项的行已跳过：第 1 行“2026年度县委县政府重点工作任务督办台…”；"
        "第 2 行“填报日期：2026年12月5日”；第 5 行“一、经济发展类（2项）”；"
        "第 9 行“注：1.完成时限以县委县政府督查通知为准…”；第 10 行“填表人：李娜 审核人：王建国”",
        "第 6 行：牵头单位写了多个：以第一个为牵头单位（接收提醒、报送进展），其余列为配合单位",
        "第 6 行：包联领导写了多位：以第一位为包联领导（接收逾期提醒），其余记入备注",
        "第 6、7、8 行：2027年的法定节假日安排尚未收录，工作日按周一至周五计算；"
        "督查室可用 /holiday 补充。",
    ]
    plant = session.scalar(select(Task).where(Task.code == "DB-0001"))
    assert (plant.title, plant.lead_unit.name, plant.lead_leader.name, plant.source) == (
        "县城污水处理厂提标改造",
        "县住建局",
        "刘德明",
        "县委常委会",
    )
    assert {unit.name for unit in plant.cooperating_units} == {
        "县交通运输局",
        "县生态环境局",
        "县财政局",
    }
    assert plant.details == "其他包联领导：王建国"
    assert [report.text for report in plant.reports] == ["已完成主体工程\n存在问题：资金缺口500万"]
    road = session.scalar(select(Task).where(Task.code == "DB-0002"))
    assert (road.title, road.lead_leader.name, road.details) == (
        "农村 公路 养护",
        "王伟",
        "长期关注",
    )


def test_year_less_deadlines_in_december_mean_next_year(session, tmp_path) -> None:
    result = import_at(session, office_ledger(tmp_path / "台账.xlsx", ROWS))
    deadlines = session.scalars(select(Task.deadline).order_by(Task.code)).all()
    assert deadlines == [local(2027, 3, 31, 18), local(2027, 6, 30, 18), local(2027, 1, 15, 18)]
    assert [words for _, words, _ in result.resolved] == ["一季度末", "上半年", "1月15日前"]


def test_the_same_file_twice_changes_nothing_the_second_time(session, tmp_path) -> None:
    path = office_ledger(tmp_path / "台账.xlsx", ROWS)
    import_at(session, path)
    events = session.scalar(select(func.count()).select_from(TaskEvent))
    again = import_at(session, path, now=local(2026, 12, 7, 9))
    assert (again.created, again.updated, again.unchanged) == ([], [], 3)
    assert session.scalar(select(func.count()).select_from(Task)) == 3
    assert session.scalar(select(func.count()).select_from(TaskEvent)) == events
    assert session.scalar(select(func.count()).select_from(Unit)) == 4
    assert session.scalar(select(func.count()).select_from(Person)) == 2


def test_words_reimported_later_keep_the_date_they_meant(session, tmp_path) -> None:
    def ledger(path: Path, deadline: str) -> Path:
        workbook = Workbook()
        workbook.active.append(["事项", "牵头单位", "截止时间"])
        workbook.active.append(["农村改厕", "城关镇", deadline])
        workbook.save(path)
        return path

    import_at(session, ledger(tmp_path / "a.xlsx", "下周五前"))  # Saturday 12-06
    task = session.scalar(select(Task))
    assert task.deadline == local(2026, 12, 11, 18)
    # Two weeks later the same words would mean 2027-01-01: the stored Friday stays, and is named.
    later = import_at(session, ledger(tmp_path / "a.xlsx", "下周五前"), now=local(2026, 12, 21, 9))
    assert (later.updated, later.unchanged, later.resolved) == ([], 1, [])
    assert later.kept == [
        (2, "DB-0001", "下周五前", local(2027, 1, 1, 18), local(2026, 12, 11, 18))
    ]
    session.refresh(task)
    assert task.deadline == local(2026, 12, 11, 18)  # still overdue, still red
    # Other words are a real change.
    moved = import_at(session, ledger(tmp_path / "a.xlsx", "月底前"), now=local(2026, 12, 21, 9))
    assert moved.updated == ["DB-0001"]
    session.refresh(task)
    assert task.deadline == local(2026, 12, 31, 18)


def with_cached_result(path: Path, cell: str, value: str) -> None:
    """Give a formula cell the stored result Excel and WPS write beside it."""
    import re
    import shutil
    from zipfile import ZipFile

    copy = path.with_suffix(".tmp")
    shutil.move(path, copy)
    with ZipFile(copy) as source, ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                    rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v>',
                    text,
                )
                data = text.encode()
            target.writestr(item, data)
    copy.unlink()


def test_cells_as_excel_and_wps_store_them(session, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["事项", "牵头单位", "截止时间"])
    sheet.append(["序列号日期", "城关镇", 46387])  # 2026-12-31 in a General cell
    sheet.append(["带时刻的序列号", "城关镇", 46387.4375])  # 10:30
    sheet.append(["文本格式的序列号", "城关镇", "46387"])
    sheet.append(["ISO 时刻", "城关镇", "2026-12-31T10:00"])
    sheet.append(["日在前", "城关镇", "31/12/2026"])
    sheet.append(['=CONCATENATE("农村","改厕")', "城关镇", "2026-12-31"])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    with_cached_result(path, "A7", "农村改厕")
    result = import_at(session, path)
    assert result.ok, result.errors
    assert [words for _, words, _ in result.resolved] == []  # dates, not words to echo
    deadlines = dict(session.execute(select(Task.title, Task.deadline)).all())
    assert deadlines == {
        "序列号日期": local(2026, 12, 31, 18),
        "带时刻的序列号": local(2026, 12, 31, 10, 30),
        "文本格式的序列号": local(2026, 12, 31, 18),
        "ISO 时刻": local(2026, 12, 31, 10),
        "日在前": local(2026, 12, 31, 18),
        "农村改厕": local(2026, 12, 31, 18),
    }


def test_a_formula_without_its_stored_result_is_named(session, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["事项", "牵头单位", "截止时间"])
    sheet.append(['=CONCATENATE("农村","改厕")', "城关镇", "2026-12-31"])
    sheet.append(["街巷硬化", "=B2", "=DATE(2026,12,31)"])
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)  # openpyxl stores formulas without results, as programs do
    result = import_at(session, path)
    advice = (
        "文件里没有保存它的计算结果（程序生成的文件常这样）："
        "请用 Excel 或 WPS 打开后保存一次再导入，或把公式改为数值"
    )
    assert [str(error) for error in result.errors] == [
        f'第 2 行：事项是公式“=CONCATENATE("农村","改厕")”，{advice}',
        f"第 3 行：牵头单位是公式“=B2”，{advice}",
        f"第 3 行：截止时间是公式“=DATE(2026,12,31)”，{advice}",
    ]
