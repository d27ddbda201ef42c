"""A live run, not a benchmark: the office's loop with `python -m bot` as a process
against a Bot API on loopback, under libfaketime.

    python -m benchmarks.live_office             # needs `faketime` (Debian: faketime)

Wednesday 2026-04-29 10:00 (Asia/Shanghai): the office imports three tasks with
`python -m bot import` (a process with no bot), two for 乡镇A and one for 乡镇C,
whom nobody has bound. The bot, started under faketime, announces them: one
merged notice to 乡镇A's liaison, one to the leader, and the supervisors hear
that 乡镇C cannot be reached. The liaison signs all by replying “收到”, asks for
an extension, which one supervisor approves: the liaison is told and the other
supervisor's copy is edited. The leader's reply to his notice is a 批示,
forwarded to the liaison, whose reply to it is a report. /pending lists DB-0001
(reported done) with 销号, which the liaison hears of. Then the bot is stopped
and started again on Thursday 10:01: the leader, who never signed, is chased
once, and the supervisors' list says who has not signed.

Everything talks to 127.0.0.1 only. Prints each step and exits 0 when all hold.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from benchmarks.live_notices import TOKEN, FakeBotApi, message, press
from bot.excel import TEMPLATE_COLUMNS
from db.models import Person, Role, Unit, UnitKind

SUPERVISOR, SUPERVISOR2, LIAISON, LEADER = 1001, 1002, 201, 401
WEDNESDAY, THURSDAY = "@2026-04-29 10:00:00", "@2026-04-30 10:01:00"


class OfficeBotApi(FakeBotApi):
    """The notices' fake Bot API, which also takes edits (a decided request's copies)."""

    def __init__(self) -> None:
        super().__init__()
        self.edited: list[dict[str, Any]] = []

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "editMessageText":
            with self.lock:
                self.edited.append(params)
            body = {
                "message_id": int(params["message_id"]),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
            return 200, {"ok": True, "result": body}
        return super().answer(method, params)


def seed(url: str, folder: Path) -> Path:
    engine = create_engine(url)
    with Session(engine) as session:
        town_a = Unit(name="乡镇A", kind=UnitKind.TOWNSHIP)
        session.add_all([town_a, Unit(name="乡镇C", kind=UnitKind.TOWNSHIP)])
        session.flush()
        session.add_all(
            [
                Person(name="督查一", role=Role.SUPERVISOR, telegram_user_id=SUPERVISOR),
                Person(name="督查二", role=Role.SUPERVISOR, telegram_user_id=SUPERVISOR2),
                Person(name="李娜", role=Role.MEMBER, unit_id=town_a.id, telegram_user_id=LIAISON),
                Person(name="王建国", role=Role.LEADER, telegram_user_id=LEADER),
            ]
        )
        session.commit()
    engine.dispose()
    book = Workbook()
    book.active.append(list(TEMPLATE_COLUMNS))
    book.active.append(["", "污水管网改造", "乡镇A", "", "王建国", "2026-05-29", "", ""])
    book.active.append(["", "农村改厕", "乡镇A", "", "王建国", "2026-05-29", "", ""])
    book.active.append(["", "集镇改造", "乡镇C", "", "", "2026-06-30", "", ""])
    path = folder / "台账.xlsx"
    book.save(path)
    return path


LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def _faked(env: dict[str, str], moment: str) -> dict[str, str]:
    """libfaketime preloaded into the process itself: the `faketime` wrapper forks, so a
    signal sent to it would miss the bot (and leave it running)."""
    return {**env, "LD_PRELOAD": LIBFAKETIME, "FAKETIME": moment}


def run(env: dict[str, str], moment: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=_faked(env, moment),
        check=True,
        capture_output=True,
        text=True,
    )


def start(env: dict[str, str], moment: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bot"]
    return subprocess.Popen(
        command, env=_faked(env, moment), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(bot: subprocess.Popen[bytes]) -> None:
    bot.send_signal(signal.SIGTERM)
    try:
        bot.wait(20)
    except subprocess.TimeoutExpired:
        bot.kill()
        bot.wait()


def main() -> int:
    if not Path(LIBFAKETIME).exists():
        print("需要 faketime（Debian: apt install faketime）")
        return 2
    api = OfficeBotApi()
    folder = Path(tempfile.mkdtemp(prefix="duban-office-"))
    url = f"sqlite:///{folder / 'duban.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        TZ="Asia/Shanghai",  # faketime reads its moments in the process's zone
        DUBAN_TELEGRAM_TOKEN=TOKEN,
        DUBAN_TELEGRAM_API_URL=api.url,
        DUBAN_DATABASE_URL=url,
        DUBAN_SCAN_INTERVAL="2",
    )
    run(env, WEDNESDAY, "migrate")
    path = seed(url, folder)
    imported = run(env, WEDNESDAY, "import", str(path))
    print("0. imported by the CLI:", imported.stdout.splitlines()[0])
    bot = start(env, WEDNESDAY)
    try:
        notice = api.wait_for(LIAISON, lambda t: t.startswith("📌 督查室交办新任务"), "交办")
        print("1. 乡镇A's liaison got one notice:", " / ".join(notice["text"].splitlines()[:3]))
        print("   its buttons:", list(notice["buttons"]))
        to_leader = api.wait_for(LEADER, lambda t: t.startswith("📌 督查室交办新任务"), "交办")
        for office in (SUPERVISOR, SUPERVISOR2):
            told = api.wait_for(office, lambda t: "还没有人绑定" in t, "the unreachable unit")
        print("2. the supervisors were told:", " / ".join(told["text"].splitlines()[:2]))
        time.sleep(5)  # two more scans: a repeat would show now
        counts = [api.count(c, lambda t: "交办新任务" in t) for c in (LIAISON, LEADER)]
        assert counts == [1, 1], counts
        print("   one announcement each for the liaison and the leader:", counts)

        api.push(message(LIAISON, "收到", reply_to=notice["id"]))
        signed = api.wait_for(LIAISON, lambda t: t.startswith("已签收"), "签收")
        print("3. the liaison replied 收到:", signed["text"].replace("\n", " / "))

        api.push(message(LIAISON, "/task DB-0002"))
        card = api.wait_for(LIAISON, lambda t: t.startswith("🟢 DB-0002"), "the card")
        api.push(press(LIAISON, card["buttons"]["申请延期"], card["id"]))
        ask = api.wait_for(LIAISON, lambda t: "写 DB-0002 新的截止时间" in t, "the prompt")
        api.push(message(LIAISON, "6月30日前，设备到货推迟", reply_to=ask["id"]))
        copies = [
            api.wait_for(o, lambda t: "延期申请：DB-0002" in t, "the request")
            for o in (SUPERVISOR, SUPERVISOR2)
        ]
        api.push(press(SUPERVISOR, copies[0]["buttons"]["批准"], copies[0]["id"]))
        told = api.wait_for(LIAISON, lambda t: "批准了 DB-0002" in t, "the approval")
        print("4. the approval reached the liaison:", told["text"])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(api.edited) < 2:
            time.sleep(0.2)
        other = [e for e in api.edited if int(e["chat_id"]) == SUPERVISOR2]
        assert other and "reply_markup" not in other[0], api.edited
        print("   the other supervisor's copy was edited:", other[0]["text"].splitlines()[-1])

        # His notice names two tasks: the reply names which one.
        api.push(message(LEADER, "DB-0001 请加快进度，本周务必完成", reply_to=to_leader["id"]))
        forward = api.wait_for(LIAISON, lambda t: t.startswith("📝 王建国同志"), "the 批示")
        print("5. the leader's 批示 reached the liaison:", forward["text"].splitlines()[0])
        api.push(message(LIAISON, "已完成三分之二", reply_to=forward["id"]))
        noted = api.wait_for(LIAISON, lambda t: t.startswith("已记录：DB-0001"), "the report")
        print("   the liaison's reply to it is a report:", noted["text"])

        api.push(message(LIAISON, "/task DB-0001"))
        card = api.wait_for(
            LIAISON, lambda t: "DB-0001 污水管网改造" in t[:30] and "状态" in t, "card"
        )
        api.push(press(LIAISON, card["buttons"]["已完成"], card["id"]))
        asked = api.wait_for(LIAISON, lambda t: "确认" in t and "DB-0001" in t, "确认已完成?")
        api.push(press(LIAISON, asked["buttons"]["确认已完成"], asked["id"]))
        api.wait_for(LIAISON, lambda t: t.startswith("已报完成：DB-0001"), "已报完成")
        api.push(message(SUPERVISOR, "/pending"))
        pending = api.wait_for(SUPERVISOR, lambda t: t.startswith("🗂 待督查室处理"), "/pending")
        print("6. /pending:", " / ".join(pending["text"].splitlines()[:5]))
        print("   its buttons:", list(pending["buttons"]))
        api.push(press(SUPERVISOR, pending["buttons"]["DB-0001 销号"], pending["id"]))
        verified = api.wait_for(LIAISON, lambda t: "已由督查室（督查一）销号" in t, "销号")
        print("   销号 from /pending reached the liaison:", verified["text"])
        stop(bot)

        bot = start(env, THURSDAY)
        chase = api.wait_for(LEADER, lambda t: "✍️ 交办已满一个工作日" in t, "the chase")
        said = chase["text"][chase["text"].index("✍️") :]
        print("7. Thursday 10:01, the leader who never signed:", said.replace("\n", " / "))
        print("   (in the leader's one morning message, its 签收 button kept:", end=" ")
        print([label for label in chase["buttons"] if "签收" in label], ")")
        time.sleep(6)
        chases = api.count(LEADER, lambda t: "✍️ 交办已满一个工作日" in t)
        assert chases == 1, chases
        print("   chased once:", chases)
        api.push(message(SUPERVISOR, "/pending"))
        later = api.wait_for(SUPERVISOR, lambda t: "仍未签收" in t, "the unsigned list")
        lines = [line for line in later["text"].splitlines() if "未签收" in line]
        print("   /pending now lists:", " / ".join(lines))
        print("ALL HELD")
        return 0
    finally:
        if bot.poll() is None:
            stop(bot)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
