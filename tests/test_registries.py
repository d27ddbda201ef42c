"""One home per feature: features register themselves; the shared mechanisms name none.

The handlers' dispatch and the scan's planners are registries each feature
fills in its own `register`; these tests keep it so by reading the imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jobs import PASS_ORDER, scan
from jobs.scan import plan_now
from tests.conftest import local
from tests.factories import make_county, make_task

ROOT = Path(__file__).resolve().parent.parent
# What every handler module may use: the wrapper, the registries, the command list.
SHARED_HANDLERS = {"handlers.context", "handlers.dispatch", "handlers.menu"}
# The domains that plan or answer something of their own. The scan reads who can be
# reached (accounts), working days (calendar) and writes rows (outbox) for all of them.
FEATURES = ("ledger", "progress", "duty", "reports", "excel", "demo", "office")


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            # `from handlers import duty` imports the module handlers.duty
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "handlers").glob("*.py")),
    ids=lambda path: path.name,
)
def test_no_handler_module_imports_another_features_handlers(path: Path) -> None:
    if path.name == "__init__.py":
        return  # the wiring: it registers them all, in order
    own = f"handlers.{path.stem}"
    others = (
        {
            f"handlers.{other.stem}"
            for other in (ROOT / "handlers").glob("*.py")
            if other.name != "__init__.py"
        }
        - SHARED_HANDLERS
        - {own}
    )
    assert imported(path) & others == set()


@pytest.mark.parametrize(
    "path",
    [
        "jobs/scan.py",
        "jobs/outbox.py",
        *sorted(f"bot/outbox/{p.name}" for p in (ROOT / "bot" / "outbox").glob("*.py")),
    ],
)
def test_the_scan_and_the_sender_import_no_feature(path: str) -> None:
    modules = imported(ROOT / path)
    features = {
        module
        for module in modules
        if module.startswith("handlers")
        or any(
            module == f"{layer}.{feature}" or module.startswith(f"{layer}.{feature}.")
            for layer in ("bot", "jobs")
            for feature in FEATURES
        )
    }
    assert features == set()
    assert "jobs.planning" not in modules


def test_a_pass_registers_every_features_planners_when_nothing_did(
    runtime, session, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(scan, "_planners", {})  # as `python -m bot send` starts
    county = make_county(session)
    make_task(session, county, deadline=local(2026, 5, 6, 18), now=local(2026, 4, 1, 9))
    assert plan_now(runtime, local(2026, 5, 6, 9, 0)) > 0  # the due day: a reminder
    assert scan.planners() == list(PASS_ORDER)


async def test_two_features_cannot_claim_one_button_or_planner(bot_app) -> None:  # type: ignore[no-untyped-def]
    from bot.ledger.extensions import DECIDE
    from handlers.dispatch import add_button
    from jobs.ledger import REMINDERS

    with pytest.raises(ValueError, match="registered twice"):
        add_button(DECIDE, lambda call, button: "另一个功能")
    with pytest.raises(ValueError, match="registered twice"):
        scan.add_planner(REMINDERS, lambda step: 0)
