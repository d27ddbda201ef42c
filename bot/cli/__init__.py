"""`python -m bot [command]`: run the bot, or work on the ledger from a terminal.

Each family of commands is one module here, holding its arguments and its
handlers: `run` (run, migrate, demo), `ledger` (import, export, template,
status), `reports` (chart, bulletin), `outbox` (send, outbox), `duty` (roster),
`calendar` (holiday), `people` (people, invitations).
A handler gets an `Invocation` and returns the exit code; one that touches the
database opens one session and commits it once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from bot.cli import calendar, duty, ledger, outbox, people, reports, run
from bot.cli.invocation import Clock, Command, Invocation, database_trouble
from bot.cli.parsing import ChineseArgumentParser
from bot.settings import SettingsError, env_file_problems, load_settings, load_settings_for
from db.migrate import SchemaTooNew

# Commands that read only these settings are not stopped by a bad value of another
# (the others read most of them: every setting blocks them, as it blocks the bot).
CALENDAR_SETTINGS = frozenset({"database_url", "timezone"})
SETTINGS_USED = {
    "holiday": CALENDAR_SETTINGS,
    "roster": CALENDAR_SETTINGS | {"duty_day_start", "duty_day_end", "roster_deadline_workdays"},
}

# In the order `python -m bot -h` lists their commands.
FAMILIES = (run, ledger, reports, outbox, duty, calendar, people)

COMMANDS: dict[str, Command] = {
    name: handler for family in FAMILIES for name, handler in family.COMMANDS.items()
}


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="python -m bot",
        description="督办 duban：县督查室督查督办机器人。不带子命令时启动机器人。",
    )
    commands = parser.add_subparsers(dest="command", metavar="子命令")
    for family in FAMILIES:
        family.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run one command; `clock` replaces the wall clock (tests pass a fixed one)."""
    try:
        try:
            return _command(argv, clock)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not in Python's shutdown
    except BrokenPipeError:
        # The reader went away (`python -m bot demo | head`). As the Python docs
        # advise (signal module, "Note on SIGPIPE"), point stdout at devnull so the
        # interpreter's own final flush stays quiet, and stop.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _command(argv: Sequence[str] | None, clock: Clock | None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    for note in env_file_problems():
        print(note, file=sys.stderr)
    try:
        if command in SETTINGS_USED:
            settings, notes = load_settings_for(SETTINGS_USED[command])
            for note in notes:
                print(note, file=sys.stderr)
        else:
            settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    from bot.excel.limits import configure
    from bot.runtime import file_limits

    configure(file_limits(settings))  # files read without a database are bounded too
    if clock is None:
        from db.models import utcnow

        clock = utcnow
    handler = COMMANDS[command]
    try:
        return handler(Invocation(settings, args, clock))
    except DBAPIError as error:
        print(database_trouble(settings.database_url, error), file=sys.stderr)
        return 1
    except SchemaTooNew as error:
        print(error, file=sys.stderr)
        return 1
