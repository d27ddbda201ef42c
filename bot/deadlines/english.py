"""The last resort for English text the rules do not read (next Friday, 30 June): dateparser."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.deadlines._context import _Context
from bot.deadlines.clock import _Clock

if TYPE_CHECKING:
    from dateparser.date import DateDataParser


_LETTER = re.compile(r"[a-z]")


def _without(text: str, clocks: list[_Clock]) -> str:
    for clock in reversed(clocks):
        text = text[: clock.start] + text[clock.end :]
    return text


@lru_cache(maxsize=4)
def _english_parser(relative_base: datetime) -> DateDataParser:
    # Imported here: dateparser takes a tenth of a second to load and most
    # deadlines never reach it.
    from dateparser.date import DateDataParser

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": relative_base,
        # Tells "30 June" (period "day") from "5pm" (period "time").
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


def _parse_english(text: str, ctx: _Context) -> datetime | None:
    """tomorrow 5pm, next Friday, 30 June: dateparser, for what the rules do not read."""
    data = _english_parser(ctx.now.replace(tzinfo=None)).get_date_data(text)
    parsed = data["date_obj"]
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ctx.now.tzinfo)
    if data["period"] not in ("time", "part_of_day"):
        return datetime.combine(parsed.date(), ctx.end_of_day, tzinfo=ctx.now.tzinfo)
    return parsed.replace(tzinfo=ctx.now.tzinfo)
