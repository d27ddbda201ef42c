"""Whether a reply reports the task done.

A completion word (完成, 办结, 完工, 通过验收 …) reports it when it is not negated, not a
hedge (基本完成), not a promise (预计完成) and its subject and object are the task as a
whole (`bot.progress.scope`), and when nothing elsewhere in the reply overrules it: a
percent below 100, 完不成, a negated completion (还有2户未完成), an unfinished part
(部分设施暂缓建设). A done reply from the lead unit moves the task to 已报完成, so a step
or a part finished is left as progress.
"""

from __future__ import annotations

import re

from bot.progress.clauses import Clause
from bot.progress.figures import Figure
from bot.progress.scope import object_scope, subject_scope

# "core" words say the work is finished; their negation (尚未完成) anywhere in the reply
# means it is not. "close" words (通过验收, 请销号) say so too, but 待验收 is no
# admission that the work is unfinished.
COMPLETION = re.compile(
    r"(?P<close>(?:申请|请求|请予|恳请|请)(?:销号|办结)|已销号|"
    r"(?:落实|拆除|清理|整治|安装|处置|清运|修复|治理|配备)到位|通过[^,:]{0,6}?验收|验收合格|"
    r"验收已?通过|已验收|投入使用|交付使用|已投用)"
    r"|(?P<core>完成|办结|完结|完工|竣工|完毕|全部落实(?!到位)|落实完毕|已结束|已达标|建成投用|建成|已?整改(?:到位|完毕)|已整改|做完|干完|弄完|搞完|"
    r"搞定|弄好|办好|(?<![a-z])(?:done|finished|completed?)(?![a-z]))"
)
_CANNOT = re.compile(r"完不成|办不结|干不完|做不完|完不了|办不完")
_NEGATED_BEFORE = re.compile(
    r"(?:尚未|还未|仍未|并未|暂未|从未|未能|未|还没有?|没有?|没能|不能|不会|不可能|不|无法|难以|"
    r"无力|来不及|待|not|n't|never|yet to)[^已]{0,8}$"
    r"|(?:是否|能否|可否|有没有)[^,]{0,8}$"
)
_NEGATED_AFTER = re.compile(r"不了|不成|不完|不到|不下来|不掉|吗|么|\?")
_HEDGED = re.compile(
    r"(?:基本|大部分?|部分|大体|大致|初步|接近|即将|快要?|差不多|将近|几乎|大多数?|多数|逐步|陆续|"
    r"阶段性|局部|近乎|almost|nearly|partly|partially|mostly)[^,]{0,4}$"
)
_PROMISED = re.compile(
    r"预计|计划|力争|争取|确保|将于|将|拟|有望|可望|准备|打算|要求|(?<![主重纪])要|能够?|可以|"
    r"(?<![认许])可(?!研)|会(?!议|同)|(?<![相供响对反效适])应|需要?|必须|务必|尽快|抓紧|加快|努力|"
    r"保证|(?<![提目当此日])前|马上|立即|很快|will|going to|plan"
    # 再有两天就完成了, 下周就完成了: done soon, not done (早就完成了 is done).
    r"|(?<![早])就$"
)
# 全部完成, 已全部办结: the reply says all of it, so percent 100 without a figure.
_ALL_OF_IT = re.compile(r"全部|百分之?百|100%")
# A clause that says work remains, unless it is only the paperwork after the work.
_REMAINING = re.compile(
    r"正在|正抓紧|抓紧|加紧|加快|推进中|进行中|施工中|实施中|建设中|剩余|剩下|还剩|尚有|仍有|还有|其余|"
    r"即将|马上|下一?步|接下来|随后|准备|计划|预计|力争|争取|启动|着手|开始|有待|尚需|还需|仍需|尚未|"
    r"还未|还没|仍未|暂未"
)
# 部分配套设施暂缓建设, 还有1户群众不满意, 正在返工: a part is unfinished, whatever
# else is done.
_UNFINISHED_PART = re.compile(
    r"(?:部分|个别|少量|剩余|剩下|还有|尚有|仍有|其余|另有)[^,]{0,12}?(?:暂缓|未|没|正在|待|还在|仍在|不)"
    r"|返工|返修|重做|推倒重来|不彻底|不到位|不完全|不全面|不完善|不达标|不合格"
)
_MONEY = re.compile(r"资金|经费|款|钱|投资|预算")
_PAPERWORK = re.compile(
    r"验收|销号|资料|佐证|审计|结算|决算|审核|归档|台账|总结|报告|材料|评估|复查|核查|检查|回头看|巩固|"
    r"管护|维护|运行|长效|照片"
)


def reports_done(
    clauses: list[Clause], figure: Figure | None, stuck: set[int]
) -> tuple[bool, bool, int]:
    """Whether the reply reports the task done, whether it says all of it (全部完成), and
    the last clause that says so."""
    if figure is not None and figure.value < 100:
        return False, False, -1
    finished = figure is not None and figure.scope == 2  # the whole task is finished
    finished_at = figure.clause if finished and figure else -1
    named = []  # clauses where a named part is finished (道路硬化已完成), perhaps the task
    if figure is not None and figure.scope == 1:
        named.append(figure.clause)
    all_of_it = False
    for index, clause in enumerate(clauses):
        if _CANNOT.search(clause.text):
            return False, False, -1
        if _UNFINISHED_PART.search(clause.text) and not (
            _MONEY.search(clause.text) or _PAPERWORK.search(clause.text)
        ):
            return False, False, -1
        for number, part in enumerate(clause.parts, 1):
            if number < len(clause.parts):
                continue  # a heading before a colon: 已完成的工作:选址、设计
            for match in COMPLETION.finditer(part):
                before, after = part[: match.start()], part[match.end() :]
                if _NEGATED_BEFORE.search(before[-16:]) or _NEGATED_AFTER.match(after):
                    # 审计结算还没完成 is paperwork after the work, not work left.
                    if match["core"] and not _PAPERWORK.search(part):
                        return False, False, -1
                    continue
                promised = "已" not in before and _PROMISED.search(before)
                if promised or _HEDGED.search(before[-12:]):
                    continue
                scope = min(subject_scope(before), object_scope(after))
                if scope == 2:
                    finished, finished_at = True, index
                elif scope == 1:
                    named.append(index)
                if scope:
                    all_of_it = all_of_it or bool(_ALL_OF_IT.search(before + match[0] + after[:4]))
    if not finished and named:
        # A named part is the task unless another clause says work remains or is stuck.
        finished = not any(
            (_REMAINING.search(c.text) and not _PAPERWORK.search(c.text)) or i in stuck
            for i, c in enumerate(clauses)
            if i not in named
        )
    if finished and named:
        finished_at = max(finished_at, *named)
    return finished, finished and all_of_it and figure is None, finished_at
