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
    result: Any = None
    uploads: dict[str, bytes] = field(default_factory=dict)  # file name → content sent

    @property
    def delivered(self) -> bool:
        """Telegram accepted it (not one of the errors a test asked for)."""
        return isinstance(self.result, dict) and "message_id" in self.result

    @property
    def message_id(self) -> int:
        return int(self.result["message_id"])

    def buttons(self) -> dict[str, str]:
        """Label → callback data of the inline keyboard sent with this call."""
        markup = self.params.get("reply_markup")
        if not markup:
            return {}
        keyboard = json.loads(markup) if isinstance(markup, str) else markup
        return {
            button["text"]: button["callback_data"]
            for row in keyboard["inline_keyboard"]
            for button in row
        }


@dataclass
class RecordingRequest(BaseRequest):
    """Never touches the network: records each call and returns a plausible result."""

    calls: list[SentCall] = field(default_factory=list)
    _message_ids: Any = field(default_factory=lambda: itertools.count(5000))
    # chat id → Bot API error answers to give, in order, before sending normally again
    failures: dict[int, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    # file id → content, for getFile and the download that follows
    files: dict[str, bytes] = field(default_factory=dict)
    # (chat id, user id) of groups' administrators, for getChatMember
    chat_admins: set[tuple[int, int]] = field(default_factory=set)

    def fail(self, chat_id: int, status: int, description: str, **parameters: Any) -> None:
        """The next send to `chat_id` gets this error (e.g. 429 with retry_after, 403)."""
        answer: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            answer["parameters"] = parameters
        self.failures.setdefault(chat_id, []).append((status, answer))

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
        if "/file/bot" in url:  # a download of a file getFile described
            file_id = url.rsplit("/", 1)[-1].removesuffix(".bin")
            self.calls.append(SentCall("download", {"file_id": file_id}, None))
            return (200, self.files[file_id]) if file_id in self.files else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        chat = params.get("chat_id")
        queued = (
            self.failures.get(int(chat))
            if chat is not None and api_method.startswith("send")
            else None
        )
        if queued:
            status, answer = queued.pop(0)
            self.calls.append(SentCall(api_method, params, answer))
            return status, json.dumps(answer).encode()
        result = self._result(api_method, params)
        uploads = {}
        if request_data is not None:
            for name, content, *_ in request_data.multipart_data.values():
                uploads[str(name)] = content if isinstance(content, bytes) else content.read()
        self.calls.append(SentCall(api_method, params, result, uploads))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChatMember":
            user = int(params["user_id"])
            admin = (int(params["chat_id"]), user) in self.chat_admins
            return {
                "status": "administrator" if admin else "member",
                "user": {"id": user, "is_bot": False, "first_name": "测试"},
                **(
                    {
                        "can_be_edited": False,
                        "can_manage_chat": True,
                        "can_change_info": True,
                        "can_delete_messages": True,
                        "can_invite_users": True,
                        "can_restrict_members": True,
                        "can_pin_messages": True,
                        "can_promote_members": False,
                        "is_anonymous": False,
                        "can_manage_video_chats": True,
                        "can_post_stories": False,
                        "can_edit_stories": False,
                        "can_delete_stories": False,
                    }
                    if admin
                    else {}
                ),
            }
        if method == "getFile":
            file_id = str(params["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": file_id + "u",
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}.bin",
            }
        if method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            return {
                "message_id": next(self._message_ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", params.get("caption", "")),
            }
        return True

    def sent(self, chat_id: int | None = None) -> list[SentCall]:
        """Every message sent (text or document), to one chat or all."""
        return [
            call
            for call in self.calls
            if call.method in ("sendMessage", "sendDocument", "sendPhoto")
            and call.delivered
            and (chat_id is None or int(call.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [
            call.params["text"]
            for call in self.calls
            if call.method == "sendMessage"
            and call.delivered
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


def _chat(chat_id: int, user_id: int) -> dict[str, Any]:
    if chat_id == user_id:
        return {"id": chat_id, "type": "private", "first_name": "测试"}
    return {"id": chat_id, "type": "supergroup", "title": "工作群"}


def message_update(
    bot: Bot,
    user_id: int,
    text: str = "",
    *,
    chat_id: int | None = None,
    reply_to: int | None = None,
    quoting: str = "…",
    photo: str | None = None,
    document: tuple[str, str] | None = None,
    first_name: str = "测试",
) -> Update:
    """A message as Telegram delivers it: in a private chat or a group, maybe a reply,
    maybe with a photo or a document (then `text` is its caption)."""
    chat = _chat(chat_id if chat_id is not None else user_id, user_id)
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": chat,
        "from": {"id": user_id, "is_bot": False, "first_name": first_name},
    }
    key = "caption" if photo or document else "text"
    if text:
        message[key] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities" if key == "text" else "caption_entities"] = [
                {"type": "bot_command", "offset": 0, "length": length}
            ]
    if photo:
        message["photo"] = [
            {
                "file_id": photo,
                "file_unique_id": photo + "u",
                "width": 800,
                "height": 600,
                "file_size": 120_000,
            }
        ]
    if document:
        file_id, name = document
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_name": name,
            "file_size": 5_000,
        }
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": 0,
            "chat": chat,
            "from": BOT_USER,
            "text": quoting,  # the replied-to message's text, as Telegram includes it
        }
    return Update.de_json({"update_id": next(_update_ids), "message": message}, bot)


def button_update(
    bot: Bot, user_id: int, data: str, *, message_id: int = 1, chat_id: int | None = None
) -> Update:
    """A press on an inline button whose callback data is `data`."""
    chat = _chat(chat_id if chat_id is not None else user_id, user_id)
    return Update.de_json(
        {
            "update_id": next(_update_ids),
            "callback_query": {
                "id": str(next(_update_ids)),
                "from": {"id": user_id, "is_bot": False, "first_name": "测试"},
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 0,
                    "chat": chat,
                    "from": BOT_USER,
                    "text": "…",
                },
            },
        },
        bot,
    )


def bot_removed_update(bot: Bot, chat_id: int, by_user: int) -> Update:
    """Telegram telling the bot it was removed from a group (a my_chat_member update)."""
    member = {"user": BOT_USER, "status": "member"}
    return Update.de_json(
        {
            "update_id": next(_update_ids),
            "my_chat_member": {
                "chat": {"id": chat_id, "type": "supergroup", "title": "工作群"},
                "from": {"id": by_user, "is_bot": False, "first_name": "测试"},
                "date": int(datetime.now(UTC).timestamp()),
                "old_chat_member": member,
                "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0},
            },
        },
        bot,
    )
