"""Checked ledger rows → tasks, all in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.calendar.deadlines import calendar_warning
from bot.calendar.workcalendar import WorkCalendar
from bot.core.access import SYSTEM
from bot.excel.names import NearNames, name_key
from bot.excel.reading import WHOLE_FILE, LedgerRow, RowError, clean_text, read_ledger
from bot.excel.sheets import LedgerFileError
from bot.ledger.changes import LedgerError, change_task, create_task, guess_unit_kind
from bot.ledger.codes import next_task_codes, reserve_codes
from bot.ledger.states import STATE_LABELS
from db.models import Person, ProgressReport, ReportChannel, Role, Task, Unit
from db.queries import latest_reports

# Excel keeps times to the millisecond and may round up: a report is newer only beyond that.
ONE_SECOND = timedelta(seconds=1)


@dataclass
class ImportResult:
    """What an import did, or (with errors) why it wrote nothing."""

    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""  # the worksheet read (a workbook may have several)
    ignored_columns: list[str] = field(default_factory=list)  # headers not imported, as written
    warnings: list[RowError] = field(default_factory=list)  # saved, but worth a look
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_units: list[str] = field(default_factory=list)
    new_leaders: list[str] = field(default_factory=list)
    # New units one character from another, each (row, name, what it is close to): the
    # import stops on them until confirmed (`new_units`).
    near_units: list[tuple[int, str, str]] = field(default_factory=list)
    # (row, the words, what they were read as) for deadlines written in words.
    resolved: list[tuple[int, str, datetime]] = field(default_factory=list)
    # (row, code, the words, what they read as now, the deadline kept): the same words
    # as when imported, read on another day; the task keeps the date they meant then.
    kept: list[tuple[int, str, str, datetime, datetime | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def grouped_warnings(self) -> list[str]:
        """One line per distinct warning, naming all its rows: 第 2、5、8 行：…"""
        rows: dict[str, list[int]] = {}
        for warning in self.warnings:
            rows.setdefault(warning.message, []).append(warning.row)
        return [
            message if numbers == [WHOLE_FILE] else f"第 {_row_list(numbers)} 行：{message}"
            for message, numbers in rows.items()
        ]


def _no_rows(file_name: str, sheet: str) -> str:
    return (
        f"{file_name} 的工作表“{sheet}”在表头下没有事项行，未导入任何内容："
        "请在表头下逐行填写事项（每行一项）后再导入。"
    )


def _row_list(numbers: list[int], shown: int = 10) -> str:
    """2、5、8 — or, for a long list, the first ten and how many in all."""
    if len(numbers) <= shown:
        return "、".join(map(str, numbers))
    return "、".join(map(str, numbers[:shown])) + f" 等共 {len(numbers)}"


def import_ledger(
    session: Session,
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    end_of_day: time,
    new_units: Collection[str] = (),
) -> ImportResult:
    """Import a ledger file: every row checked first, then all of it written, or none.

    A row with 编号 is that task; a row without one is the task with the same lead
    unit and title (names compared folded), else a new task. A new unit one
    character from a known one is a question, not a guess: the import stops
    unless `new_units` names it. Writes are flushed, not committed: the caller's
    unit of work commits. A file that cannot be read, or whose sheet has no task
    rows under its header, raises `LedgerFileError`.
    """
    ledger = read_ledger(path, now=now, zone=zone, calendar=calendar, end_of_day=end_of_day)
    result = ImportResult(
        errors=ledger.errors,
        sheet=ledger.sheet,
        ignored_columns=ledger.ignored_columns,
        warnings=list(ledger.warnings),
    )
    if result.errors:
        return result
    rows = ledger.rows
    if not rows:  # “导入完成 新增 0 项” would hide a file saved before it was filled
        raise LedgerFileError(_no_rows(path.name, ledger.sheet))
    for row in rows:
        warning = row.deadline and calendar_warning(row.deadline, now.astimezone(zone), calendar)
        if warning:
            result.warnings.append(RowError(row.row, warning))
    # The caller commits; errors found only while writing undo the file's rows here.
    with session.begin_nested() as rows_written:
        _apply_rows(session, rows, now=now, result=result, new_units=new_units)
        if result.errors:  # still all or nothing
            rows_written.rollback()
            return ImportResult(
                errors=result.errors,
                sheet=result.sheet,
                ignored_columns=result.ignored_columns,
                near_units=result.near_units,
            )
    return result


def _apply_rows(
    session: Session,
    rows: list[LedgerRow],
    *,
    now: datetime,
    result: ImportResult,
    new_units: Collection[str],
) -> None:
    writer = _LedgerWriter(session, rows, now, result, {name_key(name) for name in new_units})
    for row in rows:
        try:
            writer.apply(row)
        except LedgerError as error:  # e.g. a code already taken outside this file
            result.errors.append(RowError(row.row, str(error)))


class _LedgerWriter:
    """Writes checked rows, looking units, leaders and existing tasks up once per import."""

    def __init__(
        self,
        session: Session,
        rows: list[LedgerRow],
        now: datetime,
        result: ImportResult,
        confirmed_units: set[str],
    ) -> None:
        self.session = session
        self.now = now
        self.result = result
        # Units by their folded name: 县 住建局 is 县住建局, (…) is （…）.
        self.units = {name_key(unit.name): unit for unit in session.scalars(select(Unit))}
        # To ask about a new unit one character from a known one; the row each came from.
        self.unit_names = NearNames(list(self.units))
        self.confirmed_units = confirmed_units
        self.new_unit_rows: dict[str, int] = {}
        # A leader by that name, else a supervisor (a county leader may also sit in the
        # office); never a unit member who happens to share a common name like 王伟.
        people = session.scalars(
            select(Person)
            .where(Person.role.in_([Role.LEADER, Role.SUPERVISOR]))
            .order_by(Person.role != Role.LEADER, Person.id)
        )
        self.leaders: dict[str, Person] = {}
        for person in people:
            self.leaders.setdefault(name_key(person.name), person)
        self.matched = _match_rows(session, rows)
        # Codes the file names itself are never handed out to its rows without one.
        self.explicit_codes = {row.code for row in rows if row.code}
        reserve_codes(session, self.explicit_codes)
        # Rows that are new tasks draw their codes in one go.
        fresh = sum(1 for row in rows if not row.code and row.row not in self.matched)
        self.drawn_codes = iter(next_task_codes(session, fresh))
        wanted = self.explicit_codes | set(self.matched.values())
        self.existing = {
            task.code: task
            for task in session.scalars(
                select(Task)
                .where(Task.code.in_(wanted))
                .options(selectinload(Task.cooperating_units), selectinload(Task.milestones))
            )
        }
        self.last_reports = latest_reports(session, [task.id for task in self.existing.values()])

    def unit(self, name: str, row: int) -> Unit:
        key = name_key(name)
        if key not in self.units:
            name = "".join(name.split())  # 县 住建局; full-width brackets stay as written
            self._ask_about_near_names(name, key, row)
            self.units[key] = Unit(name=name, kind=guess_unit_kind(name))
            self.session.add(self.units[key])
            self.result.new_units.append(name)
            self.new_unit_rows[key] = row
            self.unit_names.add(key)
        return self.units[key]

    def _ask_about_near_names(self, name: str, key: str, row: int) -> None:
        """A new unit one character from a known one is usually a typo: stop and ask."""
        near = self.unit_names.near(key)
        if not near or key in self.confirmed_units:
            return
        known = "、".join(
            f"第 {self.new_unit_rows[other]} 行的新单位“{self.units[other].name}”"
            if other in self.new_unit_rows
            else f"已有单位“{self.units[other].name}”"
            for other in near
        )
        self.result.near_units.append((row, name, known))
        self.result.errors.append(
            RowError(
                row,
                f"新单位“{name}”与{known}只差一个字，是否写错？写错了请改正后再导入；"
                f"确是另一个单位，请加 --new-unit {name} 再导入",
            )
        )

    def leader(self, name: str | None) -> Person | None:
        if not name:
            return None
        key = name_key(name)
        if key not in self.leaders:
            name = "".join(name.split())  # 王　伟 padded to the width of three characters
            self.leaders[key] = Person(name=name, role=Role.LEADER)
            self.session.add(self.leaders[key])
            self.result.new_leaders.append(name)
        return self.leaders[key]

    def apply(self, row: LedgerRow) -> None:
        session, now = self.session, self.now
        fields = self._ledger_fields(row)
        # The workflow (reports in chat, 销号, 退回) owns a task's state once it exists;
        # an imported sheet sets it only for tasks it creates.
        workflow: dict[str, object] = {}
        if row.state is not None:
            workflow["state"] = row.state.value
        if row.percent is not None:
            workflow["percent"] = row.percent
        if row.needs_help is not None:
            workflow["needs_help"] = row.needs_help
        code = row.code or self.matched.get(row.row)
        task = self.existing.get(code) if code else None
        if task is not None:
            self._keep_deadline_read_from_the_same_words(row, task, fields)
        latest = self.last_reports.get(task.id) if task is not None else None
        new_report = bool(row.last_report) and (
            latest is None
            or (
                row.last_report != clean_text(latest[0])  # compared as the sheet was read
                and (row.last_report_at is None or row.last_report_at > latest[1] + ONE_SECOND)
            )
        )
        if task is None:
            task = create_task(
                session,
                code=row.code or next(self.drawn_codes),
                now=now,
                actor=SYSTEM,
                allow_past_deadline=True,
                **fields,  # type: ignore[arg-type]
            )
            change_task(session, task, now=now, actor=SYSTEM, note="导入", **workflow)
            task.deadline_text = row.deadline_text
            self.result.created.append(task.code)
        else:
            self._note_workflow_differences(row, task)
            changed = change_task(session, task, now=now, actor=SYSTEM, note="导入", **fields)
            if "deadline" in fields:
                task.deadline_text = row.deadline_text
            if changed or new_report:
                self.result.updated.append(task.code)
            else:
                self.result.unchanged += 1
        if row.deadline_text and row.deadline is not None and "deadline" in fields:
            self.result.resolved.append((row.row, row.deadline_text, row.deadline))
        if new_report:
            session.add(
                ProgressReport(
                    task=task,
                    created_at=row.last_report_at or now,
                    text=row.last_report,
                    percent=row.percent,
                    needs_help=bool(row.needs_help),
                    channel=ReportChannel.IMPORT,
                )
            )

    def _keep_deadline_read_from_the_same_words(
        self, row: LedgerRow, task: Task, fields: dict[str, object]
    ) -> None:
        """下周五前 imported on 12-06 and again on 12-21 is still the Friday it meant."""
        if row.deadline_text is None or row.deadline_text != task.deadline_text:
            return
        if row.deadline != task.deadline:
            kept = task.deadline
            self.result.kept.append((row.row, task.code, row.deadline_text, row.deadline, kept))  # type: ignore[arg-type]
        del fields["deadline"]

    def _ledger_fields(self, row: LedgerRow) -> dict[str, object]:
        """The task's fields from the columns the file has; a missing column changes nothing."""
        fields: dict[str, object] = {
            "title": row.title,
            "lead_unit": self.unit(row.lead_unit, row.row),
            "deadline": row.deadline,
        }
        optional: dict[str, tuple[str, Callable[[], object]]] = {
            "备注": ("details", lambda: row.details),
            "来源": ("source", lambda: row.source or ""),
            "包联领导": ("lead_leader", lambda: self.leader(row.lead_leader)),
            "配合单位": (
                "cooperating_units",
                lambda: [self.unit(name, row.row) for name in row.cooperating_units],
            ),
            "节点": ("milestones", lambda: row.milestones),
        }
        for column, (field_name, value) in optional.items():
            if column in row.columns:
                fields[field_name] = value()
        return fields

    def _note_workflow_differences(self, row: LedgerRow, task: Task) -> None:
        """Say where the sheet disagrees with what the workflow recorded; change nothing."""
        differences = []
        if row.state is not None and row.state != task.state:
            differences.append(
                f"状态表中为“{STATE_LABELS[row.state]}”，系统中为“{STATE_LABELS[task.state]}”"
            )
        if row.percent is not None and row.percent != task.percent:
            differences.append(f"进度表中为 {row.percent}%，系统中为 {task.percent}%")
        if row.needs_help is not None and row.needs_help != task.needs_help:
            flag = {True: "需协调", False: "无需协调"}
            differences.append(f"表中为“{flag[row.needs_help]}”，系统中为“{flag[task.needs_help]}”")
        if differences:
            self.result.warnings.append(
                RowError(
                    row.row,
                    f"{task.code} {'；'.join(differences)}，未改动"
                    "（已有事项的状态和进度以办理流程为准：进展报告、报完成、销号、退回）",
                )
            )


def _match_key(unit: str, title: str) -> tuple[str, str]:
    return name_key(unit), name_key(title)


def _match_rows(session: Session, rows: list[LedgerRow]) -> dict[int, str]:
    """Row number → the code of the task a row without 编号 is: the same lead unit and
    title. Tasks sharing both are taken in code order, one per row, so a file that
    repeats a title for one unit matches the same tasks every time."""
    unmatched = [row for row in rows if not row.code]
    if not unmatched:
        return {}
    tasks: dict[tuple[str, str], list[str]] = {}
    for code, title, unit in session.execute(
        select(Task.code, Task.title, Unit.name)
        .join(Unit, Task.lead_unit_id == Unit.id)
        .order_by(Task.id)
    ):
        tasks.setdefault(_match_key(unit, title), []).append(code)
    explicit = {row.code for row in rows if row.code}
    matched: dict[int, str] = {}
    for row in unmatched:
        candidates = tasks.get(_match_key(row.lead_unit, row.title), [])
        while candidates and candidates[0] in explicit:
            candidates.pop(0)  # a task the file names by its code is that row's
        if candidates:
            matched[row.row] = candidates.pop(0)
    return matched
