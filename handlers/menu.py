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
            Role.SUPERVISOR: "各单位红黄绿灯总览；/status 单位 或 /status 编号 看一个",
            Role.LEADER: "您包联事项的总览",
            Role.MEMBER: "本单位事项总览",
        },
    ),
    Command(
        "tasks",
        "我的督办事项",
        {
            Role.SUPERVISOR: "全部推进中的事项，最紧急的在前",
            Role.LEADER: "您包联的事项",
            Role.MEMBER: "本单位牵头和配合的事项",
        },
    ),
    Command(
        "task",
        "事项详情与操作",
        {
            Role.SUPERVISOR: "编号：查看事项卡片，销号、退回、查看变更记录",
            Role.LEADER: "编号：查看事项卡片，报告进展",
            Role.MEMBER: "编号：查看事项卡片，报告进展、报完成、申请延期",
        },
    ),
    Command("overdue", "逾期事项", dict.fromkeys(_EVERYONE, "您范围内的逾期事项")),
    Command("digest", "今日汇总", dict.fromkeys(_EVERYONE, "现在就看您今天早上的汇总")),
    Command("export", "导出台账", dict.fromkeys(_EVERYONE, "把您范围内的台账导出为 Excel")),
    Command(
        "newtask",
        "新建督办事项",
        {Role.SUPERVISOR: "单位 | 标题 | 截止 | 包联领导：新建事项（确认后保存）"},
    ),
    Command(
        "bulletin",
        "本周督查通报",
        {Role.SUPERVISOR: "[2026-W48]：本周（或某周）督查通报 Word 文档"},
    ),
    Command(
        "pending",
        "待督查室处理",
        {Role.SUPERVISOR: "待销号、待审批延期、需协调、未签收和无人绑定的单位，附操作按钮"},
    ),
    Command("verify", "销号", {Role.SUPERVISOR: "编号：给已报完成的事项销号"}),
    Command("return", "退回", {Role.SUPERVISOR: "编号 理由：退回已报完成的事项"}),
    Command(
        "redate",
        "调整截止时间",
        {Role.SUPERVISOR: "编号 新截止 理由：直接调整截止时间（原时间留在变更记录，单位收到通知）"},
    ),
    Command(
        "duty",
        "节假日值班表",
        {
            Role.SUPERVISOR: (
                "各单位值班表报送和空档概况；/duty 单位 看一个单位；/duty 查岗 看今日记录；"
                "发来全县值班表 .xlsx 即可导入"
            ),
            Role.MEMBER: "报送（粘贴或发送 .xlsx，/duty 模板 取模板）、查看本单位节假日值班表",
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
    Command("invite", "生成邀请码", {Role.SUPERVISOR: "单位 成员 / 姓名 领导：生成一次性邀请码"}),
    Command(
        "bind",
        "把本群绑定为单位工作群",
        {
            Role.SUPERVISOR: "单位名称：在群里绑定该单位工作群",
            Role.MEMBER: "在单位工作群里发送，绑定本群",
        },
    ),
    Command("units", "责任单位与人员", {Role.SUPERVISOR: "各责任单位的人员和工作群"}),
    Command(
        "people",
        "人员与工作群管理",
        {Role.SUPERVISOR: "移除、调整人员，解绑工作群；/people log 看变动记录"},
    ),
    Command("invitations", "未使用的邀请码", {Role.SUPERVISOR: "查看、撤销未使用的邀请码"}),
    Command(
        "unbind",
        "解绑本群",
        {
            Role.SUPERVISOR: "在群里发送，解绑该工作群",
            Role.MEMBER: "在本单位工作群里发送，解绑本群",
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


def menu(role: Role | str | None) -> list[tuple[str, str]]:
    """(command, description) pairs for a role's menu; without a role, /start and /help."""
    if role is None:
        return [(c.name, c.menu) for c in COMMANDS if c.name in ("start", "help")]
    return [(c.name, c.menu) for c in COMMANDS if not c.help or Role(role) in c.help]
