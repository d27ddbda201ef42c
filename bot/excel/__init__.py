"""The ledger as `.xlsx`: the template, import (all rows or nothing) and export.

Import reads the columns supervision offices already keep (编号 optional, 事项,
牵头单位, 配合单位, 包联领导, 截止时间, 节点, 备注) and, when present, the extra
columns that export writes (来源, 状态, 进度, 需协调, 最近进展, 最近进展时间), so
export → import gives the same ledger. Every row is checked before anything is
written; one bad row means nothing is written and every error is reported with
its row.

A cell naming several lead units (县住建局、县交通运输局) keeps the first as the lead
unit (it receives reminders and reports progress; a task has one) and the others
as cooperating units; several leaders keep the first as 包联领导 (escalations go
to one person) and the others in 备注. Both are listed as warnings. A row without
编号 is the task with the same lead unit and title (names folded), so re-imports
converge.

- `columns`: the column names, their aliases, and the words cells may hold;
- `headers`: opening a workbook, finding a header row, mapping it to columns
  (shared with the roster's reader, `bot.duty.workbook`);
- `sheets`: which sheet is the ledger, and where its columns are;
- `reading`: one file → checked `LedgerRow`s and `RowError`s, no database;
- `importing`: checked rows → tasks, in one transaction;
- `offer`: a ledger sent as a file (in chat): what importing it would do, then doing it;
- `writing`: the template and the export.
"""

from bot.excel.columns import EXPORT_COLUMNS, TEMPLATE_COLUMNS
from bot.excel.importing import ImportResult, import_ledger
from bot.excel.reading import LedgerRow, LedgerSheet, RowError, read_ledger
from bot.excel.sheets import LedgerFileError, NotALedgerError
from bot.excel.writing import export_ledger, write_template

__all__ = [
    "EXPORT_COLUMNS",
    "TEMPLATE_COLUMNS",
    "ImportResult",
    "LedgerFileError",
    "LedgerRow",
    "LedgerSheet",
    "NotALedgerError",
    "RowError",
    "export_ledger",
    "import_ledger",
    "read_ledger",
    "write_template",
]
