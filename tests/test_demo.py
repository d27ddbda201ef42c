"""The demo's sample county is consistent, and the check would notice if it were not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.demo import data as demo_data
from bot.demo.data import DEMO_TASKS, DEMO_UNITS, check_demo_data


def test_the_sample_county_is_consistent() -> None:
    check_demo_data()


def test_the_check_catches_a_duplicate_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_data, "DEMO_UNITS", [*DEMO_UNITS, DEMO_UNITS[0]])
    with pytest.raises(AssertionError, match="duplicate unit names"):
        check_demo_data()


def test_the_check_catches_a_milestone_after_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    index, task = next((i, t) for i, t in enumerate(DEMO_TASKS) if t.milestones)
    late = replace(task.milestones[0], due_in_days=task.due_in_days + 1)
    broken = replace(task, milestones=(late, *task.milestones[1:]))
    tasks = list(DEMO_TASKS)
    tasks[index] = broken
    monkeypatch.setattr(demo_data, "DEMO_TASKS", tasks)
    with pytest.raises(AssertionError, match="after deadline"):
        check_demo_data()
