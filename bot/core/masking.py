"""Keep the bot token and database passwords out of everything the program prints.

Settings errors, database errors, start-up errors and log lines all pass
through here: a token shows only its bot id (`123456789:***`), a URL only
its user name (`postgresql+psycopg://duban:***@host/db`).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus, unquote

MASK = "***"

_BOT_ID = re.compile(r"^\s*(\d+):")
# scheme://user:password@host inside free text (log lines, driver messages).
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/?#@\s]*:)[^\s]*@")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&](?:password|passwd|pwd)=)[^&\s]*", re.IGNORECASE)
# Shorter secrets would garble ordinary words if masked in free text; in URLs
# and tokens they are masked by position instead.
_SHORTEST_MASKED_IN_TEXT = 4


def mask_token(token: str) -> str:
    """`123456789:AAE…` → `123456789:***`; anything else → `***`."""
    match = _BOT_ID.match(token)
    return f"{match[1]}:{MASK}" if match else MASK


def mask_url(url: str) -> str:
    """A URL (or what was meant as one) with its password replaced by `***`."""
    head, password, host = _split_password(url)
    if password:
        url = f"{head}{MASK}{host}"
    return _QUERY_PASSWORD.sub(rf"\g<head>{MASK}", url)


def url_secrets(url: str) -> list[str]:
    """The passwords written in a URL, as written and percent-decoded."""
    found = [m[0].split("=", 1)[1] for m in _QUERY_PASSWORD.finditer(url)]
    found.append(_split_password(url)[1])
    return [secret for secret in found + [unquote(s) for s in found] if secret]


def _split_password(url: str) -> tuple[str, str, str]:
    """(`scheme://user:`, `password`, `@host…`); the password is "" if there is none.

    Works on garbage too: whatever sits between the user's colon and the last
    "@" is taken as the password, since an unencoded password may hold "@".
    """
    credentials, at, host = url.rpartition("@")
    if not at:
        return url, "", ""
    scheme = credentials.find("://")
    colon = credentials.find(":", scheme + 3 if scheme >= 0 else 0)
    if colon < 0:
        return url, "", ""
    return credentials[: colon + 1], credentials[colon + 1 :], at + host


def token_secrets(token: str | None) -> list[str]:
    """The part of a bot token after the bot id, which is what must stay secret."""
    if not token:
        return []
    token = token.strip()
    return [token.split(":", 1)[1] if _BOT_ID.match(token) else token]


def _forms(secret: str) -> set[str]:
    """The ways a secret shows up in text: as is, percent-encoded (once, or twice when a
    URL holding it is encoded again); case is ignored when matching, since libraries
    lowercase error texts (python-telegram-bot does with a Bot API's descriptions)."""
    once = {quote(secret, safe=""), quote_plus(secret), quote(secret)}
    return {secret, *once, *(quote(form, safe="") for form in once)}


class Masker:
    """Replaces known secret strings in any text, whatever their case or encoding."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        unique = {s for s in secrets if len(s) >= _SHORTEST_MASKED_IN_TEXT}
        forms = {form for secret in unique for form in _forms(secret)}
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted(unique, key=len, reverse=True)
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(form) for form in ordered), re.IGNORECASE)
            if ordered
            else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        text = _URL_PASSWORD.sub(rf"\g<head>{MASK}@", text)
        return _QUERY_PASSWORD.sub(rf"\g<head>{MASK}", text)


@contextmanager
def masked_log_records(mask: Masker) -> Iterator[None]:
    """Mask secrets in every log record created meanwhile, whatever handler prints it.

    httpx and python-telegram-bot put the request URL, which contains the
    token, in log messages and exception texts; masking at record creation
    covers handlers added later too (including the test suite's).
    """
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call; logging reports it itself later
            return record
        record.msg, record.args = mask(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None  # so no handler formats the unmasked exception again
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return record

    logging.setLogRecordFactory(masked_record)
    try:
        yield
    finally:
        logging.setLogRecordFactory(make_record)
