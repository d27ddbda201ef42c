"""About a thousand hand-worked phrases (tests/deadline_phrases.py), grouped by `now`.

One test per `now` lists every phrase that reads differently from what was
worked out by hand, so a regression shows all its victims at once.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.deadlines import DeadlineError, parse_deadline
from tests.conftest import SHANGHAI
from tests.deadline_phrases import NOWS, PHRASES


def read(phrase: str, now: datetime) -> str | None:
    try:
        return parse_deadline(phrase, now).strftime("%Y-%m-%d %H:%M")
    except DeadlineError:
        return None


@pytest.mark.parametrize("key", sorted(NOWS))
def test_every_phrase_reads_as_worked_out_by_hand(key: str) -> None:
    now = datetime.fromisoformat(NOWS[key]).replace(tzinfo=SHANGHAI)
    cases = [(phrase, expected) for k, phrase, expected in PHRASES if k == key]
    assert len(cases) >= 15
    wrong = [
        f"{phrase!r}: expected {expected}, got {got}"
        for phrase, expected in cases
        if (got := read(phrase, now)) != expected
    ]
    assert wrong == []


def test_the_corpus_covers_refusals_too() -> None:
    refused = [phrase for _, phrase, expected in PHRASES if expected is None]
    assert len(refused) >= 50
    assert len(PHRASES) >= 900
