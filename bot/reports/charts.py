"""挂图作战: the per-unit progress chart for `/status`, the CLI and the 督查通报.

One PNG from a `LedgerSummary`: a stacked horizontal bar per unit (red, yellow,
green, reported done, verified), worst first as the summary already orders
them, the `limit` worst shown and the rest counted in a note.

matplotlib is driven through its object API (`Figure` + the Agg canvas), not
pyplot: no global figure state, so handler threads can draw at once. The
Chinese font is Noto Sans SC from the `pylopdf-fonts-zh-cn` wheel, loaded by
file path, so a fresh machine with no system CJK font draws glyphs, not boxes.

Drawing takes a few hundred milliseconds, and the ledger changes far less
often than supervisors ask for `/status`: the last few pictures are kept,
keyed on everything they draw (the texts, each bar's five numbers, the dpi),
so an unchanged ledger is not drawn again.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pylopdf_fonts_zh_cn
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.core.text import display_width
from bot.reports.summary import Counts, LedgerSummary, UnitCounts

CHART_FONT_PATH: Path = pylopdf_fonts_zh_cn.sans_path()

UNIT_LIMIT = 30
CACHED_CHARTS = 8  # pictures kept: the county's, the bulletin's, a few days' worth
PNG_COMPRESSION = 3  # zlib level: the default 6's size within 1 %, a third faster

# The stack, left to right: what needs chasing first, then what is finished.
SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("red", "红灯（逾期）", "#d7301f"),
    ("yellow", "黄灯（临期）", "#f5b800"),
    ("green", "绿灯", "#41ab5d"),
    ("reported_done", "已报完成", "#6baed6"),
    ("verified", "已销号", "#2b5797"),
)

# Geometry in inches at a fixed dpi, so the size is known in advance: 1200 px wide,
# a fixed band for title and legend on top and for ticks and the note below.
WIDTH_IN = 8.0
DPI = 150
TOP_IN = 1.0
BOTTOM_IN = 0.75
BAR_IN = 0.26
NAME_COLUMNS = 24  # unit names longer than 12 Chinese characters are shortened
FONT_PT = 10
BAR_HEIGHT = 0.7  # of the space between two bars
WORST_FIRST = "按红灯、黄灯由多到少排列。"  # the order `ledger_summary` gives


@dataclass(frozen=True)
class ChartText:
    """Every string the chart draws, so a test can check the font has each glyph."""

    title: str
    legend: tuple[str, ...]
    axis_label: str
    unit_names: tuple[str, ...]
    note: str | None

    def all(self) -> list[str]:
        return [self.title, *self.legend, self.axis_label, *self.unit_names, self.note or ""]


def chart_size(units_shown: int, dpi: int = DPI) -> tuple[int, int]:
    """The PNG's (width, height) in pixels for this many bars."""
    height_in = TOP_IN + BOTTOM_IN + BAR_IN * max(units_shown, 1)
    return round(WIDTH_IN * dpi), round(height_in * dpi)


def chart_units(summary: LedgerSummary, limit: int = UNIT_LIMIT) -> list[UnitCounts]:
    """The units drawn: those with tasks, worst first, at most `limit`."""
    return [unit for unit in summary.units if unit.counts.total][:limit]


def chart_text(
    summary: LedgerSummary,
    *,
    zone: ZoneInfo,
    limit: int = UNIT_LIMIT,
    order_note: str = WORST_FIRST,
) -> ChartText:
    with_tasks = [unit for unit in summary.units if unit.counts.total]
    shown = with_tasks[:limit]
    left_out = with_tasks[limit:]
    note = None
    if left_out:
        rest = Counts()
        for unit in left_out:
            rest.add(unit.counts)
        note = (
            f"另有 {len(left_out)} 个单位未列出（共 {rest.total} 项，其中红灯 {rest.red} 项、"
            f"黄灯 {rest.yellow} 项）；{order_note}"
        )
    elif shown:
        note = order_note
    day = summary.now.astimezone(zone).date().isoformat()
    return ChartText(
        title=f"各单位督办事项进度（{day}）",
        legend=tuple(label for _, label, _ in SEGMENTS),
        axis_label="事项数",
        unit_names=tuple(_short(unit.unit_name) for unit in shown),
        note=note,
    )


