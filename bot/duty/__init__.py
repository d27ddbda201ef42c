"""Holiday duty rosters (值班表): reading them, the 24-hour rule, and the report.

Plain values in, plain values out; no database and no Telegram here, so the
chat handlers, the CLI and the digests share it.

- `roster`: `DutyShift` (one line), `Post`, `LineError`, `RosterReading`, days and times;
- `paste`: `parse_pasted_roster` — text pasted in chat → shifts, or every bad line;
- `workbook`: `read_roster_xlsx` — a unit's or a county's `.xlsx` → the same;
- `template`: `write_roster_template` (the file in `templates/`).
"""

from bot.duty.paste import parse_pasted_roster
from bot.duty.roster import DutyShift, LineError, Post, RosterFileError, RosterReading
from bot.duty.template import TEMPLATE_PATH, write_roster_template
from bot.duty.workbook import ROSTER_COLUMNS, read_roster_xlsx

__all__ = [
    "ROSTER_COLUMNS",
    "TEMPLATE_PATH",
    "DutyShift",
    "LineError",
    "Post",
    "RosterFileError",
    "RosterReading",
    "parse_pasted_roster",
    "read_roster_xlsx",
    "write_roster_template",
]
