"""Starting the program for real: what a user sees in the terminal when something is off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh shell: no DUBAN_* settings, the repository importable."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DUBAN_")}
    env["PYTHONPATH"] = str(REPO)
    return env | extra


def test_output_cut_short_by_the_reader_ends_quietly(tmp_path) -> None:
    """`python -m bot demo | head -1`: the reader closes the pipe before the output is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `head` after the first line
    err = process.stderr.read()
    process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert err == ""
