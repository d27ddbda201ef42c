"""Checked ledger rows → tasks, all in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.calendar.deadlines import calendar_warning
from bot.calendar.workcalendar import WorkCalendar
from bot.core.access import SYSTEM
from bot.excel.names import NearNames
from bot.excel.reading import WHOLE_FILE, LedgerRow, RowError, clean_text, read_ledger
from bot.ledger.changes import LedgerError, change_task, create_task, guess_unit_kind
from bot.ledger.codes import next_task_codes, reserve_codes
from bot.ledger.states import STATE_LABELS
from db.models import Person, ProgressReport, ReportChannel, Role, Task, TaskState, Unit
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
    # (row, the words, what they were read as) for deadlines written in words.
    resolved: list[tuple[int, str, datetime]] = field(default_factory=list)

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
) -> ImportResult:
    """Import a ledger file: every row checked first, then all of it written, or none.

    Writes are flushed, not committed: the caller's unit of work commits.
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
    for row in rows:
        warning = row.deadline and calendar_warning(row.deadline, now.astimezone(zone), calendar)
        if warning:
            result.warnings.append(RowError(row.row, warning))
    # The caller commits; errors found only while writing undo the file's rows here.
    with session.begin_nested() as rows_written:
        _apply_rows(session, rows, now=now, result=result)
        if result.errors:  # still all or nothing
            rows_written.rollback()
            return ImportResult(
                errors=result.errors, sheet=result.sheet, ignored_columns=result.ignored_columns
            )
    return result


def _apply_rows(
    session: Session, rows: list[LedgerRow], *, now: datetime, result: ImportResult
) -> None:
    writer = _LedgerWriter(session, rows, now, result)
    for row in rows:
        try:
            writer.apply(row)
        except LedgerError as error:  # e.g. a code already taken outside this file
            result.errors.append(RowError(row.row, str(error)))


class _LedgerWriter:
    """Writes checked rows, looking units, leaders and existing tasks up once per import."""

    def __init__(
        self, session: Session, rows: list[LedgerRow], now: datetime, result: ImportResult
    ) -> None:
        self.session = session
        self.now = now
        self.result = result
        self.units = {unit.name: unit for unit in session.scalars(select(Unit))}
        # To flag a new unit one character from a known one; the row each new one came from.
        self.unit_names = NearNames(list(self.units))
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
            self.leaders.setdefault(person.name, person)
        # Tasks by (title, lead unit), to notice a row without 编号 that repeats one.
        self.titles = {
            (title, unit): code
            for code, title, unit in session.execute(
                select(Task.code, Task.title, Unit.name).join(Unit, Task.lead_unit_id == Unit.id)
            )
        }
        # Codes the file names itself are never handed out to its rows without one.
        self.explicit_codes = {row.code for row in rows if row.code}
        reserve_codes(session, self.explicit_codes)
        # Rows without 编号 are new tasks: their codes are drawn in one go.
        self.drawn_codes = iter(next_task_codes(session, sum(1 for row in rows if not row.code)))
        self.existing = {
            task.code: task
            for task in session.scalars(
                select(Task)
                .where(Task.code.in_(self.explicit_codes))
                .options(selectinload(Task.cooperating_units), selectinload(Task.milestones))
            )
        }
        self.last_reports = latest_reports(session, [task.id for task in self.existing.values()])

    def unit(self, name: str, row: int) -> Unit:
        if name not in self.units:
            self._flag_near_names(name, row)
            self.units[name] = Unit(name=name, kind=guess_unit_kind(name))
            self.session.add(self.units[name])
            self.result.new_units.append(name)
            self.new_unit_rows[name] = row
            self.unit_names.add(name)
        return self.units[name]

    def _flag_near_names(self, name: str, row: int) -> None:
        """Warn when a new unit is one character from a known one: usually a typo."""
        near = self.unit_names.near(name)
        if not near:
            return
        known = "、".join(
            f"第 {self.new_unit_rows[other]} 行的新单位“{other}”"
            if other in self.new_unit_rows
            else f"已有单位“{other}”"
            for other in near
        )
        self.result.warnings.append(RowError(row, f"新单位“{name}”与{known}只差一个字，是否写错？"))

    def leader(self, name: str | None) -> Person | None:
        if not name:
            return None
        if name not in self.leaders:
            self.leaders[name] = Person(name=name, role=Role.LEADER)
            self.session.add(self.leaders[name])
            self.result.new_leaders.append(name)
        return self.leaders[name]

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
        task = self.existing.get(row.code) if row.code else None
        latest = self.last_reports.get(task.id) if task is not None else None
        new_report = bool(row.last_report) and (
            latest is None
            or (
                row.last_report != clean_text(latest[0])  # compared as the sheet was read
                and (row.last_report_at is None or row.last_report_at > latest[1] + ONE_SECOND)
            )
        )
        if task is None:
            twin = self.titles.get((row.title, row.lead_unit)) if not row.code else None
            if twin is not None:
                self.result.warnings.append(
                    RowError(
                        row.row,
                        f"与已有事项 {twin} 同名同单位，已作为新事项导入；"
                        "如是同一事项，请在编号列填写编号后再导入",
                    )
                )
            task = create_task(
                session,
                code=row.code or next(self.drawn_codes),
                now=now,
                actor=SYSTEM,
                allow_past_deadline=True,
                **fields,  # type: ignore[arg-type]
            )
            change_task(session, task, now=now, actor=SYSTEM, note="导入", **workflow)
            self.result.created.append(task.code)
        else:
            self._note_workflow_differences(row, task)
            changed = change_task(session, task, now=now, actor=SYSTEM, note="导入", **fields)
            if changed or new_report:
                self.result.updated.append(task.code)
            else:
                self.result.unchanged += 1
        if row.deadline_text and row.deadline is not None:
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
                f"状态表中为“{STATE_LABELS[row.state]}”，系统中为"
                f"“{STATE_LABELS[TaskState(task.state)]}”"
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
