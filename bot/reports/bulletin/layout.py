"""How the bulletin looks: a county office's notice, after GB/T 9704.

A4 with the margins of GB/T 9704 (top 37 mm, bottom 35, left 28, right 26);
a red masthead with the title and issue (方正小标宋简体), the issuing office
and date over a red rule; headings in 黑体, body in 仿宋_GB2312 三号 on a
fixed 28 pt line; tables in 五号; the page number as a PAGE field in the
footer (— 1 —). The fonts are named for East Asian text (w:eastAsia), as
offices name them; Word or LibreOffice substitutes where one is missing.

`BulletinPage` is the document being written, with one method per kind of
paragraph; what goes in it is `bot.reports.bulletin.document`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table

from bot.reports.bulletin.word import (
    LATIN_FONT,
    add_table,
    bottom_rule,
    chinese_defaults,
    outline_level,
    page_number_field,
    paragraph_style,
    set_fonts,
)

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH = Mm(156)  # 210 mm less 28 mm and 26 mm margins

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


class BulletinStyles:
    """The document's own paragraph styles, so every paragraph of a kind looks alike."""

    def __init__(self, document: DocxDocument) -> None:
        chinese_defaults(document, BODY_FONT)
        normal = document.styles["Normal"]
        set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.font.size = Pt(16)
        self.body = normal
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.first_line_indent = Pt(32)  # two characters of 三号
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False

        def style(
            name: str, east_asia: str, size: float, align: WD_ALIGN_PARAGRAPH | None
        ) -> ParagraphStyle:
            return paragraph_style(document, name, STYLE_IDS[name], east_asia, size, align)

        self.title = style("通报标题", TITLE_FONT, 26, WD_ALIGN_PARAGRAPH.CENTER)
        self.title.font.color.rgb = RED
        self.title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.issuer = style("发文机关", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT)
        self.heading = style("通报一级标题", HEADING_FONT, 16, None)
        self.heading.paragraph_format.first_line_indent = Pt(32)
        self.heading.paragraph_format.keep_with_next = True
        outline_level(self.heading, 0)
        # A figure's caption goes under it, a table's over it and with it. The figure's must
        # not keep with the next paragraph: picture, both captions and the table's first rows
        # would have to share a page, and LibreOffice then keeps none of them together.
        self.figure_caption = style("图题", HEADING_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER)
        self.figure_caption.paragraph_format.space_before = Pt(4)
        self.figure_caption.paragraph_format.space_after = Pt(8)
        self.table_caption = style("表题", HEADING_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER)
        self.table_caption.paragraph_format.keep_with_next = True
        self.table_caption.paragraph_format.space_before = Pt(4)
        self.table_caption.paragraph_format.space_after = Pt(4)
        self.note = style("表注", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT)
        self.note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.note.paragraph_format.space_before = Pt(4)
        self.picture = style("插图", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER)
        # An exact line height would crop the picture: single spacing grows with it.
        self.picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.picture.paragraph_format.keep_with_next = True
        self.cell = style("表格文字", BODY_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER)
        self.cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.cell_left = style("表格文字左", BODY_FONT, 10.5, WD_ALIGN_PARAGRAPH.LEFT)
        self.cell_left.base_style = self.cell
        self.cell_left.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.cell_head = style("表头", HEADING_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER)
        self.cell_head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.footer = style("页码", LATIN_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER)
        self.footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


class BulletinPage:
    """A new bulletin document: its styles and A4 page set up, paragraphs added in order."""

    def __init__(self) -> None:
        self.document = Document()
        self.styles = BulletinStyles(self.document)
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(20)

    def masthead(self, title: str, issue: str, office: str, issued: str) -> None:
        """The red title over the issue, the office and date over a red rule; page numbers."""
        styles = self.styles
        heading = self.document.add_paragraph(style=styles.title)
        heading.add_run(title).add_break()
        heading.add_run(issue).font.size = Pt(16)
        heading.paragraph_format.space_after = Pt(18)

        issuer = self.document.add_paragraph(style=styles.issuer)
        issuer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        issuer.add_run(f"{office}\t{issued}")
        bottom_rule(issuer, "C00000", 16)
        self.document.add_paragraph(style=styles.note)  # air under the rule

        number = self.document.sections[0].footer.paragraphs[0]
        number.style = styles.footer
        number.add_run("— ")
        page_number_field(number)
        number.add_run(" —")

    def paragraph(self, text: str, style: ParagraphStyle) -> None:
        self.document.add_paragraph(text, style=style)

    def body(self, text: str) -> None:
        self.paragraph(text, self.styles.body)

    def heading(self, text: str) -> None:
        self.paragraph(text, self.styles.heading)

    def note(self, text: str) -> None:
        self.paragraph(text, self.styles.note)

    def picture(self, png: bytes) -> None:
        """A picture the width of the text."""
        paragraph = self.document.add_paragraph(style=self.styles.picture)
        paragraph.add_run().add_picture(BytesIO(png), width=TEXT_WIDTH)

    def table(
        self,
        columns: Sequence[tuple[str, int]],
        rows: Sequence[Sequence[str]],
        *,
        left_columns: Collection[int] = frozenset(),
    ) -> Table:
        """A table in the bulletin's cell styles; `left_columns` hold text, left-aligned."""
        styles = self.styles
        return add_table(
            self.document,
            columns,
            rows,
            head=styles.cell_head,
            cell=styles.cell,
            cell_left=styles.cell_left,
            left_columns=left_columns,
        )
