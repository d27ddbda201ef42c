"""About a thousand hand-worked phrases (tests/deadline_phrases.py), grouped by `now`.

One test per `now` lists every phrase that reads differently from what was
worked out by hand, so a regression shows all its victims at once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.calendar.deadlines import DeadlineError, parse_deadline
from bot.calendar.workcalendar import WorkCalendar, YearStatus
from tests.deadline_phrases import CALENDAR, KNOWN_YEARS, NOWS, PHRASES, publish_2027

SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(phrase: str, now: datetime, calendar: WorkCalendar = CALENDAR) -> str | None:
    try:
        return parse_deadline(phrase, now, calendar=calendar).strftime("%Y-%m-%d %H:%M")
    except DeadlineError:
        return None


def moment(key: str) -> datetime:
    return datetime.fromisoformat(NOWS[key]).replace(tzinfo=SHANGHAI)


def misread(calendar: WorkCalendar, key: str | None = None) -> list[str]:
    return [
        f"{k} {phrase!r}: expected {expected}, got {got}"
        for k, phrase, expected in PHRASES
        if key in (None, k) and (got := read(phrase, moment(k), calendar)) != expected
    ]


@pytest.mark.parametrize("key", sorted(NOWS))
def test_every_phrase_reads_as_worked_out_by_hand(key: str) -> None:
    assert misread(CALENDAR, key) == []


def test_every_row_has_a_known_now_and_every_now_has_rows() -> None:
    # A row with a mistyped key would be checked by no test above.
    assert {key for key, _, _ in PHRASES} == set(NOWS)


def test_no_phrase_is_worked_out_twice_differently() -> None:
    expected: dict[tuple[str, str], str | None] = {}
    conflicts = [
        (key, phrase)
        for key, phrase, result in PHRASES
        if expected.setdefault((key, phrase), result) != result
    ]
    assert conflicts == []


def test_every_expected_deadline_is_after_its_now() -> None:
    # parse_deadline refuses the past: an expectation at or before its now is a slip.
    slips = [
        (key, phrase, result)
        for key, phrase, result in PHRASES
        if result is not None
        and datetime.fromisoformat(result).replace(tzinfo=SHANGHAI) <= moment(key)
    ]
    assert slips == []


def test_a_release_that_publishes_2027_changes_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    publish_2027(monkeypatch)
    upgraded = WorkCalendar()
    assert upgraded.year_status(2027) == YearStatus.OFFICIAL
    # The simulated release is different enough to matter: 春节 from 2月6日, not 2月5日 …
    assert read("春节前", moment("A"), upgraded) == "2027-02-05 18:00"
    assert misread(upgraded) != []
    # … and a calendar pinned to the corpus's years does not see it.
    pinned = WorkCalendar(official_years=KNOWN_YEARS)
    assert pinned.year_status(2027) == YearStatus.ASSUMED
    assert misread(pinned) == []
