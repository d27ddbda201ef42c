"""Ledger columns as offices name them, and the words their cells may hold."""

from __future__ import annotations

import re
import unicodedata

from bot.ledger.states import STATE_LABELS
from db.models import TaskState

TEMPLATE_COLUMNS = ["编号", "事项", "牵头单位", "配合单位", "包联领导", "截止时间", "节点", "备注"]
EXPORT_COLUMNS = [
    *TEMPLATE_COLUMNS,
    "来源",
    "状态",
    "红黄绿灯",
    "进度",
    "需协调",
    "最近进展",
    "最近进展时间",
]
REQUIRED_COLUMNS = ("事项", "牵头单位", "截止时间")
# Known but not imported: the light is computed from the deadline, 序号 numbers the rows.
UNREAD_COLUMNS = frozenset({"红黄绿灯", "序号"})
READ_COLUMNS = frozenset(EXPORT_COLUMNS) - UNREAD_COLUMNS
# Other names the same columns go by in ledgers in the wild.
COLUMN_ALIASES = {
    "事项名称": "事项",
    "督办事项": "事项",
    "任务": "事项",
    "工作任务": "事项",
    "责任单位": "牵头单位",
    "牵头单位（部门）": "牵头单位",
    "完成时限": "截止时间",
    "截止日期": "截止时间",
    "时限": "截止时间",
    "序号编号": "编号",
    "具体要求": "备注",
    "工作要求": "备注",
    "完成情况": "最近进展",
    "进度（%）": "进度",
}
# The same aliases with full-width brackets and letters folded, for headers typed either way.
FOLDED_ALIASES = {unicodedata.normalize("NFKC", key): name for key, name in COLUMN_ALIASES.items()}
STANDING_DEADLINES = {"长期", "长期坚持", "持续推进", "常态化", "常态化推进", "持续"}
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
MILESTONE_SEPARATORS = re.compile(r"[\n；;]+")
# Where a milestone's date ends and its title begins ("2026-06-30 18:00 完成立项").
MILESTONE_DATE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：]\s*\d{2})?"
)
STATES_BY_LABEL = {label: state for state, label in STATE_LABELS.items()} | {
    "进行中": TaskState.OPEN,
    "正在推进": TaskState.OPEN,
    "已退回": TaskState.OPEN,
    "已完成": TaskState.REPORTED_DONE,
    "已办结": TaskState.VERIFIED,
}
