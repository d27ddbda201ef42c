"""The weekly 督查通报 as a Word document, laid out as county offices lay out a notice.

A4 with the margins of GB/T 9704 (top 37 mm, bottom 35, left 28, right 26);
a red masthead with the title and issue (方正小标宋简体), the issuing office
and date over a red rule; headings in 黑体, body in 仿宋_GB2312 三号 on a
fixed 28 pt line; tables in 五号; the page number as a PAGE field in the
footer (— 1 —). The fonts are named for East Asian text (w:eastAsia), as
offices name them; Word or LibreOffice substitutes where one is missing.

Everything shown comes from plain values (a `LedgerSummary`, last week's, the
tasks verified this week); this module reads no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from dataclasses import replace
from datetime import date
from fractions import Fraction
from io import BytesIO
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table

from bot.ledger.lights import LIGHT_LABELS, Light, days_overdue
from bot.reports.bulletin.figures import (
    Change,
    UnitRow,
    VerifiedTask,
    outcome_order,
    overall_changes,
    ranked_units,
)
from bot.reports.bulletin.period import IsoWeek
from bot.reports.charts import UNIT_LIMIT, render_chart
from bot.reports.summary import LedgerSummary

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH = Mm(156)  # 210 mm less 28 mm and 26 mm margins

LIGHT_FILL = {Light.RED: "F4B6B0", Light.YELLOW: "FFE699", Light.GREEN: "C6E0B4"}

UNIT_COLUMNS = (
    ("序号", 10),
    ("责任单位", 32),
    ("事项数", 13),
    ("按期推进", 17),
    ("逾期", 12),
    ("已报完成", 17),
    ("已销号", 13),
    ("逾期率", 15),
    ("销号率", 15),
    ("亮灯", 12),
)
OVERDUE_COLUMNS = (
    ("序号", 10),
    ("编号", 24),
    ("督办事项", 44),
    ("牵头单位", 26),
    ("包联领导", 18),
    ("截止时间", 22),
    ("逾期天数", 12),
)
VERIFIED_COLUMNS = (
    ("序号", 10),
    ("编号", 24),
    ("督办事项", 53),
    ("牵头单位", 29),
    ("包联领导", 18),
    ("销号日期", 22),
)
# Chinese names in Word's style list, ASCII ids in the XML (as Word itself writes them).
STYLE_IDS = {
    "通报标题": "BulletinTitle",
    "发文机关": "BulletinIssuer",
    "通报一级标题": "BulletinHeading",
    "图题": "FigureCaption",
    "表题": "TableCaption",
    "表注": "TableNote",
    "插图": "Picture",
    "表格文字": "TableText",
    "表格文字左": "TableTextLeft",
    "表头": "TableHead",
    "页码": "PageNumber",
}
CHANGE_COLUMNS = (("指标", 52), ("本周", 34), ("上周", 34), ("增减", 36))


def bulletin_title(county_name: str, year: int, issue_number: int) -> str:
    return f"{county_name}重点工作督查通报（{year}年第{issue_number}期）"


def bulletin_chart(summary: LedgerSummary, *, zone: ZoneInfo) -> bytes:
    """The chart in the units' table order, so picture and table rank alike."""
    ranked = replace(summary, units=outcome_order(summary.units))
    return render_chart(ranked, zone=zone, order_note="按逾期事项占比由高到低排列。")


