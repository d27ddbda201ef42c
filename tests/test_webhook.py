"""The webhook server refuses requests without Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from bot.app import build_application, webhook_path
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import ADMIN_ID
from tests.telegram_fakes import RecordingRequest

SECRET = "s3cret-Token_1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _update(text: str) -> dict:
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": ADMIN_ID, "type": "private", "first_name": "周"},
            "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "周"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_the_webhook_needs_the_secret(settings: Settings, runtime) -> None:  # type: ignore[no-untyped-def]
    configured = settings.model_copy(
        update={"webhook_url": "https://duban.example.gov.cn/telegram", "webhook_secret": SECRET}
    )
    request = RecordingRequest()
    app = build_application(configured, runtime, request=request)
    port = _free_port()
    async with app:
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path=webhook_path(configured),
            webhook_url=configured.webhook_url,
            secret_token=SECRET,
        )
        try:
            url = f"http://127.0.0.1:{port}/telegram"
            body = json.dumps(_update("/help"))
            headers = {"Content-Type": "application/json"}
            async with httpx.AsyncClient() as client:
                bare = await client.post(url, content=body, headers=headers)
                wrong = await client.post(
                    url,
                    content=body,
                    headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                right = await client.post(
                    url,
                    content=body,
                    headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            assert (bare.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
            update = await asyncio.wait_for(app.update_queue.get(), timeout=5)
            assert app.update_queue.empty()  # the refused two never reached the bot
            await app.process_update(update)
        finally:
            await app.updater.stop()
    assert "督查室成员" in request.texts(ADMIN_ID)[-1]
    (registered,) = [c for c in request.calls if c.method == "setWebhook"]
    assert registered.params["secret_token"] == SECRET


def test_a_webhook_without_a_secret_does_not_start(workdir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DUBAN_WEBHOOK_URL", "https://duban.example.gov.cn/telegram")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "DUBAN_WEBHOOK_SECRET" in str(refused.value)
    monkeypatch.setenv("DUBAN_WEBHOOK_URL", "http://plain.example/telegram")
    monkeypatch.setenv("DUBAN_WEBHOOK_SECRET", SECRET)
    with pytest.raises(SettingsError, match="DUBAN_WEBHOOK_URL") as insecure:
        load_settings()
    assert SECRET not in str(insecure.value)
