"""Telegram at one seam: a request class that records what the bot sends and answers
like the Bot API would, and builders for real `telegram.Update` objects."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 999, "is_bot": True, "first_name": "督办", "username": "duban_test_bot"}


@dataclass
class SentCall:
    method: str
    params: dict[str, Any]


@dataclass
class RecordingRequest(BaseRequest):
    """Never touches the network: records each call and returns a plausible result."""

    calls: list[SentCall] = field(default_factory=list)
    _message_ids: Any = field(default_factory=lambda: itertools.count(5000))

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append(SentCall(api_method, params))
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageText", "sendDocument"):
            return {
                "message_id": next(self._message_ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", params.get("caption", "")),
            }
        return True

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [
            call.params["text"]
            for call in self.calls
            if call.method == "sendMessage"
            and (chat_id is None or int(call.params["chat_id"]) == chat_id)
        ]


_update_ids = itertools.count(1)


def command_update(bot: Bot, user_id: int, text: str, *, first_name: str = "测试") -> Update:
    """A private-chat message from `user_id`, with the command entity Telegram would add."""
    entities = []
    if text.startswith("/"):
        length = len(text.split()[0])
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
    payload = {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "text": text,
            "entities": entities,
        },
    }
    return Update.de_json(payload, bot)


async def send(bot_app: tuple[Application, RecordingRequest], user_id: int, text: str) -> list[str]:
    """Feed one message through the application; return what the bot sent back to that chat."""
    app, request = bot_app
    before = len(request.texts(user_id))
    await app.process_update(command_update(app.bot, user_id, text))
    return request.texts(user_id)[before:]