def write_bulletin(
    target: str | Path | IO[bytes],
    *,
    summary: LedgerSummary,
    last_week: LedgerSummary | None,
    issue_number: int,
    week: IsoWeek | tuple[int, int],
    verified_this_week: Sequence[VerifiedTask],
    zone: ZoneInfo,
    chart_png: bytes | None = None,
    county_name: str = "XX县",
    office: str | None = None,
    issued_on: date | None = None,
) -> None:
    """Write the week's 督查通报 (.docx) to a path or a binary stream.

    `summary` is this week's (its overdue list as long as the bulletin should
    list), `last_week` the one to compare with (None: the first issue),
    `chart_png` the picture to embed (`bulletin_chart(summary)` when not given).
    """
    week = IsoWeek(*week)
    issued_on = issued_on or summary.now.astimezone(zone).date()
    office = office or f"{county_name}人民政府督查室"
    title = bulletin_title(county_name, issued_on.year, issue_number)
    if chart_png is None:
        chart_png = bulletin_chart(summary, zone=zone)

    document = Document()
    styles = _Styles(document)
    _page_setup(document)
    _masthead(document, styles, county_name, issued_on.year, issue_number, office, issued_on)
    properties = document.core_properties
    properties.title = title
    properties.author = office
    properties.subject = f"{week.year}年第{week.week}周"
    properties.created = summary.now
    properties.modified = summary.now
    properties.last_modified_by = office
    properties.revision = 1

    now_local = summary.now.astimezone(zone)
    _para(
        document,
        styles.body,
        f"现将{week.year}年第{week.week}周（{_md(week.monday)}至{_md(week.sunday)}）"
        f"全县重点工作督办事项推进情况通报如下。数据截至{_cn_date(now_local.date())}"
        f"{now_local:%H:%M}。",
    )

    _heading(document, styles, "一、总体情况")
    _para(document, styles.body, _overall_text(summary, last_week))
    changes = overall_changes(summary.totals, last_week.totals if last_week else None)
    _table(
        document,
        styles,
        CHANGE_COLUMNS,
        [[c.label, str(c.this_week), _or_dash(c.last_week), _delta_text(c)] for c in changes],
        left_columns={0},
    )

    units = ranked_units(summary)
    _heading(document, styles, "二、各单位推进情况")
    _para(
        document,
        styles.body,
        "各责任单位按结果排序：逾期事项占比由高到低，占比相同的按已销号占比由低到高"
        "（只比办理结果，不比在线时长、发言条数）。亮灯：有逾期事项为红，"
        "有临期事项为黄，其余为绿。",
    )
    picture = document.add_paragraph(style=styles.picture)
    picture.add_run().add_picture(BytesIO(chart_png), width=TEXT_WIDTH)
    shown = min(UNIT_LIMIT, len(units))
    caption = "图1  各单位督办事项进度" + (
        f"（逾期事项占比最高的{shown}个单位）" if len(units) > UNIT_LIMIT else ""
    )
    _para(document, styles.figure_caption, caption)
    _para(
        document, styles.table_caption, f"表1  各责任单位督办事项推进情况（共{len(units)}个单位）"
    )
    if units:
        _unit_table(document, styles, units)
    idle = len(summary.units) - len(units)
    if idle:
        _para(document, styles.note, f"另有{idle}个单位暂无牵头督办事项，未列入排序。")

    _heading(document, styles, f"三、逾期事项（{summary.overdue_count}项）")
    if summary.overdue:
        _para(
            document,
            styles.body,
            "以下事项已过截止时间仍未报完成，按逾期天数由多到少排列，"
            "请牵头单位和包联领导抓紧推进，并在督办系统中报送进展。",
        )
        _table(
            document,
            styles,
            OVERDUE_COLUMNS,
            [
                [
                    str(index),
                    task.code,
                    task.title,
                    task.unit_name,
                    task.leader_name or "—",
                    _day_text(task.deadline.astimezone(zone).date(), now_local.date()),
                    str(days_overdue(task.deadline, summary.now, zone)),
                ]
                for index, task in enumerate(summary.overdue, start=1)
            ],
            left_columns={2, 3},
        )
        left_out = summary.overdue_count - len(summary.overdue)
        if left_out > 0:
            _para(document, styles.note, f"另有{left_out}项逾期事项未列出，详见督办台账。")
    else:
        _para(document, styles.body, "本期无逾期事项。")

    silent = summary.silent_units
    _heading(document, styles, f"四、超过{summary.stale_days}天未报送进展的单位（{len(silent)}个）")
    if silent:
        _para(
            document,
            styles.body,
            "、".join(
                f"{unit.unit_name}（"
                + (
                    f"最近一次报送{_md(unit.last_report_at.astimezone(zone).date())}"
                    if unit.last_report_at
                    else "从未报送"
                )
                + "）"
                for unit in silent
            )
            + "。",
        )
    else:
        _para(document, styles.body, f"各单位在{summary.stale_days}天内均报送了进展。")

    _heading(document, styles, f"五、本周销号事项（{len(verified_this_week)}项）")
    if verified_this_week:
        _table(
            document,
            styles,
            VERIFIED_COLUMNS,
            [
                [
                    str(index),
                    task.code,
                    task.title,
                    task.unit_name,
                    task.leader_name or "—",
                    _md(task.verified_at.astimezone(zone).date()),
                ]
                for index, task in enumerate(verified_this_week, start=1)
            ],
            left_columns={2, 3},
        )
    else:
        _para(document, styles.body, "本周无销号事项。")

    _para(
        document,
        styles.body,
        "请各责任单位对照本通报逐项对账销号：已完成的事项及时报完成并附佐证材料，"
        "确需延期的按程序申请延期。",
    )
    document.save(target)  # type: ignore[arg-type]


