"""Benchmark: import, export, re-import the export, and import the same file again
(a 10,000-row ledger without 编号).

    python -m benchmarks.bench_import            # SQLite (temporary file)
    python -m benchmarks.bench_import postgresql+psycopg://postgres@127.0.0.1/test

With a PostgreSQL URL a fresh database is created next to the given one and
dropped afterwards.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.calendar.workcalendar import OFFICIAL_CALENDAR
from bot.excel import TEMPLATE_COLUMNS, export_ledger, import_ledger
from bot.ledger.lights import yellow_cutoff
from db.scratch import scratch_database
from db.session import make_session_factory

ROWS = 10_000
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def write_ledger(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_COLUMNS)
    for number in range(ROWS):
        sheet.append(
            [
                "",
                f"督办事项{number}",
                f"单位{number % 300:03d}",
                f"单位{(number + 1) % 300:03d}、单位{(number + 2) % 300:03d}",
                f"领导{number % 40}",
                "2026-06-30" if number % 5 == 0 else "2027-03-31",
                "2026-12-31 节点一\n2027-02-28 节点二",
                "全年目标",
            ]
        )
    workbook.save(path)


def timed(label: str, action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


def main(url: str | None) -> None:
    options = {"now": NOW, "zone": ZONE, "calendar": OFFICIAL_CALENDAR, "end_of_day": clock(18)}
    with scratch_database(url) as engine, tempfile.TemporaryDirectory() as folder:
        sessions = make_session_factory(engine)
        ledger, exported = Path(folder) / "ledger.xlsx", Path(folder) / "export.xlsx"
        write_ledger(ledger)
        print(f"{engine.dialect.name}, {ROWS} rows, 300 units, 40 leaders")
        with sessions() as session:

            def import_and_commit():  # type: ignore[no-untyped-def]
                imported = import_ledger(session, ledger, **options)
                session.commit()  # the caller owns the transaction, as the CLI does
                return imported

            result = timed("import (new tasks)", import_and_commit)
            assert len(result.created) == ROWS, result.errors[:3]
        with sessions() as session:
            cutoff = yellow_cutoff(NOW, OFFICIAL_CALENDAR, 3, ZONE)
            timed(
                "export",
                lambda: export_ledger(session, exported, now=NOW, zone=ZONE, yellow_until=cutoff),
            )
        with sessions() as session:
            again = timed(
                "re-import (unchanged)", lambda: import_ledger(session, exported, **options)
            )
            assert again.unchanged == ROWS
        with sessions() as session:
            # The office's own file again: rows without 编号 match by lead unit and title.
            same = timed(
                "second import of the same file (unchanged)",
                lambda: import_ledger(session, ledger, **options),
            )
            assert same.unchanged == ROWS and not same.created, (same.created[:3], same.errors[:3])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
