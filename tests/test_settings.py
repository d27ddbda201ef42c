"""Settings: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

from datetime import time

import pytest

from bot.cli import main
from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


def test_defaults(workdir) -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Shanghai"
    assert (settings.digest_time, settings.scan_interval) == (time(8, 30), 60)
    assert settings.admins == ()
    assert settings.telegram_token is None


def test_values_from_environment_and_dotenv(workdir, monkeypatch) -> None:
    (workdir / ".env").write_text(
        "DUBAN_ADMINS=11, 22，33\nDUBAN_DIGEST_TIME=7:45\n", encoding="utf-8"
    )
    monkeypatch.setenv("DUBAN_TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    settings = load_settings()
    assert settings.admins == (11, 22, 33)
    assert settings.digest_time == time(7, 45)
    assert settings.telegram_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DUBAN_TIMEZONE", "Mars/Olympus", "IANA 时区名"),
        ("DUBAN_ADMINS", "12,abc", "逗号分隔的 Telegram 用户 ID"),
        ("DUBAN_DIGEST_TIME", "25:00", "HH:MM"),
        ("DUBAN_SCAN_INTERVAL", "0", "正整数秒数"),
        ("DUBAN_SCAN_INTERVAL", "often", "正整数秒数"),
        ("DUBAN_DATABASE_URL", "nonsense", "SQLAlchemy 连接串"),
        ("DUBAN_DATABASE_URL", "postgres://u@localhost/db", "postgresql+psycopg://"),
        ("DUBAN_DATABASE_URL", "mysql://u@localhost/db", "postgresql+psycopg://"),
        ("DUBAN_TELEGRAM_API_URL", "127.0.0.1:8081", "http://127.0.0.1:8081"),
    ],
)
def test_bad_values_name_the_variable(workdir, monkeypatch, variable, value, expected) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert f"{variable}={value!r} 无效" in message
    assert expected in message


def test_cli_stops_on_a_bad_value_and_says_which(workdir, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DUBAN_YELLOW_WORKDAYS", "-1")
    assert main(["status"]) == 2
    assert "DUBAN_YELLOW_WORKDAYS='-1' 无效" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+psycopg2://u:SECRET@h/db", "没有安装数据库驱动 psycopg2"),
        ("mysql://u:SECRET@h/db", "没有安装数据库驱动 MySQLdb"),
        ("nosuch://u:SECRET@h/db", "不认识的数据库类型 nosuch"),
        ("postgresql://u:SECRET@h:port/db", "无法解析为数据库地址"),
        ("garbage u:SECRET@h", "无法解析为数据库地址"),
    ],
)
def test_a_rejected_database_url_keeps_its_password_hidden(
    workdir, monkeypatch, capsys, url, reason
) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    assert main(["status"]) == 2
    out, err = capsys.readouterr()
    assert "SECRET" not in out + err
    masked = url.replace("SECRET", "***")
    assert f"DUBAN_DATABASE_URL={masked!r} 无效（{reason}）" in err


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        ("123456789:SECRET-short", "'123456789:***'"),
        ("bot123456789:SECRETSECRETSECRETSECRET", "'***'"),
        ("SECRETSECRET", "'***'"),
    ],
)
def test_a_malformed_token_shows_at_most_the_bot_id(
    workdir, monkeypatch, capsys, token, shown
) -> None:
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", token)
    assert main(["status"]) == 2
    out, err = capsys.readouterr()
    assert "SECRET" not in out + err
    assert f"DUBAN_TELEGRAM_TOKEN={shown} 无效，应为：BotFather" in err