# --- text ---------------------------------------------------------------------


def _overall_text(summary: LedgerSummary, last_week: LedgerSummary | None) -> str:
    t = summary.totals
    text = (
        f"全县共有督办事项{t.total}项，其中推进中{t.open}项（红灯{t.red}项、黄灯{t.yellow}项、"
        f"绿灯{t.green}项），已报完成待销号{t.reported_done}项，已销号{t.verified}项。"
    )
    if last_week is None:
        return text + "本期为首期，暂无上周数据可比。"
    last = last_week.totals
    parts = [
        f"事项总数{_trend(t.total - last.total)}",
        f"红灯{_trend(t.red - last.red)}",
        f"已销号{_trend(t.verified - last.verified)}",
    ]
    return text + "与上周相比，" + "，".join(parts) + "。"


def _trend(delta: int) -> str:
    if delta > 0:
        return f"增加{delta}项"
    if delta < 0:
        return f"减少{-delta}项"
    return "持平"


def _delta_text(change: Change) -> str:
    delta = change.delta
    if delta is None:
        return "—"
    return "持平" if delta == 0 else f"{delta:+d}"


def _or_dash(value: int | None) -> str:
    return "—" if value is None else str(value)


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}%"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _day_text(day: date, today: date) -> str:
    return _md(day) if day.year == today.year else _cn_date(day)


# --- layout -------------------------------------------------------------------


class _Styles:
    """The document's own paragraph styles, so every paragraph of a kind looks alike."""

    def __init__(self, document: DocxDocument) -> None:
        _document_defaults(document)
        styles = document.styles
        normal = styles["Normal"]
        _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.font.size = Pt(16)
        self.body = normal
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.first_line_indent = Pt(32)  # two characters of 三号
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False

        self.title = self._style(styles, "通报标题", TITLE_FONT, 26, WD_ALIGN_PARAGRAPH.CENTER)
        self.title.font.color.rgb = RED
        self.title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.issuer = self._style(styles, "发文机关", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT)
        self.heading = self._style(styles, "通报一级标题", HEADING_FONT, 16, None)
        self.heading.paragraph_format.first_line_indent = Pt(32)
        self.heading.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "0")
        self.heading.element.get_or_add_pPr().append(outline)
        # A figure's caption goes under it, a table's over it and with it. The figure's must
        # not keep with the next paragraph: picture, both captions and the table's first rows
        # would have to share a page, and LibreOffice then keeps none of them together.
        self.figure_caption = self._style(
            styles, "图题", HEADING_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER
        )
        self.figure_caption.paragraph_format.space_before = Pt(4)
        self.figure_caption.paragraph_format.space_after = Pt(8)
        self.table_caption = self._style(
            styles, "表题", HEADING_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER
        )
        self.table_caption.paragraph_format.keep_with_next = True
        self.table_caption.paragraph_format.space_before = Pt(4)
        self.table_caption.paragraph_format.space_after = Pt(4)
        self.note = self._style(styles, "表注", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT)
        self.note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.note.paragraph_format.space_before = Pt(4)
        self.picture = self._style(styles, "插图", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER)
        # An exact line height would crop the picture: single spacing grows with it.
        self.picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.picture.paragraph_format.keep_with_next = True
        self.cell = self._style(styles, "表格文字", BODY_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER)
        self.cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.cell_left = self._style(styles, "表格文字左", BODY_FONT, 10.5, WD_ALIGN_PARAGRAPH.LEFT)
        self.cell_left.base_style = self.cell
        self.cell_left.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.cell_head = self._style(styles, "表头", HEADING_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER)
        self.cell_head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.footer = self._style(styles, "页码", LATIN_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER)
        self.footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    @staticmethod
    def _style(
        styles, name: str, east_asia: str, size: float, align: WD_ALIGN_PARAGRAPH | None
    ) -> ParagraphStyle:  # type: ignore[no-untyped-def]
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
        style.base_style = styles["Normal"]
        style.quick_style = True
        _fonts(style.element.get_or_add_rPr(), east_asia)
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        if align is not None:
            fmt.alignment = align
            fmt.first_line_indent = Pt(0)
        return style


def _document_defaults(document: DocxDocument) -> None:
    """Explicit fonts and Chinese line breaking in the defaults, instead of the theme's."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:  # type: ignore[no-untyped-def]
    """Name the fonts for Latin and East Asian text; drop theme fonts, which would win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _page_setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)


