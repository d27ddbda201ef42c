"""Word (python-docx) helpers that know nothing of bulletins: fonts, styles, rules, tables.

python-docx leaves out a few things an office document needs: fonts named for
East Asian text, borders under a paragraph, a page-number field, a table whose
header repeats on every page, cell shading. They are written here in the XML
(WordprocessingML) directly, each element placed where the schema's sequence
wants it, so Word and LibreOffice both accept the file.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from copy import deepcopy
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

LATIN_FONT = "Times New Roman"


def set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
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


def chinese_defaults(document: DocxDocument, east_asia: str) -> None:
    """Explicit fonts and Chinese line breaking in the defaults, instead of the theme's."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, east_asia)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def paragraph_style(
    document: DocxDocument,
    name: str,
    style_id: str,
    east_asia: str,
    size: float,
    align: WD_ALIGN_PARAGRAPH | None,
) -> ParagraphStyle:
    """A quick style based on Normal, named `name` in Word's list and `style_id` in the XML.

    Aligned styles drop Normal's first-line indent, which suits only body text.
    """
    styles = document.styles
    style: ParagraphStyle = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = styles["Normal"]
    style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), east_asia)
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
        fmt.first_line_indent = Pt(0)
    return style


def outline_level(style: ParagraphStyle, level: int) -> None:
    """Make the style's paragraphs headings in Word's navigation pane."""
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    style.element.get_or_add_pPr().append(outline)


def bottom_rule(paragraph: Paragraph, color: str, size: int) -> None:
    """A line under the paragraph, `size` in eighths of a point."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    # pBdr sits before tabs/spacing/ind in CT_PPr's sequence.
    anchor = ppr.find(qn("w:tabs"))
    if anchor is None:
        ppr.append(borders)
    else:
        anchor.addprevious(borders)


def page_number_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice put the page's number there (1 until they do)."""
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")
    _field_char(paragraph, "end")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def add_table(
    document: DocxDocument,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str]],
    *,
    head: ParagraphStyle,
    cell: ParagraphStyle,
    cell_left: ParagraphStyle,
    left_columns: Collection[int] = frozenset(),
) -> Table:
    """A table with a repeated header row; its data rows are copies of one formatted row.

    `columns` are (header, width in mm). The caption before the table, the
    header and the first row keep to one page. python-docx formats cell by cell
    at a few hundred microseconds each; copying a finished row's XML and filling
    in its texts keeps a 2,000-row table fast.
    """
    table: Table = document.add_table(rows=2, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, Mm(0.8))
    widths = [Mm(width) for _, width in columns]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header, template = table.rows
    _repeat_as_header(header._tr)
    for index, row in enumerate((header, template)):
        for position, (table_cell, width) in enumerate(zip(row.cells, widths, strict=True)):
            table_cell.width = width
            table_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = table_cell.paragraphs[0]
            if index == 0:
                style = head
            elif position in left_columns:
                style = cell_left
            else:
                style = cell
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


def _cell_margins(table: Table, side: Length) -> None:
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


def _repeat_as_header(tr: CT_Row) -> None:
    """The header row repeats on every page the table runs over."""
    properties = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def shade(tc: CT_Tc, fill: str) -> None:
    """Fill a cell with a colour (RRGGBB)."""
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
