"""Soak: the bot and two `python -m bot send` workers on one PostgreSQL database, under faults.

    python -m benchmarks.soak_outbox postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python -m benchmarks.soak_outbox URL --mixes 0,10,30 --seed 7

For each fault mix (the share of sendMessage calls that go wrong) a scratch
database gets 1,530 rows due at once: 600 reminders (three to each of 200
chats, merged per chat), 600 escalations (two to each of 300 chats), 330 digests
(300 to those chats, 30 to groups). Three processes send them through a Bot API
fake on 127.0.0.1 that answers, in equal shares of the faults: 429 (retry_after
5-20 s), a JSON 500, an HTML 502, an HTML page with status 200, a connection
reset, a slow accept (the message is taken but answered after the client gave
up) and accept-then-drop (taken, then the connection closed); besides, 5 % of
answers are slow but in time. A worker is killed with SIGKILL at 10 s (and
started again at 13 s); the other is stopped with SIGSTOP at 20 s and continued
past its lease. The processes run under libfaketime on a Tuesday at 10:00 in
Shanghai (reminders and digests wait for working hours), with the lease scaled
down to 60 s and the first retry to 5 s so a run takes minutes, not an hour.

The fake tells, per row (each row's text carries a tag): delivered, lost (must
be 0), repeated (must not exceed the ambiguous faults, i.e. slow accepts and
accept-then-drops, plus the two interruptions, and is 0 with neither), the
combined peak rate over any second, sends to a chat inside a retry_after it
gave (must be 0), and the time to drain. Exits 1 if a bound does not hold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

TOKEN = "123456789:AAHsoakoutboxxxxxxxxxxxxxxxxxxxxxxxx"
LEASE_SECONDS = 60
FIRST_RETRY = 5
TUESDAY_10AM = datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FAULTS = ("429", "500", "html502", "html200", "reset", "slow_accept", "accept_drop")
AMBIGUOUS = ("slow_accept", "accept_drop")  # taken by Telegram, but the sender cannot know
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
TAG = re.compile(r"\[(r\d+)\]")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a killed worker resets its connections: expected here


class FaultyBotApi:
    """sendMessage with injected faults; records what was taken, when, and every wait it set."""

    def __init__(self, share: float, seed: int) -> None:
        self.share = share
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.taken: Counter[str] = Counter()  # row tag → times delivered to its chat
        self.repeated = 0  # messages taken whose rows had all been taken before
        self.arrivals: list[float] = []  # every sendMessage request, monotonic seconds
        self.faults: Counter[str] = Counter()
        self.waits: dict[int, float] = {}  # chat → until (monotonic) it was told to wait
        self.inside_wait = 0
        self._ids = count(1)
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                answer = api.answer(self.path.rsplit("/", 1)[-1], params)
                if answer is None:  # reset or dropped: no answer at all
                    self.close_connection = True
                    return
                status, content_type, data = answer
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up or was killed

            do_GET = do_POST

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def _json(status: int, payload: Any) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps(payload).encode()

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, str, bytes] | None:
        if method == "getMe":
            me = {"id": 123456789, "is_bot": True, "first_name": "督办", "username": "duban_bot"}
            return self._json(200, {"ok": True, "result": me})
        if method == "getUpdates":
            time.sleep(1)
            return self._json(200, {"ok": True, "result": []})
        if method != "sendMessage":
            return self._json(200, {"ok": True, "result": True})
        chat = int(params["chat_id"])
        tags = TAG.findall(params.get("text", ""))
        now = time.monotonic()
        with self.lock:
            self.arrivals.append(now)
            if self.waits.get(chat, 0) > now:
                self.inside_wait += 1
            roll = self.rng.random()
            fault = FAULTS[int(roll / self.share * len(FAULTS))] if roll < self.share else None
            slow = fault is None and self.rng.random() < 0.05
            retry_after = self.rng.randint(5, 20)
            if fault:
                self.faults[fault] += 1
            if fault == "429":
                self.waits[chat] = now + retry_after
            if fault in (None, *AMBIGUOUS):
                if tags and all(self.taken[tag] for tag in tags):
                    self.repeated += 1
                self.taken.update(tags)
        if fault == "429":
            return self._json(
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
            )
        if fault == "500":
            return self._json(500, {"ok": False, "error_code": 500, "description": "Internal"})
        if fault in ("html502", "html200"):
            page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
            return (502 if fault == "html502" else 200), "text/html", page
        if fault in ("reset", "accept_drop"):
            return None
        if fault == "slow_accept":
            time.sleep(7)  # past the client's 5 s read timeout
        elif slow:
            time.sleep(1.5)
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "group", "title": "群"},
            "text": params.get("text", ""),
        }
        return self._json(200, {"ok": True, "result": message})

    def peak(self, seconds: float) -> float:
        """The most sendMessage requests in any window of `seconds`, per second."""
        times = sorted(self.arrivals)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while times[start] <= moment - seconds:
                start += 1
            best = max(best, end - start + 1)
        return best / seconds


def rows_due() -> list[dict[str, Any]]:
    """1,530 rows due at once: reminders, escalations and digests, each text tagged."""
    due = TUESDAY_10AM.astimezone(UTC)
    rows: list[dict[str, Any]] = []

    def add(kind: str, chat: int, line: str) -> None:
        tag = f"r{len(rows)}"
        rows.append(
            {
                "key": f"soak:{tag}",
                "chat_id": chat,
                "kind": kind,
                "text": f"{line} [{tag}]",
                "due_at": due,
                "next_try_at": due,
                "state": "pending",
                "attempts": 0,
                "channel": "telegram",
                "created_at": due,
            }
        )

    members = [2_000_000 + n for n in range(200)]
    leaders = [3_000_000 + n for n in range(300)]
    for n in range(600):
        add("reminder", members[n % 200], f"🟡 DB-{n:04d} 第{n}项 · 今天到期")
    for n in range(600):
        add("escalation", leaders[n % 300], f"⚠️ 您包联的事项已逾期：DB-{n:04d}")
    for n, chat in enumerate([*members, *leaders[:100], *(-1_000_000 - g for g in range(30))]):
        add("digest", chat, f"📋 今日督办提醒 {n}")
    return rows


def scratch(server_url: str, name: str) -> str:
    url = make_url(server_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def start(env: dict[str, str], offset: int, role: str, log: Path) -> subprocess.Popen[bytes]:
    """The process itself under libfaketime (not the `faketime` wrapper, which forks: a
    signal to the wrapper would leave the sender running)."""
    env = {**env, "LD_PRELOAD": LIBFAKETIME, "FAKETIME": f"{offset:+d}"}
    command = [sys.executable, "-m", "benchmarks.soak_outbox", "--worker", role]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def worker(role: str) -> int:
    """Inside a sending process: the scaled-down lease and first retry, then the real CLI."""
    from bot.cli import main
    from bot.outbox import delivery
    from jobs import outbox

    delivery.LEASE = outbox.LEASE = timedelta(seconds=LEASE_SECONDS)
    outbox.BACKOFF = FIRST_RETRY
    return main(["send"] if role == "send" else ["run"])


def soak(server_url: str, percent: int, seed: int) -> bool:
    from db.models import OutboxMessage, OutboxState

    api = FaultyBotApi(percent / 100, seed)
    url = scratch(server_url, f"duban_soak_{percent}")
    folder = Path(tempfile.mkdtemp(prefix="duban-soak-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        DUBAN_TELEGRAM_TOKEN=TOKEN,
        DUBAN_TELEGRAM_API_URL=api.url,
        DUBAN_DATABASE_URL=url,
        DUBAN_SCAN_INTERVAL="2",
    )
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    engine = create_engine(url)
    due = rows_due()
    with Session(engine) as session:
        session.execute(OutboxMessage.__table__.insert(), due)
        session.commit()
    offset = int((TUESDAY_10AM - datetime.now(UTC)).total_seconds())
    logs = {role: folder / f"{role}.log" for role in ("bot", "send-a", "send-b")}
    processes = {role: start(env, offset, role.split("-")[0], logs[role]) for role in logs}
    started = time.monotonic()
    events = [
        (10.0, "kill", "send-a"),
        (13.0, "restart", "send-a"),
        (20.0, "stop", "send-b"),
        (20.0 + LEASE_SECONDS + 10, "continue", "send-b"),
    ]
    drained_at = None
    try:
        while time.monotonic() - started < 900:
            elapsed = time.monotonic() - started
            while events and events[0][0] <= elapsed:
                _, verb, role = events.pop(0)
                if verb == "kill":
                    processes[role].send_signal(signal.SIGKILL)
                    processes[role].wait()
                elif verb == "restart":
                    processes[role] = start(env, offset, "send", logs[role])
                else:
                    stop = verb == "stop"
                    processes[role].send_signal(signal.SIGSTOP if stop else signal.SIGCONT)
            with Session(engine) as session:
                waiting = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.state.in_(["pending", "failed", "sending"]))
                )
            if not waiting and drained_at is None:
                drained_at = time.monotonic() - started
            if drained_at is not None and not events:
                time.sleep(5)  # the resumed worker's late writes, and any repeat, show now
                break
            time.sleep(0.5)
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    with Session(engine) as session:
        states = Counter(
            dict(session.execute(select(OutboxMessage.state, func.count()).group_by("state")).all())
        )
    engine.dispose()
    tags = {row["text"].rsplit("[", 1)[1].rstrip("]") for row in due}
    delivered = sum(1 for tag in tags if api.taken[tag])
    repeated = api.repeated  # messages: a merged reminder sent twice is one repeat
    ambiguous = sum(api.faults[f] for f in AMBIGUOUS)
    interruptions = 2  # one kill -9, one SIGSTOP past the lease
    tracebacks = {role: logs[role].read_text(errors="replace").count("Traceback") for role in logs}
    lost = len(due) - delivered
    print(
        f"{percent:>3} % faults: {len(due):,} rows due, {delivered:,} delivered, {lost} lost, "
        f"{repeated} repeated (bound {ambiguous} ambiguous + {interruptions} interruptions), "
        f"peak {api.peak(1):.0f} msg/s in a second, {api.peak(10):.1f} over 10 s, "
        f"{api.inside_wait} sends inside a retry_after, "
        f"drained in {drained_at or float('nan'):.0f} s; faults {dict(api.faults)}; "
        f"rows {dict(states)}; tracebacks in logs {tracebacks}"
    )
    holds = (
        lost == 0
        and repeated <= ambiguous + interruptions
        and (percent or repeated <= interruptions)
        and api.inside_wait == 0
        and states.get(OutboxState.SENT, 0) == len(due)
        and drained_at is not None
    )
    if holds:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"     a bound did not hold; logs kept in {folder}")
    return bool(holds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a PostgreSQL server URL")
    parser.add_argument("--mixes", default="0,10,30", help="fault shares in percent")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    if not args.url or not Path(LIBFAKETIME).exists():
        print("需要 PostgreSQL 的地址和 faketime（Debian: apt install faketime）")
        return 2
    results = [soak(args.url, int(mix), args.seed) for mix in args.mixes.split(",")]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
