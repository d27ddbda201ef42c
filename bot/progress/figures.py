"""Which written percentage, if any, is the task's progress.

A reply may give several figures, and many measure something else: a rate (到位率),
money (资金), a change (同比增长), a target (力争), an earlier week (上周40%).
`progress_figure` reads the words around each figure in its clause to say what it
measures, counts what remains from 100 (还剩30% → 70), and of several takes the
task-wide one (整体, 累计), else the smallest: a task is as far along as its slowest
part. A figure of 100 also carries what it is of (`bot.progress.scope`), since only
100% of the whole task makes it done.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from bot.progress.clauses import Clause
from bot.progress.percentages import PERCENT, POINTS, percent_value
from bot.progress.scope import subject_scope

# The words before a figure say what it measures. Scanning the clause up to the figure,
# the last of these that is decisive (money, progress, metric, change) decides; the
# others set flags. Alternatives are tried in order at each position, so longer words
# come first (投资完成率 before 完成率 before 完成; 率先 before 率).
_CONTEXT = re.compile(
    r"(?P<neutral>率先|年度|季度|程度|力度|制度|额度|态度|角度|按计划|按照计划|计划内|按要求|按照要求|"
    r"(?:计划|目标)(?:任务|数|量)?的|(?:提升|提高|增长|增加|上升|下降|降低|减少)(?:了)?(?:到|至|为))"
    r"|(?P<money>(?:投资|资金|预算|支付|拨付)[\u4e00-\u9fff]{0,2}?完成率|资金|投资|预算|经费|款项|"
    r"拨付|支付|到位|贷款|收入|产值|营收|税收|财政|补贴|补助|融资|[万亿]?元)"
    r"|(?P<progress>完成率|完工率|办结率|整改率|销号率|完成度|形象进度|进度|进展|完成|完工|办结|"
    r"推进|实施|建设|施工|改造|拆除|拆迁|整改|done|complete)"
    r"|(?P<metric>率|满意度|知晓度|认可度|参与度|透明度|覆盖度|信任度|支持度|温度|湿度|占比|"
    r"比重|比例|份额|占|时间|时序|工期|同比|环比)"
    r"|(?P<change>增长|下降|提高|提升|降低|减少|增加|上升|上涨|下跌|回落|增幅|降幅|增速|"
    r"超出|高出|滞后|落后|超前|[增降涨跌])"
    r"|(?P<rest>剩余|剩下|还剩|尚余|余下|还差|未完成|尚有|还有)"
    r"|(?P<target>计划|预计|力争|争取|确保|有望|预期|拟|目标|要求|下一?步|[日号底末]前)"
    r"|(?P<past>上周|上个?月|上季度|上半年|上次|此前|原来|原先|昨天|昨日|前天|去年|往年|同期)"
    r"|(?P<current>目前|现在|现已|当前|本周|本月|今天|今日|如今|截至目前|截止目前)"
    r"|(?P<overall>整体|总体|累计|总进度|整个|全县|全镇|全乡|全局|综合|共计|合计|总计)"
)
_DECISIVE = ("money", "progress", "metric", "change", "rest")
_SHARE_OF_WORK = re.compile(r"(?:总|全部|整个|年度)?(?:任务|工作量|工程量|总量|总数|户数)")
_PROGRESS_NOUNS = frozenset(("进度", "进展", "完成率", "完成度", "形象进度"))
_FROM = re.compile(r"(?:由|从)(?:原来|之前|上周|上月)?的?(?:约|大约|近)?$")


class Figure(NamedTuple):
    value: int
    position: int
    kind: str  # "progress", "remaining" (100 less 还剩30%), "earlier" (上周40%), "other"
    overall: bool
    clause: int  # index in the reply's clauses
    scope: int  # what the figure is of: as scope.subject_scope


def _kind(clause: str, start: int, end: int) -> tuple[str, bool]:
    """What the figure at start:end measures: "progress", "rest" (还剩30%), "earlier"
    (上周40%, 由40%…) or "other"; and whether it is for the whole task (整体, 累计)."""
    before = clause[:start]
    decisive = None
    money_end = -2  # where the last money word ended
    target_end = -1  # where the last target word ended
    past = overall = False
    for token in _CONTEXT.finditer(before):
        group = token.lastgroup
        if group in _DECISIVE:
            # 资金支付进度, 投资进度: a progress noun right after money measures the money.
            after_money = token.start() <= money_end + 1
            if group == "progress" and token[0] in _PROGRESS_NOUNS and after_money:
                group = "money"
            if group == "metric" and token[0] == "占" and _SHARE_OF_WORK.match(before, token.end()):
                group = "progress"  # 占总任务的50%, not 占年度投资的50%
            if group == "money":
                money_end = token.end()
            decisive = group
        elif group == "target":
            target_end = token.end()
        elif group == "past":
            past = True
        elif group == "current":
            past = False
        elif group == "overall":
            overall = True
    if target_end >= 0 and "已" not in before[target_end:]:
        return "other", overall
    if decisive is None:
        # Nothing before the figure: what follows it may say (30%的资金已到位).
        for token in _CONTEXT.finditer(clause, end):
            if token.lastgroup in _DECISIVE:
                decisive = "progress" if token.lastgroup == "progress" else "other"
                break
    if decisive == "rest":
        return "rest", overall
    if decisive not in (None, "progress"):
        return "other", overall
    if past or _FROM.search(before[-12:]):
        return "earlier", overall
    return "progress", overall


def progress_figure(text: str, clauses: list[Clause]) -> Figure | None:
    """The reply's progress percentage, if it gives one."""
    figures = []
    starts = [clause.start for clause in clauses]
    for match in PERCENT.finditer(text):
        value = percent_value(match)
        if value is None or value > 100 or POINTS.match(text, match.end()):
            continue
        index = bisect_right(starts, match.start()) - 1
        clause = clauses[index]
        start, end = match.start() - clause.start, match.end() - clause.start
        kind, overall = _kind(clause.text, start, end)
        if kind == "rest":  # 还剩30%: 70% is done
            value, kind = 100 - value, "remaining"
        # Only a figure of 100 can make the task done, and then it matters what it is of.
        scope = subject_scope(_CONTEXT.sub("", clause.text[:start])) if value == 100 else 0
        figures.append(Figure(int(value), match.start(), kind, overall, index, scope))
    present = [f for f in figures if f.kind == "progress"] or [
        f for f in figures if f.kind == "remaining"
    ]
    if not present:
        earlier = [f for f in figures if f.kind == "earlier"]
        return earlier[-1] if earlier else None
    of_the_whole = [f for f in present if f.overall]
    if of_the_whole:
        return min(of_the_whole, key=_by_value)
    # 完成60%，其中A村80%: what follows 其中 are the parts of the figure before it.
    parts_from = text.find("其中")
    whole = [f for f in present if parts_from < 0 or f.position < parts_from]
    return min(whole or present, key=_by_value)


def _by_value(figure: Figure) -> tuple[int, int]:
    return figure.value, figure.scope  # of equal figures, the one of a part
