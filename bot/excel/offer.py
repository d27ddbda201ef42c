"""A ledger sent as a file's bytes (in chat): what importing it would do, then doing it.

The echo is the import itself, run inside a savepoint that is rolled back, so it
says exactly what 确认导入 will do: what is added and updated, the deadlines read
from words, or every row's error. Confirming imports the same bytes again,
checked again against the ledger as it is by then (another import may have come
first); still all rows or none.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar.workcalendar import WorkCalendar
from bot.core.text import cut, cut_from
from bot.core.timefmt import describe
from bot.excel.importing import ImportResult, import_ledger
from db.models import Task, Unit

SHOWN = 50  # rows listed of what would be added, updated, or is wrong; then a count
DEFAULT_NAME = "台账.xlsx"


@dataclass(frozen=True)
class LedgerImport:
    """An import tried or done: its result and the lines naming the tasks it listed."""

    file_name: str
    result: ImportResult
    created: list[str]  # 事项（牵头单位）, once done DB-0009 事项, the first SHOWN
    updated: list[str]  # DB-0003 事项, the first SHOWN

    @property
    def changes_nothing(self) -> bool:
        return self.result.ok and not self.result.created and not self.result.updated

    @property
    def only_near_units(self) -> bool:
        """Stopped only by new units one character from others: a question, not an error."""
        return bool(self.result.near_units) and len(self.result.errors) == len(
            self.result.near_units
        )


def near_units(tried: LedgerImport) -> list[str]:
    return list(dict.fromkeys(name for _, name, _ in tried.result.near_units))


def file_name_of(written: str | None) -> str:
    """The name as sent, without folders, or 台账.xlsx when none is usable."""
    name = Path(written or "").name
    return name if name and len(name.encode()) <= 200 else DEFAULT_NAME


def import_bytes(
    session: Session,
    content: bytes,
    file_name: str,
    *,
    keep: bool,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
    new_units: Collection[str] = (),
) -> LedgerImport:
    """Import `content` as a ledger; `keep=False` rolls it back after looking (the echo).
    `new_units`: new units confirmed though one character from another (see `near_units`).

    Raises `LedgerFileError` (`NotALedgerError`: no ledger header at all) as the
    importer does. Flushes only: the caller's unit of work commits.
    """
    with TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_bytes(content)
        with session.begin_nested() as trial:
            result = import_ledger(
                session,
                path,
                now=now,
                zone=zone,
                calendar=calendar,
                end_of_day=end_of_day,
                new_units=new_units,
            )
            # New tasks by title in the echo: the codes are drawn again on 确认导入.
            created = _task_lines(session, result.created[:SHOWN], with_code=keep)
            updated = _task_lines(session, result.updated[:SHOWN], with_code=True)
            if not keep:
                trial.rollback()
    return LedgerImport(file_name, result, created, updated)


def _task_lines(session: Session, codes: list[str], *, with_code: bool) -> list[str]:
    if not codes:
        return []
    found = {
        code: (title, unit)
        for code, title, unit in session.execute(
            select(Task.code, Task.title, Unit.name)
            .join(Unit, Task.lead_unit_id == Unit.id)
            .where(Task.code.in_(codes))
        )
    }
    lines = []
    for code in codes:
        title, unit = found[code]
        lines.append(f"{code} {title}" if with_code else f"{title}（{unit}）")
    return lines


def offer_text(tried: LedgerImport, asked: LedgerImport | None = None) -> str:
    """The echo of a ledger sent in chat: what 确认导入 would do, or why it cannot.
    `asked`: the same file stopped by near unit names, asked about before the echo of
    `tried`, its import with them confirmed."""
    result = tried.result
    if not result.ok:
        return errors_text(tried)
    question = []
    if asked is not None:
        question = [
            "请先核对：",
            *[
                f"  第 {row} 行：新单位“{name}”与{known}只差一个字"
                for row, name, known in asked.result.near_units
            ],
            "写错了请改正后重新发送；确是另一个单位，按“确认导入”将新建它。",
        ]
    if tried.changes_nothing:
        return (
            f"{tried.file_name}（工作表“{result.sheet}”）与系统中的台账一致："
            f"{result.unchanged} 项均未变，无需导入。"
        )
    lines = [
        f"请核对台账 {tried.file_name}（工作表“{result.sheet}”）：导入后将新增 "
        f"{len(result.created)} · 更新 {len(result.updated)} · 未变 {result.unchanged}。"
        "无误后按“确认导入”："
    ]
    if result.created:
        lines += ["新增：", *_listed(tried.created, len(result.created), "项")]
    if result.updated:
        lines += ["更新：", *_listed(tried.updated, len(result.updated), "项")]
    return "\n".join(question + lines + _notes(result))


def done_text(done: LedgerImport) -> str:
    """What 确认导入 did, or (the ledger changed since the echo) why it wrote nothing."""
    result = done.result
    if not result.ok:
        return errors_text(done)
    lines = [
        f"导入完成（工作表“{result.sheet}”）：新增 {len(result.created)} · "
        f"更新 {len(result.updated)} · 未变 {result.unchanged}"
    ]
    if result.created:
        lines += ["新增：", *_listed(done.created, len(result.created), "项")]
        lines.append("新增的事项将自动交办各单位（在工作时间发出）。")
    return "\n".join(lines)


def errors_text(tried: LedgerImport) -> str:
    errors = tried.result.errors
    return "\n".join(
        [
            f"{tried.file_name} 有 {len(errors)} 处错误，未导入任何内容：",
            *cut([str(error) for error in errors], SHOWN, "处"),
            "请改正后重新发送文件。",
        ]
    )


def _listed(lines: list[str], total: int, what: str) -> list[str]:
    return cut_from([f"  {line}" for line in lines], total, what)


def _notes(result: ImportResult) -> list[str]:
    """Deadlines read from words, warnings, and the units and leaders the file adds."""
    lines = []
    if result.resolved:
        lines.append("截止时间按文字理解为：")
        echoes = [f"  第 {row} 行 “{words}” → {describe(at)}" for row, words, at in result.resolved]
        lines += cut(echoes, 20, "行")
    if result.kept:
        lines.append("以下截止时间的文字与上次导入相同，保留上次的截止时间：")
        kept = [
            f"  第 {row} 行 {code} “{words}”：保留 {describe(before) if before else '长期'}"
            for row, code, words, _, before in result.kept
        ]
        lines += cut(kept, 20, "行")
    lines += [f"提醒：{warning}" for warning in cut(result.grouped_warnings(), 20, "条")]
    if result.new_units:
        lines.append(f"新建单位：{'、'.join(result.new_units)}")
    if result.new_leaders:
        lines.append(f"新建包联领导：{'、'.join(result.new_leaders)}（尚未绑定 Telegram）")
    return lines
