"""What a completion is of: the whole task, a named part that may be it, or a step.

"已完成", "任务已办结" and "我镇已按期完成" finish the task; "已完成选址", "一期已完工"
and "已完成3个村" report a step on the way. `subject_scope` reads the words before a
completion word (or before a figure of 100), `object_scope` the words after it; each
gives 2 (the task as a whole), 1 (a named part, the task unless the reply says work
remains) or 0 (a step). Both the done rules and the choice of a figure of 100 ask this.
"""

from __future__ import annotations

import re

from bot.progress.percentages import PERCENT

# Steps on the way to the task's end: 已完成选址 and 一期已完成 report progress, not the end.
_STEP = re.compile(
    r"第[\d一二三四五六七八九十]+(?:阶段|期|批|步|部分|项|轮|次|个|标段|组)|[\d一二三四五六七八九十两]期|"
    r"前期|初步|初期|部分|首批|首期|阶段|一半|大部|大头|主要|多数|选址|招标|投标|设计|方案|立项|可研|审批|批复|"
    r"备案|环评|勘察|勘测|测绘|测量|摸排|摸底|调研|评审|论证|公示|采购|进场|开工|放线|基础(?!设施)|"
    r"主体|封顶|手续|报批|规划|图纸|部署|动员|培训|自查|初审|初验|预验收|清表"
)
_COUNT = re.compile(
    r"(?:\d+|[一二三四五六七八九十两]+)(?:个|家|户|处|条|座|所|项|名|人|栋|套|间|公里|千米|米|亩|件|批|次|"
    r"轮|台|块|吨|平方米?)"
)
_ALL = re.compile(r"全部|所有|全|均|都|各|悉数|整体|皆")

# What may stand before a completion word without narrowing it to a part of the task:
# time, manner, the reporting unit, words for "the task" itself.
_WHOLE_SUBJECT = re.compile(
    r"截至目前|截止目前|到目前为止|目前|现在|现已|现|当前|今天|今日|昨天|昨日|本周|上周|本月|近日|日前|"
    r"刚刚|刚才|刚|已经|已|均|都|全部|全面|全都|全|皆|悉数|顺利|圆满|如期|按期|按时|按要求|按照要求|"
    r"按计划|按照计划|按规定|按节点|提前|及时|超额|高质量|高标准|保质保量|如数|彻底|完全|总体|整体|"
    r"我们|我|本|该|此|这|各|相关|上述|以上|所有|工作|任务|事项|项目|工程|整改|督办|交办|建设|施工|"
    r"目标|件|项|个|的|了|也|并|且|经过?|通过|努力|积极|全力|加班加点|但是|但|不过|然而|可是|只是|"
    r"于|在|后来|随后|之后|后|最终|终于|协调|多方|"
    r"[\u4e00-\u9fff]{0,6}?(?:镇|乡|街道|社区|局|委|办|公司|中心|站|所|队|院|厅|部门|单位|科|股)|"
    r"\d{2,4}年|\d{1,2}月|\d{1,2}[日号]|底|初|中旬|上旬|下旬|前|[a-z ]+"
)
_PARTICLES = re.compile(r"(?:了|啦|的|咯|喽|哈|呀|啊|哦|噢|嘞|嗯|呢|滴|~|!)*")
_WHOLE_OBJECT = re.compile(
    r"(?:全部|所有|各项|本项|该项|此项|这项|既定|年度|全年|整体|整个|相关|上述|以上|预定|预期|督办|交办)*"
    r"的?(?:目标任务|工作任务|整改任务|建设任务|督办事项|交办事项|工作|任务|目标|工程|项目|事项|内容|"
    r"整改|建设|施工|验收|销号|工程量|工作量)?(?:了|啦|的|咯|哈|!)*"
)
# After the completion word, a new thought may start without punctuation: 已完成请审核.
_OPENER = re.compile(
    r"请|申请|特此|望|敬请|谢谢|感谢|盼|烦请|麻烦|附|详见|见附|已|并|且|同时|目前|现在|现已|下一?步|后续|"
    r"等待|待|正在|准备|将|经|通过|具备|符合|无|没有|其中|另|此外|可以|欢迎|随时|ok|投用|投入使用|"
    r"交付|通车|运行"
)
_TASK_NOUN = re.compile(r"(?:任务|工作|整改|建设|工程|项目|改造)$")


def subject_scope(before: str) -> int:
    """2: the task as a whole, 1: a named part that may be the whole task, 0: a step."""
    if _STEP.search(before) or (_COUNT.search(before) and not _ALL.search(before)):
        return 0
    return 1 if _WHOLE_SUBJECT.sub("", before) else 2


def object_scope(after: str) -> int:
    # Both patterns match at the start, if only the empty string: strip that match.
    rest = _PARTICLES.sub("", after, count=1)
    if not rest:
        return 2
    tail = _WHOLE_OBJECT.sub("", rest, count=1)
    if not tail or _OPENER.match(tail):
        return 2
    if _STEP.search(rest) or PERCENT.search(rest):
        return 0
    if _COUNT.search(rest) or re.search(r"\d", rest):
        return 1 if _ALL.search(rest) else 0  # 完成全部18户改造, not 完成3个村
    return 1 if _TASK_NOUN.search(rest) else 0
