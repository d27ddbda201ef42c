"""Starting the program for real: what a user sees in the terminal when something is off."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import main

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


# What BotFather hands out: the bot id, a colon, and the secret.
TOKEN = "123456789:AAE" + "s3cr3t" * 6
SECRET = TOKEN.split(":", 1)[1]


class _RejectsEveryToken(BaseHTTPRequestHandler):
    """A Bot API server that answers every call as Telegram does for a revoked token."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nothing_listening() -> Iterator[str]:
    """A loopback port that is taken but not listening: connecting is refused at once."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{taken.getsockname()[1]}"


@pytest.fixture
def rejecting_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RejectsEveryToken)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def own_event_loop() -> Iterator[None]:
    """run_polling closes the loop it ran on; each test gives it a fresh one."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


START_UP_FAULTS = [
    pytest.param(
        "nothing_listening",
        "机器人未启动：无法连接 {api}（",
        "自建的 Bot API 服务器是否在运行",
        id="server unreachable",
    ),
    pytest.param(
        "rejecting_server",
        "机器人未启动：{api} 不接受令牌 DUBAN_TELEGRAM_TOKEN=123456789:***。",
        "@BotFather",
        id="token rejected",
    ),
]


@pytest.mark.parametrize(("server", "first_words", "advice"), START_UP_FAULTS)
def test_start_up_faults_are_one_chinese_line_without_the_token(
    workdir, own_event_loop, monkeypatch, capsys, caplog, request, server, first_words, advice
) -> None:
    api = request.getfixturevalue(server)
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("DUBAN_TELEGRAM_API_URL", api)
    caplog.set_level(logging.DEBUG)  # httpx and PTB log request URLs, which hold the token
    assert main(["run"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(first_words.format(api=api)) and advice in err
    assert len(err.splitlines()) == 1
    assert f"Set Bot API URL: {api}/bot123456789:***" in caplog.text  # logged, masked
    for shown in (out, err, caplog.text, *(r.getMessage() for r in caplog.records)):
        assert SECRET not in shown


@pytest.mark.parametrize(("server", "first_words", "advice"), START_UP_FAULTS)
def test_start_up_faults_in_a_terminal(tmp_path, request, server, first_words, advice) -> None:
    """The whole of stderr, as printed by `python -m bot` with logging as it comes."""
    api = request.getfixturevalue(server)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_env(DUBAN_TELEGRAM_TOKEN=TOKEN, DUBAN_TELEGRAM_API_URL=api),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(first_words.format(api=api)), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert SECRET not in result.stdout + result.stderr


class _AcceptsTheBot(BaseHTTPRequestHandler):
    """A Bot API server that knows the bot; the first getUpdates stops the program
    (SIGINT, as Ctrl+C would), so a run starts, says so and ends cleanly."""

    process: subprocess.Popen[str] | None = None
    stop_on = "getUpdates"  # the sender never asks for updates: it is stopped at getMe

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        method = self.path.rsplit("/", 1)[-1]
        result: object = True
        if method == "getMe":
            result = {
                "id": 123456789,
                "is_bot": True,
                "first_name": "督办",
                "username": "duban_county_bot",
            }
        elif method == "getUpdates":
            result = []
        if method == self.stop_on and self.process is not None:
            self.process.send_signal(signal.SIGINT)
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


STARTED = [
    pytest.param(
        [],
        "getUpdates",
        "督办机器人已启动：@duban_county_bot · 数据库 {database} · 每 30 秒扫描一次 · "
        "接收消息方式：长轮询（polling）。按 Ctrl+C 停止。",
        id="bot",
    ),
    pytest.param(
        ["send"],
        "getMe",
        "督办发送程序已启动：@duban_county_bot · 数据库 {database} · 每 30 秒发送一轮"
        "（只发送，不接收消息）。按 Ctrl+C 停止。",
        id="sender",
    ),
]


@pytest.mark.parametrize(("argv", "stop_on", "line"), STARTED)
def test_the_running_bot_says_in_chinese_that_it_started(tmp_path, argv, stop_on, line) -> None:
    _AcceptsTheBot.stop_on = stop_on
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AcceptsTheBot)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    api = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *argv],
            cwd=tmp_path,
            env=clean_env(
                DUBAN_TELEGRAM_TOKEN=TOKEN,
                DUBAN_TELEGRAM_API_URL=api,
                DUBAN_SCAN_INTERVAL="30",
                DUBAN_DATABASE_URL=f"sqlite:///{tmp_path / 'duban.sqlite3'}",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _AcceptsTheBot.process = process
        out, err = process.communicate(timeout=60)
    finally:
        _AcceptsTheBot.process = None
        server.shutdown()
        server.server_close()
        thread.join()
    assert process.returncode == 0, err
    database = f"sqlite:///{tmp_path / 'duban.sqlite3'}"
    assert out.splitlines() == [line.format(database=database)]
    assert SECRET not in out + err


def test_the_start_line_masks_the_database_password_and_names_a_webhook() -> None:
    from bot.app import start_line
    from bot.settings import Settings

    settings = Settings(
        database_url="postgresql+psycopg://duban:pa55word@127.0.0.1/duban",
        webhook_url="https://bot.example.gov.cn/tg",
        webhook_secret="s3cret",
        _env_file=None,  # type: ignore[call-arg]
    )
    line = start_line(settings, "duban_county_bot")
    assert "pa55word" not in line
    assert line == (
        "督办机器人已启动：@duban_county_bot · 数据库 postgresql+psycopg://duban:***@127.0.0.1/duban"
        " · 每 60 秒扫描一次 · 接收消息方式：Webhook（https://bot.example.gov.cn/tg，本机监听 "
        "127.0.0.1:8080）。按 Ctrl+C 停止。"
    )
