"""A ledger .xlsx sent in chat by the office: echoed as an import, applied on 确认导入.

A supervisor's .xlsx in a private chat that is neither a roster (`handlers.duty`
takes those first) nor a reply (a file answering a task's message is evidence
for that task) is read as a ledger; the echo says what would be added and
updated, or every row's error, and nothing is written until 确认导入. A unit's
file, or a workbook with no ledger header at all, stays evidence as before.
"""

from __future__ import annotations

import asyncio
import base64

from sqlalchemy import select
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.core.access import OfficeAction, Refusal, may_office, require_office
from bot.core.buttons import Choice, Pressed, choice_buttons, drop_payloads
from bot.core.messages import IncomingFile, Message, Reply
from bot.core.transaction import unit_of_work
from bot.excel import LedgerFileError, NotALedgerError
from bot.excel.offer import (
    LedgerImport,
    done_text,
    file_name_of,
    import_bytes,
    near_units,
    offer_text,
)
from bot.runtime import Runtime
from db.models import Person
from handlers.context import BOUND, FETCH_LIMIT, Call, handler, runtime_of
from handlers.dispatch import add_button, answer_plain

IMPORT_LEDGER = "import_ledger"
CANCEL_IMPORT = "cancel_import"
NOT_FETCHED = f"文件太大（超过 {FETCH_LIMIT // (1024 * 1024)} MB）或没能下载，请稍后重新发送。"

LEDGER_DOCUMENT = (
    filters.Document.FileExtension("xlsx")
    & filters.ChatType.PRIVATE
    & ~filters.REPLY  # a file replying to a task's message is evidence for that task
)


def _from_the_office(runtime: Runtime, user_id: int) -> bool:
    """Whether the sender may import a ledger: asked before the file is downloaded,
    so a unit's evidence is never fetched (its file id is all a report keeps)."""
    if user_id in runtime.settings.admins:
        return True  # identified (as a supervisor) on this very update if new
    with unit_of_work(runtime.sessions, read_only=True) as session:
        person = session.scalar(select(Person).where(Person.telegram_user_id == user_id))
        return may_office(person, OfficeAction.IMPORT_LEDGER)


async def ledger_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None or not await asyncio.to_thread(_from_the_office, runtime_of(context), user.id):
        return  # not handled here: the replies and plain messages take it as evidence
    await _offer(update, context)


def _is_document(file: IncomingFile) -> bool:
    return file.kind == "document"


def _import(
    call: Call, content: bytes, file_name: str, *, keep: bool, new_units: list[str] | None = None
) -> LedgerImport:
    try:
        return import_bytes(
            call.session,
            content,
            file_name,
            keep=keep,
            now=call.now(),
            zone=call.runtime.zone,
            calendar=call.runtime.calendar(call.session),
            end_of_day=call.runtime.settings.end_of_day,
            new_units=new_units or (),
        )
    except NotALedgerError:
        raise
    except LedgerFileError as error:
        raise Refusal(str(error)) from error


@handler(BOUND, fetch=_is_document)
def _offer(call: Call) -> Reply:
    """Echo what importing the file would do; 确认导入 carries the file's bytes."""
    require_office(call.caller, OfficeAction.IMPORT_LEDGER)
    (document,) = [file for file in call.files if file.kind == "document"]
    if document.content is None:
        raise Refusal(NOT_FETCHED)
    name = file_name_of(document.file_name)
    try:
        tried = _import(call, document.content, name, keep=False)
    except NotALedgerError:
        return answer_plain(call)  # some other table: evidence, as any file
    asked, confirmed = None, near_units(tried)
    if tried.only_near_units:  # asked in the echo; 确认导入 confirms them (the CLI's --new-unit)
        asked, tried = tried, _import(call, document.content, name, keep=False, new_units=confirmed)
    if not tried.result.ok or tried.changes_nothing:
        return offer_text(tried)
    # The bytes (at most FETCH_LIMIT) wait in the one-time button: confirming imports
    # exactly the file echoed, checked again then; used, they are dropped.
    payload = {
        "file": name,
        "content": base64.b64encode(document.content).decode("ascii"),
        "new_units": confirmed if asked is not None else [],
    }
    confirm, cancel = choice_buttons(
        call.session,
        owner=call.caller,
        choices=[Choice(IMPORT_LEDGER, "确认导入", payload), Choice(CANCEL_IMPORT, "取消")],
        now=call.now(),
    )
    return Message(offer_text(tried, asked), buttons=((confirm, cancel),))


def _confirm(call: Call, button: Pressed) -> Reply:
    """确认导入: the same file imported for good, all rows or none."""
    require_office(call.caller, OfficeAction.IMPORT_LEDGER)
    assert button.payload is not None
    content = base64.b64decode(button.payload["content"])
    drop_payloads(call.session, button)
    try:
        done = _import(
            call, content, button.payload["file"], keep=True, new_units=button.payload["new_units"]
        )
    except NotALedgerError as error:
        raise Refusal(str(error)) from error
    return done_text(done)


def _cancel(call: Call, button: Pressed) -> Reply:
    drop_payloads(call.session, button)  # the file's bytes go with the offer
    return "已取消，未导入。"


def register(app: Application) -> None:
    # After the duty rosters (a roster .xlsx is theirs); before the replies and plain
    # messages of group 1, which take any other file as evidence.
    app.add_handler(MessageHandler(LEDGER_DOCUMENT, ledger_file))
    add_button(IMPORT_LEDGER, _confirm, one_time=True)
    add_button(CANCEL_IMPORT, _cancel, one_time=True)
