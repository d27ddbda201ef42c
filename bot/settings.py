"""One settings object, read once from the environment and `.env` at start.

A bad value stops start-up with `SettingsError`, whose message names the
variable and the expected form, instead of failing later somewhere deep.
"""

from __future__ import annotations

import logging
import re
from datetime import time
from functools import cached_property
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.masking import mask_token, mask_url

ENV_PREFIX = "DUBAN_"
DEFAULT_DATABASE_URL = "sqlite:///duban.sqlite3"

# What each variable should look like, shown when its value is rejected.
EXPECTED_FORMS = {
    "telegram_token": "BotFather 给出的令牌，形如 123456789:AAE…",
    "telegram_api_url": "自建 Bot API 服务器的地址，形如 http://127.0.0.1:8081",
    "database_url": (
        "SQLAlchemy 连接串，如 sqlite:///duban.sqlite3 或 postgresql+psycopg://user@host/db"
    ),
    "timezone": "IANA 时区名，如 Asia/Shanghai",
    "admins": "逗号分隔的 Telegram 用户 ID（整数），如 12345,67890",
    "digest_time": "24 小时制时刻 HH:MM，如 08:30",
    "end_of_day": "24 小时制时刻 HH:MM，如 18:00",
    "scan_interval": "正整数秒数，如 60",
    "yellow_workdays": "正整数（工作日数），如 3",
    "stale_report_days": "正整数（天数），如 7",
    "invitation_days": "正整数（天数），如 7",
    "reminder_time": "24 小时制时刻 HH:MM，如 09:00",
    "morning_message": "true 或 false（工作日早上每个对话合并为一条消息）",
    "quiet_start": "24 小时制时刻 HH:MM，如 22:00",
    "quiet_end": "24 小时制时刻 HH:MM，如 08:00",
    "reminder_days": "逗号分隔的提前天数，如 7,3",
    "escalate_after_workdays": "正整数（工作日数），如 1",
    "roster_deadline_workdays": "正整数（工作日数），如 2",
    "duty_spot_checks": "每单位每天查岗次数，0 到 10 的整数，如 1",
    "duty_answer_minutes": "查岗应答时限（分钟），1 到 240 的整数，如 15",
    "duty_day_start": "24 小时制时刻 HH:MM，如 09:00（查岗时段开始）",
    "duty_day_end": "24 小时制时刻 HH:MM，晚于查岗时段开始，如 18:00",
    "county_name": "县名，如 城关县（督查通报的标题用）",
    "bulletin_weekday": "1 到 7 之间的整数（1 为周一，5 为周五）",
    "bulletin_time": "24 小时制时刻 HH:MM，如 16:00",
    "webhook_url": "Telegram 推送更新的公网 https 地址，形如 https://duban.example.gov.cn/telegram",
    "webhook_secret": "1 到 256 个字母、数字、_ 或 -（设置 DUBAN_WEBHOOK_URL 时必填）",
    "webhook_listen": "本机监听地址，如 127.0.0.1（由反向代理转发）",
    "webhook_port": "1 到 65535 之间的端口号，如 8080",
}

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingsError(Exception):
    """A configuration value is missing or malformed; the message is for the operator."""


