"""Each hostile file shape through the real commands: time and peak memory of the refusal.

    python -m benchmarks.bench_hostile_files

Every shape is built in a temporary folder, then `python -m bot import FILE` and
`python -m bot roster check FILE` run on it in a fresh process each (a
throwaway SQLite database), which reports its own wall time and peak resident memory (VmHWM).
The bar (issue 16): each refused within 3 s and under 300 MB, nothing written.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.hostile_files import SHAPES

CHILD = """
import json, sys, time, io, contextlib
from bot.cli import main
err = io.StringIO()
start = time.perf_counter()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across exec.
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak,
                  "said": err.getvalue().strip().splitlines()[:1]}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        env = {"DUBAN_DATABASE_URL": f"sqlite:///{base / 'bench.sqlite3'}", "PATH": ""}
        print(f"{'shape':<28} {'command':<13} {'size':>9} {'exit':>4} {'s':>6} {'MB':>6}  said")
        for name, build in SHAPES.items():
            path = build(base / "hostile.xlsx")
            size = f"{path.stat().st_size / 1024:.0f} KB"
            for command in (["import"], ["roster", "check"]):
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, *command, str(path)],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                said = result["said"][0] if result["said"] else ""
                print(
                    f"{name:<28} {' '.join(command):<13} {size:>9} {result['code']:>4} "
                    f"{result['seconds']:>6.2f} {result['peak_mb']:>6.0f}  {said[:70]}"
                )
            path.unlink()


if __name__ == "__main__":
    main()
