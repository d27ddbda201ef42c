"""/status: the summary in the caller's scope."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.render import summary_text
from bot.summary import Scope
from db.models import Person, Role
from handlers.context import Call, for_bound_people


def scope_of(person: Person) -> Scope | None:
    """Supervisors see the county, leaders the tasks they lead, members their unit (if any)."""
    if person.role == Role.SUPERVISOR:
        return Scope()
    if person.role == Role.LEADER:
        return Scope(leader_id=person.id)
    return Scope(unit_id=person.unit_id) if person.unit_id is not None else None


@for_bound_people
def status(call: Call) -> str:
    scope = scope_of(call.person)
    if scope is None:
        return "您的账号还没有关联责任单位，请联系县督查室。"
    summary = call.runtime.summary(call.session, scope=scope)
    return summary_text(summary, call.runtime.zone)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", status))