def render_chart(
    summary: LedgerSummary,
    *,
    zone: ZoneInfo,
    limit: int = UNIT_LIMIT,
    dpi: int = DPI,
    order_note: str = WORST_FIRST,
) -> bytes:
    """The chart as PNG bytes, units in the summary's order (`order_note` says which)."""
    text = chart_text(summary, zone=zone, limit=limit, order_note=order_note)
    bars = tuple(
        tuple(getattr(unit.counts, field) for field, _, _ in SEGMENTS)
        for unit in chart_units(summary, limit)
    )
    return _drawn(text, bars, dpi)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _drawn(text: ChartText, bars: tuple[tuple[int, ...], ...], dpi: int) -> bytes:
    """The picture of `bars` (one per unit, a number per segment) labelled with `text`.

    Drawn from its arguments alone, so they are the whole cache key.
    """
    font = FontProperties(fname=CHART_FONT_PATH, size=FONT_PT)
    title_font = FontProperties(fname=CHART_FONT_PATH, size=FONT_PT + 5)
    small = FontProperties(fname=CHART_FONT_PATH, size=FONT_PT - 1)
    _, height_px = chart_size(len(bars), dpi)
    height_in = height_px / dpi

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    names_in = 0.25 + (max((display_width(n) for n in text.unit_names), default=4) / 2) * (
        FONT_PT / 72
    )
    figure.subplots_adjust(
        left=names_in / WIDTH_IN,
        right=1 - 0.35 / WIDTH_IN,
        top=1 - TOP_IN / height_in,
        bottom=BOTTOM_IN / height_in,
    )
    axes = figure.add_subplot()
    figure.text(
        0.5, 1 - 0.3 / height_in, text.title, ha="center", va="center", fontproperties=title_font
    )

    if not bars:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "暂无督办事项", ha="center", va="center", fontproperties=font)
        return _png(canvas, dpi)

    positions = range(len(bars))
    left = [0] * len(bars)
    widest = max(sum(numbers) for numbers in bars)
    handles: list[Patch] = []
    for index, (field, label, colour) in enumerate(SEGMENTS):
        values = [numbers[index] for numbers in bars]
        pieces = list(zip(positions, left, values, strict=True))
        # One collection a segment: `barh` would add (and measure) a patch per bar.
        rectangles = [_bar(start, value, position) for position, start, value in pieces]
        axes.add_collection(
            PolyCollection(rectangles, facecolors=colour, edgecolors="none", linewidths=0),
            autolim=False,
        )
        handles.append(Patch(facecolor=colour, label=label))
        # A count inside its segment, where the segment is wide enough to hold it.
        # (Plain texts where `bar_label` would add an annotation per bar, blank ones too.)
        for position, start, value in pieces:
            if value and value / widest >= 0.06:
                axes.text(
                    start + value / 2,
                    position,
                    str(value),
                    ha="center",
                    va="center",
                    fontproperties=small,
                    color="white" if field in ("red", "verified") else "black",
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for position, total in zip(positions, left, strict=True):
        axes.text(total, position, f" {total}", va="center", fontproperties=small)

    axes.set_yticks(list(positions), list(text.unit_names))
    for tick in axes.get_yticklabels() + axes.get_xticklabels():
        tick.set_fontproperties(font)
    axes.invert_yaxis()  # worst at the top
    axes.set_ylim(len(bars) - 0.5, -0.5)
    axes.set_xlim(0, max(left) * 1.08 + 1)
    axes.set_xlabel(text.axis_label, fontproperties=font, loc="right")
    ticks = axes.xaxis.get_major_locator()
    assert isinstance(ticks, MaxNLocator)  # a linear axis's AutoLocator
    ticks.set_params(integer=True)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(
        handles=handles,
        loc="center",
        bbox_to_anchor=(0.5, 1 - 0.72 / height_in),
        ncol=len(SEGMENTS),
        prop=font,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.4,
    )
    if text.note:
        figure.text(0.02, 0.12 / height_in, text.note, fontproperties=small, color="#555555")
    return _png(canvas, dpi)


def _png(canvas: FigureCanvasAgg, dpi: int) -> bytes:
    buffer = io.BytesIO()
    # No bbox="tight": the size stays exactly `chart_size`. No metadata: same input, same bytes.
    canvas.figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    return buffer.getvalue()


def _short(name: str) -> str:
    if display_width(name) <= NAME_COLUMNS:
        return name
    kept = ""
    for char in name:
        if display_width(kept + char) > NAME_COLUMNS - 2:
            break
        kept += char
    return kept + "…"


def _bar(start: float, value: float, position: int) -> list[tuple[float, float]]:
    top, bottom = position - BAR_HEIGHT / 2, position + BAR_HEIGHT / 2
    return [(start, top), (start + value, top), (start + value, bottom), (start, bottom)]
