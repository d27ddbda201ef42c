"""The weekly 督查通报 on a small ledger whose every figure was worked out by hand.

Now is Wednesday 2026-04-29 10:00 (Shanghai), ISO week 2026-W18 (4-27 to 5-3).
Yellow: due by 2026-05-07 (4-30, then the 劳动节 holiday, then 5-6 and 5-7).

| unit     | tasks | red | yellow | green | reported | verified | overdue share | verified share |
|----------|-------|-----|--------|-------|----------|----------|---------------|----------------|
| 城关镇   | 5     | 2   | 1      | 1     | 0        | 1 (W18)  | 40 %          | 20 %           |
| 县住建局 | 3     | 1   | 0      | 0     | 1        | 1 (W17)  | 33.3 %        | 33.3 %         |
| 北山镇   | 4     | 1   | 0      | 3     | 0        | 0        | 25 %          | 0 %            |
| 西河镇   | 4     | 1   | 0      | 2     | 0        | 1 (W18)  | 25 %          | 25 %           |
| 东关镇   | 0     |     |        |       |          |          |               |                |

Ranked by outcome: 城关镇, 县住建局, 北山镇 (25 %, fewer verified), 西河镇; 东关镇
has no tasks and is not ranked. The summary's own order (most red first) is
城关镇, then the three with one red by yellow and open load — not the same.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from bot.core.access import SYSTEM
from bot.ledger.changes import create_task
from bot.ledger.progress import report_progress
from bot.ledger.states import Action, apply_action
from bot.reports.bulletin import (
    IsoWeek,
    bulletin_moment,
    bulletin_summary,
    bulletin_title,
    last_week_summary,
    ranked_units,
    tasks_verified_in_week,
    write_bulletin,
)
from bot.reports.snapshots import take_snapshot
from bot.reports.summary import Counts, LedgerSummary
from db.models import Person, Role, Unit, UnitKind
from tests.conftest import SHANGHAI, local
from tests.factories import make_county, make_task

NOW = local(2026, 4, 29, 10)
WEEK = IsoWeek(2026, 18)


@pytest.fixture
def ledger(session):  # type: ignore[no-untyped-def]
    county = make_county(session)
    north = Unit(name="北山镇", kind=UnitKind.TOWNSHIP)
    west = Unit(name="西河镇", kind=UnitKind.TOWNSHIP)
    session.add_all([Unit(name="东关镇", kind=UnitKind.TOWNSHIP), north, west])
    session.add(Person(name="李红", role=Role.LEADER, telegram_user_id=9))
    session.commit()
    created = NOW - timedelta(days=10)
    town, dept = county.township, county.department

    def task(key, deadline, unit):  # type: ignore[no-untyped-def]
        title = f"{key} 事项"
        return make_task(session, county, deadline=deadline, now=created, title=title, unit=unit)

    tasks = {
        "F": task("F", local(2026, 4, 20, 18), dept),  # red, 9 days
        "B": task("B", local(2026, 4, 27, 17), town),  # red, 2 days
        "I": task("I", local(2026, 4, 27, 18), west),  # red, 2 days
        "A": task("A", local(2026, 4, 28, 17), town),  # red, 1 day
        "C": task("C", local(2026, 5, 7, 18), town),  # yellow
        "D": task("D", local(2026, 5, 20, 18), town),  # green
        "E": task("E", local(2026, 4, 30, 18), town),  # verified on Tuesday
        "G": task("G", local(2026, 4, 20, 18), dept),  # reported done
        "H": task("H", local(2026, 4, 10, 18), dept),  # verified last week
        "J": task("J", None, west),
        "K": task("K", local(2026, 6, 1, 18), west),
        "L": task("L", local(2026, 5, 30, 18), west),  # verified this morning
        "N": task("N", local(2026, 6, 1, 18), north),
        "O": task("O", local(2026, 6, 2, 18), north),
        "P": task("P", local(2026, 6, 3, 18), north),
    }
    # M: red for a day, with no 包联领导.
    tasks["M"] = create_task(
        session,
        title="M 事项",
        lead_unit=north,
        deadline=local(2026, 4, 28, 18),
        now=created,
        actor=SYSTEM,
        allow_past_deadline=True,
    )
    session.commit()

    def verify(key, day):  # type: ignore[no-untyped-def]
        apply_action(
            session, tasks[key], Action.REPORT_DONE, now=day - timedelta(hours=2), actor=SYSTEM
        )
        apply_action(session, tasks[key], Action.VERIFY, now=day, actor=SYSTEM)

    verify("E", local(2026, 4, 28, 15))
    verify("L", local(2026, 4, 29, 9))
    verify("H", local(2026, 4, 20, 11))
    apply_action(session, tasks["G"], Action.REPORT_DONE, now=local(2026, 4, 21, 9), actor=SYSTEM)
    report_progress(session, tasks["C"], now=NOW - timedelta(days=3), actor=SYSTEM, text="过半")
    session.commit()
    return tasks


LAST_WEEK = LedgerSummary(
    now=NOW - timedelta(days=7),
    totals=Counts(red=3, yellow=2, green=7, reported_done=2, verified=1),
    units=[],
    overdue=[],
    overdue_count=3,
)


def written(runtime, session, *, last_week=LAST_WEEK, **kwargs):  # type: ignore[no-untyped-def]
    summary = bulletin_summary(runtime, session, WEEK)
    buffer = io.BytesIO()
    write_bulletin(
        buffer,
        summary=summary,
        last_week=last_week,
        issue_number=kwargs.pop("issue_number", 18),
        week=WEEK,
        verified_this_week=tasks_verified_in_week(session, WEEK, zone=SHANGHAI),
        zone=SHANGHAI,
        county_name="某某县",
        **kwargs,
    )
    buffer.seek(0)
    return Document(buffer)


def texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs]


def cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_title_period_office_and_date(runtime, session, ledger) -> None:
    document = written(runtime, session)
    title = "某某县重点工作督查通报（2026年第18期）"
    assert bulletin_title("某某县", 2026, 18) == title
    assert document.core_properties.title == title
    paragraphs = texts(document)
    assert paragraphs[0].replace("\n", "") == title
    assert paragraphs[1] == "某某县人民政府督查室\t2026年4月29日"
    assert paragraphs[3] == (
        "现将2026年第18周（4月27日至5月3日）全县重点工作督办事项推进情况通报如下。"
        "数据截至2026年4月29日10:00。"
    )


def test_overall_figures_and_the_change_against_last_week(runtime, session, ledger) -> None:
    document = written(runtime, session)
    assert (
        "全县共有督办事项16项，其中推进中12项（红灯5项、黄灯1项、绿灯6项），"
        "已报完成待销号1项，已销号3项。与上周相比，事项总数增加1项，红灯增加2项，已销号增加2项。"
    ) in texts(document)
    assert cells(document.tables[0]) == [
        ["指标", "本周", "上周", "增减"],
        ["督办事项总数", "16", "15", "+1"],
        ["推进中", "12", "12", "持平"],
        ["其中：红灯（逾期）", "5", "3", "+2"],
        ["黄灯（临期）", "1", "2", "-1"],
        ["绿灯", "6", "7", "-1"],
        ["已报完成（待销号）", "1", "2", "-1"],
        ["已销号", "3", "1", "+2"],
    ]


def test_the_first_issue_has_nothing_to_compare_with(runtime, session, ledger) -> None:
    document = written(runtime, session, last_week=None, issue_number=1)
    assert any(text.endswith("本期为首期，暂无上周数据可比。") for text in texts(document))
    # A later issue with no figures to compare says so, and does not call itself the first.
    later = texts(written(runtime, session, last_week=None, issue_number=5))
    assert not any("首期" in text for text in later)
    assert any(text.endswith("。暂无上周数据可比。") for text in later)
    assert cells(document.tables[0])[1] == ["督办事项总数", "16", "—", "—"]


def test_units_are_ranked_by_overdue_share_then_verified_share(runtime, session, ledger) -> None:
    summary = bulletin_summary(runtime, session, WEEK)
    assert [u.unit_name for u in summary.units][:1] == ["城关镇"]  # the summary's own order
    table = cells(written(runtime, session).tables[1])
    assert table[0] == [
        "序号",
        "责任单位",
        "事项数",
        "按期推进",
        "逾期",
        "已报完成",
        "已销号",
        "逾期率",
        "销号率",
        "亮灯",
    ]
    assert table[1:] == [
        ["1", "城关镇", "5", "2", "2", "0", "1", "40.0%", "20.0%", "红灯"],
        ["2", "县住建局", "3", "0", "1", "1", "1", "33.3%", "33.3%", "红灯"],
        ["3", "北山镇", "4", "3", "1", "0", "0", "25.0%", "0.0%", "红灯"],
        ["4", "西河镇", "4", "2", "1", "0", "1", "25.0%", "25.0%", "红灯"],
    ]
    assert [row.unit_name for row in ranked_units(summary)] == [r[1] for r in table[1:]]
    assert "另有1个单位暂无牵头督办事项，未列入排序。" in texts(written(runtime, session))


def test_the_overdue_list_with_unit_leader_and_days(runtime, session, ledger) -> None:
    document = written(runtime, session)
    assert "三、逾期事项（5项）" in texts(document)
    rows = cells(document.tables[2])
    assert rows[0] == ["序号", "编号", "督办事项", "牵头单位", "包联领导", "截止时间", "逾期天数"]
    code = {key: task.code for key, task in ledger.items()}
    assert rows[1:] == [
        ["1", code["F"], "F 事项", "县住建局", "王建国", "4月20日", "9"],
        ["2", code["B"], "B 事项", "城关镇", "王建国", "4月27日", "2"],
        ["3", code["I"], "I 事项", "西河镇", "王建国", "4月27日", "2"],
        ["4", code["A"], "A 事项", "城关镇", "王建国", "4月28日", "1"],
        ["5", code["M"], "M 事项", "北山镇", "—", "4月28日", "1"],
    ]


def test_a_long_overdue_list_is_cut_with_a_count(runtime, session, ledger) -> None:
    summary = runtime.summary(session, now=NOW, overdue_limit=2)
    buffer = io.BytesIO()
    write_bulletin(
        buffer,
        summary=summary,
        last_week=None,
        issue_number=1,
        week=WEEK,
        verified_this_week=[],
        zone=SHANGHAI,
    )
    document = Document(buffer)
    assert len(document.tables[2].rows) == 3
    assert "另有3项逾期事项未列出，详见督办台账。" in texts(document)
    assert "本周无销号事项。" in texts(document)
    assert texts(document)[0].replace("\n", "") == "XX县重点工作督查通报（2026年第1期）"


def test_silent_units_and_the_week_s_verified_tasks(runtime, session, ledger) -> None:
    document = written(runtime, session)
    paragraphs = texts(document)
    heading = paragraphs.index("四、超过7天未报送进展的单位（2个）")
    # 县住建局 last reported G done on 4-21 (any report counts); 北山镇 never reported;
    # 城关镇 reported on C three days ago and 西河镇 reported L done this morning.
    assert paragraphs[heading + 1] == "北山镇（从未报送）、县住建局（最近一次报送4月21日）。"
    assert "五、本周销号事项（2项）" in paragraphs
    code = {key: task.code for key, task in ledger.items()}
    assert cells(document.tables[3])[1:] == [
        ["1", code["E"], "E 事项", "城关镇", "王建国", "4月28日"],
        ["2", code["L"], "L 事项", "西河镇", "王建国", "4月29日"],
    ]  # H, verified the week before, is not there


def test_layout_a4_fonts_chart_and_page_numbers(runtime, session, ledger) -> None:
    document = written(runtime, session)
    section = document.sections[0]
    mm = [round(length.mm) for length in (section.page_width, section.page_height)]
    assert mm == [210, 297]  # A4 (stored in twips, hence the rounding)
    assert round(section.left_margin.mm) == 28 and round(section.top_margin.mm) == 37

    def east_asian(style_name: str) -> str:
        fonts = document.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("通报标题") == "方正小标宋简体"
    assert east_asian("通报一级标题") == "黑体"
    assert document.paragraphs[0].style.name == "通报标题"
    headings = [p.text for p in document.paragraphs if p.style.name == "通报一级标题"]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、"]

    (picture,) = document.inline_shapes
    assert picture.width == Mm(156)
    blob = document.part.related_parts[
        picture._inline.graphic.graphicData.pic.blipFill.blip.embed
    ].blob
    assert blob.startswith(b"\x89PNG")

    footer = section.footer.paragraphs[0]
    instructions = [node.text for node in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")


def test_the_bulletin_compares_with_the_snapshot_a_week_before(runtime, session, ledger) -> None:
    week_before = runtime.summary(session, now=NOW - timedelta(days=7))
    take_snapshot(session, week_before, (NOW - timedelta(days=8)).date())
    session.commit()
    summary = bulletin_summary(runtime, session, WEEK)
    found = last_week_summary(session, summary, SHANGHAI)
    assert found is not None and found.totals == week_before.totals
    assert last_week_summary(session, week_before, SHANGHAI) is None


def test_weeks_parse_and_past_weeks_are_taken_at_their_end() -> None:
    assert IsoWeek.parse("2026-W18") == IsoWeek.parse(" 2026w18 ") == WEEK
    assert str(WEEK) == "2026-W18" and WEEK.previous() == IsoWeek(2026, 17)
    assert IsoWeek.of(local(2026, 5, 3, 23, 59), SHANGHAI) == WEEK
    assert IsoWeek.of(local(2026, 5, 4, 0, 0), SHANGHAI) == IsoWeek(2026, 19)
    for bad in ("2026-W54", "W18", "2026-18", ""):
        with pytest.raises(ValueError, match="2026-W48"):
            IsoWeek.parse(bad)
    assert bulletin_moment(WEEK, NOW, SHANGHAI) == NOW
    end = bulletin_moment(IsoWeek(2026, 17), NOW, SHANGHAI)
    assert end.astimezone(SHANGHAI).date().isoformat() == "2026-04-26" and end < local(2026, 4, 27)
