"""A live run, not a benchmark: `python -m bot` as a process against a Bot API on loopback.

    python -m benchmarks.live_notices            # needs `faketime` (Debian: faketime)

Two supervisors, the first of whom blocked the bot (the fake Bot API answers 403
for that chat). A township liaison opens a card, presses 申请延期 and replies with
a date: the request must reach the second supervisor, the first's chat must be
marked, and the approval must reach the liaison. Then a second request is made
while the second supervisor's chat hangs; the bot is killed with SIGKILL after
the commit, while the notice is in flight, and started again under libfaketime
six minutes later (past the claim's lease): the notice arrives, once.

Everything talks to 127.0.0.1 only. Prints each step and exits 0 when all hold.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from db.models import ChatBinding, OutboxKind, OutboxMessage, Person, Role, Task, Unit, UnitKind

TOKEN = "123456789:AAHlivenoticesxxxxxxxxxxxxxxxxxxxxx"
BLOCKED_SUPERVISOR, SUPERVISOR, LIAISON = 1001, 1002, 201
BLOCKED = "Forbidden: bot was blocked by the user"
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


class FakeBotApi:
    """getUpdates from a queue; sendMessage recorded, refused (403) or left hanging."""

    def __init__(self) -> None:
        self.updates: queue.Queue[dict[str, Any]] = queue.Queue()
        self.sent: list[dict[str, Any]] = []
        self.refused: list[int] = []
        self.blocked: set[int] = set()
        self.hanging: set[int] = set()
        self.hung = threading.Event()
        self.lock = threading.Lock()
        self._ids = count(100)
        self._update_ids = count(1)
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                status, answer = api.answer(self.path.rsplit("/", 1)[-1], params)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot was killed while it waited for this answer

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getMe":
            me = {"id": 123456789, "is_bot": True, "first_name": "督办", "username": "duban_bot"}
            return 200, {"ok": True, "result": me}
        if method == "getUpdates":
            try:
                return 200, {"ok": True, "result": [self.updates.get(timeout=1)]}
            except queue.Empty:
                return 200, {"ok": True, "result": []}
        if method != "sendMessage":
            return 200, {"ok": True, "result": True}
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            with self.lock:
                self.refused.append(chat_id)
            return 403, {"ok": False, "error_code": 403, "description": BLOCKED}
        if chat_id in self.hanging:
            self.hung.set()
            time.sleep(3600)  # the bot is killed while it waits
        message_id = next(self._ids)
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        with self.lock:
            self.sent.append(
                {
                    "chat": chat_id,
                    "id": message_id,
                    "text": params.get("text", ""),
                    "buttons": _buttons(markup),
                }
            )
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": params.get("text", ""),
        }
        return 200, {"ok": True, "result": message}

    def push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        self.updates.put(update)

    def wait_for(self, chat: int, test: Callable[[str], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.sent:
                    if message["chat"] == chat and test(message["text"]):
                        return message
            time.sleep(0.1)
        raise SystemExit(f"FAILED: {chat} never got {what}")

    def count(self, chat: int, test: Callable[[str], bool]) -> int:
        with self.lock:
            return sum(1 for m in self.sent if m["chat"] == chat and test(m["text"]))


def _buttons(markup: dict[str, Any] | None) -> dict[str, str]:
    if not markup:
        return {}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "李娜"}


def message(user_id: int, text: str, reply_to: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 1_000_000,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": _user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        body["reply_to_message"] = {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "text": "…",
        }
    return {"message": body}


def press(user_id: int, data: str, message_id: int) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(time.time_ns()),
            "from": _user(user_id),
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "text": "…",
            },
        }
    }


def seed(url: str) -> None:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        unit = Unit(name="乡镇A", kind=UnitKind.TOWNSHIP)
        session.add(unit)
        session.flush()
        session.add_all(
            [
                Person(name="督查一", role=Role.SUPERVISOR, telegram_user_id=BLOCKED_SUPERVISOR),
                Person(name="督查二", role=Role.SUPERVISOR, telegram_user_id=SUPERVISOR),
                Person(name="李娜", role=Role.MEMBER, unit_id=unit.id, telegram_user_id=LIAISON),
            ]
        )
        for n, title in ((1, "污水管网改造"), (2, "农村改厕")):
            session.add(
                Task(
                    code=f"DB-000{n}",
                    title=title,
                    lead_unit_id=unit.id,
                    deadline=now + timedelta(days=20),
                    created_at=now,
                    announced_at=now,  # given out before: this run is about the notices
                )
            )
        session.commit()
    engine.dispose()


def start(env: dict[str, str], faketime: str | None = None) -> subprocess.Popen[bytes]:
    """The bot as a process; with `faketime`, under libfaketime preloaded into it (the
    `faketime` wrapper forks, so a SIGKILL sent to it would miss the bot)."""
    if faketime:
        env = {**env, "LD_PRELOAD": LIBFAKETIME, "FAKETIME": faketime}
    command = [sys.executable, "-m", "bot"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def request_extension(api: FakeBotApi, code: str) -> None:
    api.push(message(LIAISON, f"/task {code}"))
    card = api.wait_for(LIAISON, lambda t: t.startswith(f"📌 {code}") or code in t[:20], "card")
    api.push(press(LIAISON, card["buttons"]["申请延期"], card["id"]))
    ask = api.wait_for(LIAISON, lambda t: f"写 {code} 新的截止时间" in t, "the prompt")
    api.push(message(LIAISON, "6月30日前，设备到货推迟", reply_to=ask["id"]))
    api.wait_for(LIAISON, lambda t: t.startswith(f"已提交延期申请：{code}"), "the answer")


def main() -> int:
    if not Path(LIBFAKETIME).exists():
        print("需要 faketime（Debian: apt install faketime）")
        return 2
    api = FakeBotApi()
    api.blocked.add(BLOCKED_SUPERVISOR)
    folder = Path(tempfile.mkdtemp(prefix="duban-live-"))
    url = f"sqlite:///{folder / 'duban.sqlite3'}"
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
    seed(url)
    bot = start(env)
    try:
        request_extension(api, "DB-0001")
        request = api.wait_for(SUPERVISOR, lambda t: "延期申请：DB-0001" in t, "the request")
        print("1. the request reached the second supervisor:", request["text"].splitlines()[0])
        engine = create_engine(url)
        with Session(engine) as session:
            marked = session.scalar(
                select(ChatBinding.disabled_at).where(ChatBinding.chat_id == BLOCKED_SUPERVISOR)
            )
        assert BLOCKED_SUPERVISOR in api.refused and marked is not None
        print("2. the first supervisor's chat refused it (403) and is marked at", marked)
        api.push(press(SUPERVISOR, request["buttons"]["批准"], request["id"]))
        told = api.wait_for(LIAISON, lambda t: "批准了 DB-0001" in t, "the decision")
        print("3. the decision reached the liaison:", told["text"])

        api.hanging.add(SUPERVISOR)
        request_extension(api, "DB-0002")
        if not api.hung.wait(30):
            raise SystemExit("FAILED: the second notice was never sent")
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        with Session(engine) as session:
            state = session.scalar(
                select(OutboxMessage.state).where(
                    OutboxMessage.kind == OutboxKind.NOTICE,
                    OutboxMessage.chat_id == SUPERVISOR,
                    OutboxMessage.text.contains("DB-0002"),
                )
            )
        print(f"4. killed with SIGKILL while the notice was in flight; its row is {state!r}")
        api.hanging.clear()
        bot = start(env, faketime="+6m")  # past the five-minute lease
        api.wait_for(SUPERVISOR, lambda t: "延期申请：DB-0002" in t, "the request after restart")
        time.sleep(5)  # two more scans: a repeat would show now
        copies = api.count(SUPERVISOR, lambda t: "延期申请：DB-0002" in t)
        assert copies == 1, copies
        print(f"5. restarted six minutes later (faketime): delivered, {copies} copy")
        print("ALL HELD")
        return 0
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
