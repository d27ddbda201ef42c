"""Holiday duty rosters (值班表): reading them, the 24-hour rule, the report, and keeping them.

The modules re-exported here take and give plain values (no session, no Telegram),
so the chat handlers, the CLI (`python -m bot roster check`) and the digests share
them; `storage` (rosters saved as versions) and `checks` (到岗确认 and 查岗 with
their answers) work on the database and are imported by name.

- `roster`: `DutyShift` (one line), `Post` (the stored `DutyPost`), `LineError`,
  `RosterReading`, days and times;
- `paste`: `parse_pasted_roster` — text pasted in chat → shifts, or every bad line;
- `workbook`: `read_roster_xlsx` — a unit's or a county's `.xlsx` → the same;
- `template`: `write_roster_template` (the file in `templates/`);
- `phones`: which duty numbers can be called, whose they are, masking;
- `coverage`: `check_roster` — gaps per unit and post, phone problems, overlaps;
- `report`: `report_text`, `unit_lines`, `roster_echo` — the Chinese text;
- `period`: the days a file is checked for when none are given.

Conventions: docs/duty.md.
"""

from bot.duty.coverage import (
    CoverageReport,
    Gap,
    Overlap,
    PhoneProblem,
    UnitCoverage,
    check_roster,
    coverage_gaps,
)
from bot.duty.paste import parse_pasted_roster
from bot.duty.period import period_from_shifts, split_by_period
from bot.duty.phones import mask_phone, phone_problem
from bot.duty.report import gap_lines, report_text, roster_echo, unit_lines
from bot.duty.roster import DutyShift, LineError, Post, RosterFileError, RosterReading
from bot.duty.template import TEMPLATE_PATH, write_roster_template
from bot.duty.workbook import ROSTER_COLUMNS, read_roster_xlsx

__all__ = [
    "ROSTER_COLUMNS",
    "TEMPLATE_PATH",
    "CoverageReport",
    "DutyShift",
    "Gap",
    "LineError",
    "Overlap",
    "PhoneProblem",
    "Post",
    "RosterFileError",
    "RosterReading",
    "UnitCoverage",
    "check_roster",
    "coverage_gaps",
    "gap_lines",
    "mask_phone",
    "parse_pasted_roster",
    "period_from_shifts",
    "phone_problem",
    "read_roster_xlsx",
    "report_text",
    "roster_echo",
    "split_by_period",
    "unit_lines",
    "write_roster_template",
]
