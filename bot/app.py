"""The one place that builds the Telegram application.

Reading `build_application` tells how the bot is put together: the request
settings (a self-hosted Bot API server if configured), the rate limiter, the
runtime (database, clock) opened in `post_init`, kept in `bot_data` and
closed in `post_shutdown`, the command menu, the handlers in
`handlers.register_all` and the error handler.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import BotCommand, Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
)
from telegram.request import BaseRequest

from bot.core.masking import mask_url
from bot.outbox.pace import SharedRateLimiter
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from handlers import register_all
from handlers.menu import menu
from jobs import register_all as register_planners_and_kinds
from jobs.outbox import quiet_unparsable_answers
from jobs.scan import scan

logger = logging.getLogger(__name__)

# The menu Telegram shows next to the input box (setMyCommands), in Chinese: for
# people not bound yet just /start and /help; each person's chat gets their role's
# menu when they bind or ask for /help.
COMMAND_MENU = [BotCommand(name, description) for name, description in menu(None)]


def build_application(
    settings: Settings,
    runtime: Runtime | None = None,
    *,
    request: BaseRequest | None = None,
) -> Application:
    """The bot, ready to run.

    Without a runtime, `post_init` opens one (engine, migrations) and
    `post_shutdown` closes it; tests pass their own runtime and a recording
    request instead.
    """
    # Unparametrized: the rate limiter's branch changes the bot's type parameter.
    builder: ApplicationBuilder = ApplicationBuilder().token(settings.telegram_token or "0:offline")
    if settings.telegram_api_url:
        builder = builder.base_url(f"{settings.telegram_api_url}/bot").base_file_url(
            f"{settings.telegram_api_url}/file/bot"
        )
    limiter = None
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Telegram allows ~30 messages/s per bot and 20/min per group: one budget in the
        # database for this process and every `send`; a chat's 429 wait is kept there too.
        limiter = SharedRateLimiter()
        builder = builder.rate_limiter(limiter)
    quiet_unparsable_answers()

    async def post_init(app: Application) -> None:
        if "runtime" not in app.bot_data:
            app.bot_data["runtime"] = open_runtime(settings)
        if limiter is not None:
            limiter.runtime = app.bot_data["runtime"]
        await app.bot.set_my_commands(COMMAND_MENU)

    async def post_shutdown(app: Application) -> None:
        if runtime is None and "runtime" in app.bot_data:
            app.bot_data.pop("runtime").close()

    application = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    if runtime is not None:
        application.bot_data["runtime"] = runtime
        if limiter is not None:
            limiter.runtime = runtime
    register_all(application)  # each feature's commands, buttons and reply kinds
    register_planners_and_kinds()  # each feature's planners and outbox kinds
    application.add_error_handler(report_error)
    # The outbox scan; it starts with the application (not in tests that only initialise).
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required (see requirements.txt)")
    application.job_queue.run_repeating(
        scan, interval=settings.scan_interval, first=1, name="outbox"
    )
    return application


def start_line(settings: Settings, username: str) -> str:
    """The one line the operator reads when the bot is up: which bot, which database
    (its password masked), how often it scans, and how it receives messages."""
    if settings.webhook_url:
        receiving = (
            f"Webhook（{settings.webhook_url}，本机监听 "
            f"{settings.webhook_listen}:{settings.webhook_port}）"
        )
    else:
        receiving = "长轮询（polling）"
    return (
        f"督办机器人已启动：@{username} · 数据库 {mask_url(settings.database_url)} · "
        f"每 {settings.scan_interval} 秒扫描一次 · 接收消息方式：{receiving}。按 Ctrl+C 停止。"
    )


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure, and tell the user something went wrong.

    The log names the update and chat, not the person or the text (personal
    data). Telegram being unreachable while polling is one warning line, not a
    traceback every few seconds.
    """
    error = context.error
    if not isinstance(update, Update):
        if isinstance(error, NetworkError | Conflict):
            logger.warning("Telegram: %s", error)
        else:
            logger.error("background work failed", exc_info=error)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    logger.error(
        "update %s in chat %s failed", update.update_id, chat.id if chat else "?", exc_info=error
    )
    if update.effective_message is not None:
        with contextlib.suppress(TelegramError):  # the chat may be why it failed
            await update.effective_message.reply_text(
                "抱歉，处理这条消息时出错了，已记录下来。请稍后再试，或联系县督查室。"
            )
    raise ApplicationHandlerStop  # one answer per update: no later handler group runs


def configure_logging() -> None:
    """Timestamped INFO lines for the running bot; httpx's line per request stays out
    (it is noise every few seconds, and its URL holds the token)."""
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    for chatty in ("httpx", "httpcore", "alembic.runtime.plugins", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # A scan still running when the next is due is skipped, as it should be: not a warning.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)


def run_bot(settings: Settings) -> None:
    """Long polling by default; a webhook server when DUBAN_WEBHOOK_URL is set.

    The webhook refuses every request without Telegram's secret-token header
    (PTB answers 403). Ctrl-C and SIGTERM stop either cleanly.
    """
    application = build_application(settings)
    opened = application.post_init

    async def started(app: Application) -> None:  # once the bot knows its name: say so
        if opened is not None:
            await opened(app)
        print(start_line(settings, app.bot.username), flush=True)

    application.post_init = started
    if settings.webhook_url:
        logger.info("webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=webhook_path(settings),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def run_sender(settings: Settings) -> None:
    """`python -m bot send`: only the outbox sender, beside a bot that polls or a webhook.

    It never asks Telegram for updates (one process does), so several may run;
    the claim keeps them from sending a row twice.
    """
    import asyncio
    import signal

    from sqlalchemy.exc import DBAPIError

    from jobs.outbox import log_pass, send_due

    async def work() -> None:
        application = build_application(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with application:
            if application.post_init is not None:  # set by build_application
                await application.post_init(application)
            runtime = application.bot_data["runtime"]
            logger.info("sender running every %s s", settings.scan_interval)
            print(
                f"督办发送程序已启动：@{application.bot.username} · 数据库 "
                f"{mask_url(settings.database_url)} · 每 {settings.scan_interval} 秒发送一轮"
                "（只发送，不接收消息）。按 Ctrl+C 停止。",
                flush=True,
            )
            while not stop.is_set():
                try:
                    log_pass(await send_due(application.bot, runtime))
                except DBAPIError as error:  # the database restarting: the next pass tries
                    logger.warning("outbox pass failed: %s", str(error).splitlines()[0])
                except Exception:  # a bug: told with its traceback, and the sender goes on
                    logger.exception("outbox pass failed")
                with contextlib.suppress(TimeoutError):  # the interval passed
                    await asyncio.wait_for(stop.wait(), timeout=settings.scan_interval)
            if application.post_shutdown is not None:
                await application.post_shutdown(application)

    asyncio.run(work())


def webhook_path(settings: Settings) -> str:
    """The local path the webhook listens on: the public URL's path."""
    from urllib.parse import urlsplit

    return urlsplit(settings.webhook_url or "").path.lstrip("/")
