"""The /status chart: Chinese glyphs from the font shipped on PyPI, a real picture, its size."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, datetime

import matplotlib.image
import pytest
from fontTools.ttLib import TTFont

from bot.demo.data import DEMO_UNITS
from bot.reports.charts import CHART_FONT_PATH, chart_size, chart_text, render_chart
from bot.reports.summary import Counts, LedgerSummary, UnitCounts
from tests.conftest import SHANGHAI

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai


def county(units: int) -> LedgerSummary:
    """`units` units, worst first as `ledger_summary` orders them, every light present."""
    rows = [
        UnitCounts(i, f"第{i + 1}乡镇" if i % 3 else "县住房和城乡建设局", Counts())
        for i in range(units)
    ]
    totals = Counts()
    for index, row in enumerate(rows):
        row.counts.red = max(0, 12 - index // 3)
        row.counts.yellow = index % 4
        row.counts.green = 5 + index % 7
        row.counts.reported_done = index % 3
        row.counts.verified = 2 + index % 5
        totals.add(row.counts)
    return LedgerSummary(now=NOW, totals=totals, units=rows, overdue=[], overdue_count=totals.red)


@pytest.fixture(scope="module")
def cmap() -> dict[int, str]:
    with TTFont(CHART_FONT_PATH, lazy=True) as font:
        return font.getBestCmap()


def test_the_font_comes_from_the_requirements_not_the_system() -> None:
    assert "site-packages" in CHART_FONT_PATH.parts
    assert CHART_FONT_PATH.suffix in {".otf", ".ttf"}


def test_the_font_has_a_glyph_for_every_character_of_the_labels(cmap) -> None:  # type: ignore[no-untyped-def]
    text = chart_text(county(300), zone=SHANGHAI)
    assert text.title == "各单位督办事项进度（2026-11-26）"
    assert len(text.unit_names) == 30
    assert text.note is not None and text.note.startswith("另有 270 个单位未列出")
    # The demo county's unit names too: real names, not only the test's.
    strings = [*text.all(), *(unit.name for unit in DEMO_UNITS), "暂无督办事项", "…"]
    missing = {char for string in strings for char in string if ord(char) not in cmap}
    assert not missing


def test_matplotlib_draws_every_glyph_with_that_font() -> None:
    # matplotlib warns "Glyph … missing from font(s)" when it would draw a box.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render_chart(county(40), zone=SHANGHAI)


def pixels(png: bytes):  # type: ignore[no-untyped-def]
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_the_picture_is_not_blank_and_has_the_expected_size() -> None:
    png = render_chart(county(300), zone=SHANGHAI)
    assert png.startswith(b"\x89PNG")
    image = pixels(png)
    height, width = image.shape[:2]
    assert (width, height) == chart_size(30) == (1200, round(150 * (1.75 + 0.26 * 30)))
    colours = {tuple(pixel) for pixel in image[::7, ::7, :3].reshape(-1, 3).round(2).tolist()}
    assert len(colours) > 20
    red = (image[:, :, 0] > 0.8) & (image[:, :, 1] < 0.3) & (image[:, :, 2] < 0.2)
    assert red.mean() > 0.02  # the red segments are there


def test_a_small_county_gets_a_short_picture_and_an_empty_one_a_message() -> None:
    small = pixels(render_chart(county(3), zone=SHANGHAI))
    assert small.shape[1::-1] == chart_size(3)
    assert chart_text(county(3), zone=SHANGHAI).note == "按红灯、黄灯由多到少排列。"
    empty = LedgerSummary(now=NOW, totals=Counts(), units=[], overdue=[], overdue_count=0)
    image = pixels(render_chart(empty, zone=SHANGHAI))
    assert image.shape[1::-1] == chart_size(0)
    assert image[:, :, :3].std() > 0.01  # the title and the message


def test_units_without_tasks_are_not_drawn_and_long_names_are_shortened() -> None:
    summary = county(2)
    summary.units.append(UnitCounts(99, "无事项单位", Counts()))
    summary.units[0] = UnitCounts(0, "某某县经济技术开发区管理委员会综合办公室", Counts(red=1))
    names = chart_text(summary, zone=SHANGHAI).unit_names
    assert names == ("某某县经济技术开发区管…", "第2乡镇")


def test_an_unchanged_ledger_is_not_drawn_again() -> None:
    from bot.reports.charts import _drawn

    _drawn.cache_clear()
    first = render_chart(county(40), zone=SHANGHAI)
    assert render_chart(county(40), zone=SHANGHAI) is first  # the same picture, kept
    assert _drawn.cache_info().misses == 1
    # Anything drawn changes the picture: a number, a unit's name, the day in the title.
    changed = county(40)
    changed.units[5].counts.green += 1
    renamed = county(40)
    renamed.units[0] = UnitCounts(0, "县水利局", renamed.units[0].counts)
    tomorrow = county(40)
    tomorrow.now = NOW.replace(day=27)
    left_out = county(40)
    left_out.units[-1].counts.red += 1  # not drawn, but counted in the note below the bars
    for other in (changed, renamed, tomorrow, left_out):
        assert render_chart(other, zone=SHANGHAI) != first
    assert _drawn.cache_info().misses == 5