def database_url_problem(url: str) -> str | None:
    """Why SQLAlchemy cannot use this URL, in Chinese, or None if it can.

    postgres:// parses but names no dialect; mysql:// needs a driver that is
    not installed. The reason never repeats the URL, which may hold a password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "无法解析为数据库地址"
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        return f"不认识的数据库类型 {parsed.drivername}"
    except ImportError as error:
        return f"没有安装数据库驱动 {error.name or parsed.drivername}"
    return None


def _parse_clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    match = _CLOCK.match(str(value).strip())
    if not match:
        raise ValueError("not a HH:MM time")
    return time(int(match[1]), int(match[2]))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    telegram_token: str | None = None
    telegram_api_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    admins: Annotated[tuple[int, ...], NoDecode] = ()
    digest_time: time = time(8, 30)
    end_of_day: time = time(18, 0)
    scan_interval: int = Field(default=60, ge=1)
    yellow_workdays: int = Field(default=3, ge=1)
    stale_report_days: int = Field(default=7, ge=1)
    invitation_days: int = Field(default=7, ge=1)
    # Reminders: the days before a deadline they come (besides the last working day
    # before and the due day), the time of day, and the quiet hours they never break.
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (7, 3)
    reminder_time: time = time(9, 0)  # only when morning_message is off
    # One unsolicited message a chat a working morning, at digest_time: the digest with
    # that day's reminders, chases and escalations (off: the old separate messages, the
    # reminders at reminder_time; kept for comparison, see docs/performance.md).
    morning_message: bool = True
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    escalate_after_workdays: int = Field(default=1, ge=1)
    # Duty rosters are due this many working days before a holiday's first day.
    roster_deadline_workdays: int = Field(default=2, ge=1)
    # During a holiday: spot checks (查岗) a unit a day at random moments between the
    # day start and end, each to be answered within the minutes given (else the
    # 带班领导 is told, then after as long again the supervisors).
    duty_spot_checks: int = Field(default=1, ge=0, le=10)
    duty_answer_minutes: int = Field(default=15, ge=1, le=240)
    duty_day_start: time = time(9, 0)
    duty_day_end: time = time(18, 0)
    # The weekly 督查通报: which county it is titled for, and when supervisors get it
    # (a non-working day moves it to the last working day before).
    county_name: str = "XX县"
    bulletin_weekday: int = Field(default=5, ge=1, le=7)
    bulletin_time: time = time(16, 0)
    # Webhook instead of long polling: Telegram posts updates to webhook_url, which a
    # reverse proxy forwards to webhook_listen:webhook_port; requests must carry the secret.
    webhook_url: str | None = None
    webhook_secret: str | None = Field(default=None, validate_default=True)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Bounds on every .xlsx read from chat or the terminal, checked before parsing
    # (bot.excel.limits); far beyond any office's ledger or roster.
    file_max_mb: int = Field(default=20, ge=1)
    file_max_unzipped_mb: int = Field(default=100, ge=1)
    file_max_ratio: int = Field(default=100, ge=2)
    file_max_sheets: int = Field(default=50, ge=1)
    file_max_rows: int = Field(default=20_000, ge=10)
    file_max_columns: int = Field(default=50, ge=5)
    file_max_cell_chars: int = Field(default=5_000, ge=100)
    # Messages (and button presses) one person may send a minute before being ignored.
    flood_per_minute: int = Field(default=30, ge=1)

    @field_validator(
        "telegram_token", "telegram_api_url", "webhook_url", "webhook_secret", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+:[\w-]{20,}", value.strip()):
            raise ValueError("not a bot token")
        return value.strip() if value else value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https://[^/\s]+", value.strip()):
            raise ValueError("not an https URL")
        return value.strip() if value else value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError("a webhook needs its secret")
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.strip()):
            raise ValueError("not a webhook secret")
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        problem = database_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("unknown time zone") from error
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace("，", ",").split(",")]
            return tuple(int(part) for part in parts if part)
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _day_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace("，", ",").split(",")]
            days = tuple(int(part) for part in parts if part)
            if any(day < 1 or day > 60 for day in days):
                raise ValueError("days out of range")
            return days
        return value

    @field_validator(
        "digest_time",
        "end_of_day",
        "reminder_time",
        "quiet_start",
        "quiet_end",
        "bulletin_time",
        "duty_day_start",
        "duty_day_end",
        mode="before",
    )
    @classmethod
    def _clock(cls, value: Any) -> time:
        return _parse_clock(value)

    @field_validator("duty_day_end")
    @classmethod
    def _after_day_start(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("duty_day_start")
        if start is not None and value <= start:
            raise ValueError("the spot-check day must end after it starts")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; raise `SettingsError` naming every bad variable."""
    _quiet_dotenv()
    try:
        return Settings(**overrides)
    except UnicodeDecodeError:
        raise SettingsError(
            "配置有误，程序未启动：.env 文件不是 UTF-8 编码，请用 UTF-8 另存。"
        ) from None
    except ValidationError as error:
        raise _settings_error(error) from None


def load_settings_for(uses: frozenset[str]) -> tuple[Settings, list[str]]:
    """The settings for a command that reads only the fields in `uses`: a bad value of
    another field is left at its default with a note, instead of blocking the command
    (a bad 提醒时间 should not stop a roster import). Bad values it uses still raise."""
    _quiet_dotenv()
    overrides: dict[str, Any] = {}
    notes: list[str] = []
    while True:
        try:
            return Settings(**overrides), notes
        except UnicodeDecodeError:
            return load_settings(), notes  # raises the encoding's message
        except ValidationError as error:
            bad = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
            unused = bad - uses - set(overrides)
            if bad & uses or not unused or bad - unused:
                raise _settings_error(error) from None
            for field in sorted(unused):
                overrides[field] = Settings.model_fields[field].default
                notes.append(
                    f"提示：{ENV_PREFIX}{field.upper()} 的值无效，本命令用不到它，暂按默认值处理；"
                    "启动机器人前请改正。"
                )


def env_file_problems(path: str = ".env") -> list[str]:
    """A line of `.env` that python-dotenv cannot read (or that has no "=") is skipped by it;
    say so in Chinese (its own English warning is silenced). The line itself is not echoed:
    it may hold a secret."""
    from dotenv.parser import parse_stream

    try:
        with open(path, encoding="utf-8") as stream:
            return [
                f"提示：.env 第 {binding.original.line} 行无法识别，已忽略"
                "（每行应为 名称=值，如 DUBAN_TIMEZONE=Asia/Shanghai；注释以 # 开头）。"
                for binding in parse_stream(stream)
                # A line without "=" is read as a name with no value: as useless here.
                if binding.error or (binding.key is not None and binding.value is None)
            ]
    except (OSError, UnicodeDecodeError):
        return []  # no file; a wrong encoding is reported by load_settings


def _quiet_dotenv() -> None:
    logging.getLogger("dotenv.main").setLevel(logging.ERROR)


def _settings_error(error: ValidationError) -> SettingsError:
    lines = ["配置有误，程序未启动："]
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        variable = ENV_PREFIX + field.upper()
        given = _masked_input(field, problem.get("input"))
        expected = EXPECTED_FORMS.get(field, "")
        # Only the database URL's reason is worded for the operator (see database_url_problem).
        reason = problem.get("ctx", {}).get("error") if field == "database_url" else None
        because = f"（{reason}）" if reason else ""
        lines.append(f"- {variable}={given!r} 无效{because}，应为：{expected}")
    return SettingsError("\n".join(lines))


def _masked_input(field: str, given: Any) -> Any:
    """The rejected value as it may be shown: no token secret, no password."""
    if not isinstance(given, str):
        return given
    if field == "telegram_token":
        return mask_token(given)
    if field == "webhook_secret":
        return "***"
    return mask_url(given)
