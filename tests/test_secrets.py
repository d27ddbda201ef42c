"""Secrets stay masked whatever their case or encoding: a Bot API server on loopback that
echoes the request path (which holds the token) in its error answers, for `run` and `send`."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from bot.cli import main
from bot.core.masking import Masker
from tests.test_startup import SECRET, TOKEN

FORMS = {
    "as is": SECRET,
    "lowercased": SECRET.lower(),
    "uppercased": SECRET.upper(),
    "percent-encoded": quote(TOKEN, safe=""),
    "percent-encoded, lowercase hex": quote(TOKEN, safe="").lower(),
    "encoded twice": quote(quote(TOKEN, safe=""), safe=""),
    "form-encoded": quote_plus(TOKEN),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_each_representation_is_masked(form: str) -> None:
    mask = Masker([SECRET, TOKEN])
    shown = mask(f"Bad Request: path /bot{form}/getme is wrong")
    assert SECRET.lower() not in shown.lower() and "s3cr3t" not in shown.lower()


class _EchoesPath(BaseHTTPRequestHandler):
    """Answers 400 with the request path in the description, in several spellings."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        described = f"Path {self.path} is wrong ({quote(self.path, safe='')})"
        body = json.dumps({"ok": False, "error_code": 400, "description": described}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echoing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoesPath)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def own_event_loop() -> Iterator[None]:
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.mark.parametrize("command", ["run", "send"])
def test_an_echoed_path_never_shows_the_token(
    workdir, own_event_loop, monkeypatch, capsys, caplog, echoing_server, command
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("DUBAN_TELEGRAM_API_URL", echoing_server)
    caplog.set_level(logging.DEBUG)
    assert main([command]) == 1
    out, err = capsys.readouterr()
    assert err.strip(), "the failure is told"
    for shown in (out, err, caplog.text, *(r.getMessage() for r in caplog.records)):
        lowered = shown.lower()
        assert "s3cr3t" not in lowered, shown
        assert quote(TOKEN, safe="").lower().split("%3a")[1] not in lowered
