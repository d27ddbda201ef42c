"""The command list, once: `/help` per role and the menu Telegram shows (setMyCommands).

Each command names its short menu text and, per role that may use it, the
line `/help` shows. Adding a command is one row here plus its handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Role


@dataclass(frozen=True)
class Command:
    name: str
    menu: str  # the menu's short description
    help: dict[Role, str]  # the role's /help line; roles not listed do not get the command


_EVERYONE = (Role.SUPERVISOR, Role.LEADER, Role.MEMBER)

COMMANDS: tuple[Command, ...] = (
    Command("start", "开始 / 绑定账号", {}),
    Command(
        "status",
        "红黄绿灯总览",
        {
            Role.SUPERVISOR: "各单位红黄绿灯总览",
            Role.LEADER: "您包联事项的总览",
            Role.MEMBER: "本单位事项总览",
        },
    ),
    Command(
        "holiday",
        "节假日与调休安排",
        {
            Role.SUPERVISOR: "查看、登记节假日和调休上班日",
            Role.LEADER: "节假日安排",
            Role.MEMBER: "节假日安排",
        },
    ),
    Command("help", "我能做什么", dict.fromkeys(_EVERYONE, "本说明")),
)

ROLE_INTRO = {
    Role.SUPERVISOR: "您是督查室成员，可以使用：",
    Role.LEADER: "您是包联领导，可以使用：",
    Role.MEMBER: "您是单位联络员，可以使用：",
}


def help_text(role: Role | str) -> str:
    role = Role(role)
    lines = [f"/{c.name} {c.help[role]}" for c in COMMANDS if role in c.help]
    return "\n".join([ROLE_INTRO[role], *lines])


def menu(role: Role | str | None = None) -> list[tuple[str, str]]:
    """(command, description) pairs for a role's menu; without a role, every command."""
    return [
        (c.name, c.menu) for c in COMMANDS if role is None or not c.help or Role(role) in c.help
    ]
