"""The one place that builds the Telegram application.

Reading `build_application` tells how the bot is put together: the request
settings (a self-hosted Bot API server if configured), the rate limiter, the
runtime (database, clock) opened in `post_init` and closed in
`post_shutdown`, the command menu, and the handlers in `handlers.register_all`.
"""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from handlers import register_all

# The menu Telegram shows next to the input box (setMyCommands), in Chinese.
COMMAND_MENU = [
    BotCommand("start", "开始 / 绑定账号"),
    BotCommand("help", "我能做什么"),
    BotCommand("status", "红黄绿灯总览"),
]


def build_application(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """The bot, ready to run; tests pass their own runtime and a recording request."""
    builder = ApplicationBuilder().token(settings.telegram_token or "0:offline")
    if settings.telegram_api_url:
        builder = builder.base_url(f"{settings.telegram_api_url}/bot").base_file_url(
            f"{settings.telegram_api_url}/file/bot"
        )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Telegram allows ~30 messages/s overall and 20/min per group; 429s are waited out.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))

    async def post_init(app: Application) -> None:
        app.bot_data["runtime"] = runtime or open_runtime(settings)
        app.bot_data["settings"] = settings
        if request is None:
            await app.bot.set_my_commands(COMMAND_MENU)

    async def post_shutdown(app: Application) -> None:
        opened: Runtime | None = app.bot_data.get("runtime")
        if opened is not None and runtime is None:
            opened.close()

    application = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    register_all(application)
    return application


def run_bot(settings: Settings) -> None:
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
