"""Ledger columns as offices name them, and the words their cells may hold."""

from __future__ import annotations

import re

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
# Columns offices keep that fold into a task's text: 存在问题 and 下步打算 join the
# latest report (they say how the work stands), the others join 备注 under their name.
REPORT_PARTS = ("存在问题", "下步打算")
DETAIL_PARTS = ("任务内容", "时间节点", "责任人")
READ_COLUMNS = frozenset(EXPORT_COLUMNS) - UNREAD_COLUMNS | set(REPORT_PARTS) | set(DETAIL_PARTS)
# Other names the same columns go by in ledgers in the wild, as folded by
# `bot.excel.headers.fold_header` (full-width forms folded, no spaces or line breaks).
COLUMN_ALIASES = {
    "事项名称": "事项",
    "督办事项": "事项",
    "任务": "事项",
    "工作任务": "事项",
    "重点任务": "事项",
    "主要任务": "事项",
    "任务名称": "事项",
    "工作事项": "事项",
    "牵头单位(部门)": "牵头单位",
    "牵头部门": "牵头单位",
    "主责单位": "牵头单位",
    "配合部门": "配合单位",
    "协办单位": "配合单位",
    "责任领导": "包联领导",
    "包联县领导": "包联领导",
    "分管领导": "包联领导",
    "牵头领导": "包联领导",
    "县级包联领导": "包联领导",
    "完成时限": "截止时间",
    "截止日期": "截止时间",
    "时限": "截止时间",
    "完成时间": "截止时间",
    "办结时限": "截止时间",
    "任务来源": "来源",
    "事项来源": "来源",
    "交办来源": "来源",
    "序号编号": "编号",
    "具体要求": "备注",
    "工作要求": "备注",
    "完成情况": "最近进展",
    "进展情况": "最近进展",
    "工作进展": "最近进展",
    "推进情况": "最近进展",
    "进度(%)": "进度",
    "问题": "存在问题",
    "存在的问题": "存在问题",
    "存在困难和问题": "存在问题",
    "下步打算": "下步打算",
    "下一步打算": "下步打算",
    "下步工作打算": "下步打算",
    "下一步工作计划": "下步打算",
    "下步计划": "下步打算",
    "联系人": "责任人",
    "具体责任人": "责任人",
}
# Headers whose meaning depends on the sheet: each means its first column unless
# another header already does, then its second. 责任单位 is the lead unit in a sheet
# without 牵头单位, the other responsible units beside one; 目标任务 is the task
# unless a 工作任务 column names it, then what the task aims at.
SHARED_MEANINGS = {
    "责任单位": ("牵头单位", "配合单位"),
    "目标任务": ("事项", "任务内容"),
    "任务内容": ("事项", "任务内容"),
    "工作内容": ("事项", "任务内容"),
    "具体内容": ("事项", "任务内容"),
    "时间节点": ("截止时间", "时间节点"),
}
STANDING_DEADLINES = {"长期", "长期坚持", "持续推进", "常态化", "常态化推进", "持续"}
MILESTONE_SEPARATORS = re.compile(r"[\n；;]+")
# Where a milestone's date ends and its title begins ("2026-06-30 18:00 完成立项").
MILESTONE_DATE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：]\s*\d{2})?"
)
# A written date run into its title, as offices type them: 12月8日前完成摸排, 12月底前完成.
MILESTONE_WRITTEN_DATE = re.compile(
    r"^\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|[上中下]旬|底|末)?"
    r"\s*(?:之前|以前|前)?"
)
# A date in brackets after the title: 完成摸排（12月8日前）.
MILESTONE_DATE_AFTER = re.compile(r"^(?P<title>.+?)\s*[（(](?P<date>[^（）()]+)[)）]\s*$")
STATES_BY_LABEL = {label: state for state, label in STATE_LABELS.items()} | {
    "进行中": TaskState.OPEN,
    "正在推进": TaskState.OPEN,
    "已退回": TaskState.OPEN,
    "已完成": TaskState.REPORTED_DONE,
    "已办结": TaskState.VERIFIED,
}
