"""Plain-text helpers every reply and printout goes through: limits, cut lists, tables.

They know nothing of tasks or summaries, so chat, the CLI, the digest and the
sender share them without importing the reports.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

TELEGRAM_TEXT_LIMIT = 4096


def cut(lines: Sequence[str], limit: int, what: str = "项") -> list[str]:
    """At most `limit` lines, then one line saying how many were left out."""
    return cut_from(lines[:limit], len(lines), what)


def cut_from(shown: Sequence[str], total: int, what: str = "项") -> list[str]:
    """The first lines of a list of `total`, then one line saying how many were left out
    (for lists too long to hold: only their head and their length are kept)."""
    if total <= len(shown):
        return list(shown)
    return [*shown, f"……另有 {total - len(shown)} {what}未列出"]


def fit_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """Whole lines up to Telegram's limit, then a line saying the rest was left out."""
    if len(text) <= limit:
        return text
    note = "……内容过长，以下从略。"
    kept: list[str] = []
    size = len(note) + 1
    for line in text.splitlines():
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join([*kept, note])


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table that lines up with Chinese characters in a terminal."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