def _masthead(
    document: DocxDocument,
    styles: _Styles,
    county_name: str,
    year: int,
    issue_number: int,
    office: str,
    issued_on: date,
) -> None:
    title = document.add_paragraph(style=styles.title)
    title.add_run(f"{county_name}重点工作督查通报").add_break()
    issue = title.add_run(f"（{year}年第{issue_number}期）")
    issue.font.size = Pt(16)
    title.paragraph_format.space_after = Pt(18)

    issuer = document.add_paragraph(style=styles.issuer)
    issuer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issuer.add_run(f"{office}\t{_cn_date(issued_on)}")
    _red_rule(issuer)
    document.add_paragraph(style=styles.note)  # air under the rule

    footer = document.sections[0].footer
    number = footer.paragraphs[0]
    number.style = styles.footer
    number.add_run("— ")
    _page_field(number)
    number.add_run(" —")


def _red_rule(paragraph) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "16"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    # pBdr sits before tabs/spacing/ind in CT_PPr's sequence.
    anchor = ppr.find(qn("w:tabs"))
    if anchor is None:
        ppr.append(borders)
    else:
        anchor.addprevious(borders)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    """A PAGE field: Word and LibreOffice put the page's number there."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = paragraph.add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _para(document: DocxDocument, style: ParagraphStyle, text: str) -> None:
    document.add_paragraph(text, style=style)


def _heading(document: DocxDocument, styles: _Styles, text: str) -> None:
    document.add_paragraph(text, style=styles.heading)


def _unit_table(document: DocxDocument, styles: _Styles, units: Sequence[UnitRow]) -> None:
    rows = [
        [
            str(u.rank),
            u.unit_name,
            str(u.tasks),
            str(u.on_schedule),
            str(u.overdue),
            str(u.reported_done),
            str(u.verified),
            _percent(u.overdue_share),
            _percent(u.verified_share),
            LIGHT_LABELS[u.light],
        ]
        for u in units
    ]
    table = _table(document, styles, UNIT_COLUMNS, rows, left_columns={1})
    for tr, unit in zip(table._tbl.tr_lst[1:], units, strict=True):
        _shade(tr.tc_lst[-1], LIGHT_FILL[unit.light])


def _table(
    document: DocxDocument,
    styles: _Styles,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str]],
    *,
    left_columns: set[int] = frozenset(),  # type: ignore[assignment]
) -> Table:
    """A table with a repeated header row; its data rows are copies of one formatted row.

    python-docx formats cell by cell at a few hundred microseconds each; copying
    a finished row's XML and filling in its texts keeps a 2,000-row table fast.
    """
    table = document.add_table(rows=2, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, Mm(0.8))
    widths = [Mm(width) for _, width in columns]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header, template = table.rows
    _repeat_as_header(header)
    for index, row in enumerate((header, template)):
        for position, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            if index == 0:
                style = styles.cell_head
            elif position in left_columns:
                style = styles.cell_left
            else:
                style = styles.cell
            # By id: python-docx's style setter searches every style per call.
            paragraph._p.style = style.style_id
            # The caption, the header and the first row go to a page together.
            paragraph.paragraph_format.keep_with_next = True
            run = paragraph.add_run(columns[position][0] if index == 0 else "-")
            if index:
                run._r.t_lst[0].set(qn("xml:space"), "preserve")
    tbl = table._tbl
    keeping = template._tr
    tbl.remove(keeping)
    plain = deepcopy(keeping)
    for keep in plain.iter(qn("w:keepNext")):
        keep.getparent().remove(keep)
    for index, values in enumerate(rows):
        tr = deepcopy(keeping if index == 0 else plain)
        for text, value in zip(tr.iter(qn("w:t")), values, strict=True):
            text.text = value
        tbl.append(tr)
    return table


def _cell_margins(table: Table, side: Mm) -> None:
    """Narrow left and right cell margins, so short figures and codes stay on one line."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(round(side.twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # tblCellMar precedes tblLook in CT_TblPr
    if look is None:
        properties.append(margins)
    else:
        look.addprevious(margins)


def _repeat_as_header(row) -> None:  # type: ignore[no-untyped-def]
    """The header row repeats on every page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(tc, fill: str) -> None:  # type: ignore[no-untyped-def]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties = tc.get_or_add_tcPr()
    align = properties.find(qn("w:vAlign"))  # shd precedes vAlign in CT_TcPr
    if align is None:
        properties.append(shading)
    else:
        align.addprevious(shading)
