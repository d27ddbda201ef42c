"""Starting the program for real: what a user sees in the terminal when something is off."""

from __future__ import annotations

import asyncio
import logging
import os
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
