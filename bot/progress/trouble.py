"""Whether a reply asks for help: a difficulty named and not answered.

A difficulty word (困难, 受阻, 卡在, 资金缺口, 需协调 …) counts unless it is denied
(没有困难, 无需协调), conditional (如有困难及时报告), the object of the work (克服困难,
困难群众) or solved later in the reply (卡在征地，现已解决). The task's card then shows
需协调, so a difficulty that names nothing must not raise it. `stuck_clauses` gives the
clauses whose difficulty stands, so that `parse_progress` can also drop those named
before the clause that reports the task done (前期受阻，后经协调已全部完成).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.progress.clauses import Clause

# A difficulty, a blockage, a shortage or a request for someone else to act.
_TROUBLE = re.compile(
    r"困难(?!群众|户|家庭|职工|学生|人员|党员|老人|儿童|对象|人群|企业|残疾|退役|帮扶|救助|补助|户籍)"
    r"|难题|阻力|障碍|瓶颈|卡点|堵点|卡在|卡住|卡壳|卡脖子|被卡|受阻|阻工|阻挠|停滞|推不动|推进不了|"
    # Work stopped or suspended: someone has to act before it goes on (unless the
    # weather or a rule stopped it: `_ROUTINE_STOP`).
    r"(?P<stop>(?<!复)停工|暂停(?:施工|建设|实施|推进)|(?<!复)停建|被叫停)|"
    r"进行不下去|干不下去|开展不了|无法(?:推进|开展|施工|进场|实施|动工)|不能推进|推进难|"
    r"难以(?!置信)|难度(?:较大|很大|大|极大|不小|较高|很高|高)|有难度|迟迟(?:未|没|不)|配合不(?:到位|力|够)"
    r"|(?:需|需要|亟需|急需|亟待|急待|请求|恳请|请|希望|建议|盼|望|敬请|烦请|麻烦|拜托|劳烦)[^,。;!?:]{0,12}?"
    r"(?:协调|支持|帮助|帮忙|支援|协助|出面|调度|解决|研究|配合|督促|想办法)"
    r"|(?:资金|经费|钱|款|人手|人员|力量|设备|材料|指标|用地)[^,。;!?:]{0,4}?(?:缺口|不足|短缺|紧张|紧缺|"
    r"未到位|没到位|不到位|没有到位|尚未到位|未落实|没落实|没有落实|迟迟未|没有着落|无着落|困难|跟不上|不够)"
    r"|缺口|缺资金|缺钱|缺人|缺少资金|缺乏资金|没有资金|没钱|急需|亟需|亟待"
    r"|[做办批谈推走搞]不(?:通|下来|拢|动)|拖欠|欠(?:款|薪|账|着)|不配合|不同意|不愿意|拒绝|拒不|抵触|阻拦|钉子户|纠纷|上访|求助|求援"
    r"|(?:存在|遇到|碰到|面临)[^,。;!?:]{0,8}?(?:问题|矛盾|麻烦)|难做|难办|难搞|问题(?:较多|很多|突出|较大|比较多|比较大|严重)"
    r"|(?:未|没|没有|尚未|仍未|还未|还没|无法|难以|不能)(?:得到)?解决|解决不了"
    r"|(?<![a-z])(?:need(?:s)? help|help|blocked|stuck)(?![a-z])"
)
# A stop nobody needs to help with: the weather, the season, a rule everyone follows.
_ROUTINE_STOP = re.compile(
    r"下雨|降雨|雨天|雨雪|下雪|降雪|天气|大风|寒潮|低温|高温|冰冻|冬季|冬歇|汛期|春节|节假日|放假|夜间|"
    r"预警|管控要求|按要求|按规定|根据要求|统一安排|中高考|考试期间"
)
# 没有困难, 无需协调, 不存在问题, 克服困难: the difficulty word names no difficulty here.
_NO_TROUBLE_BEFORE = re.compile(
    r"(?:虽然?|尽管)[^,]{0,10}$"
    r"|(?:(?:如果?|若|假如|一旦|万一)(?:有|遇到|碰到|存在|出现|需要?)?"
    r"|(?:没有|没|无|暂无|尚无|并无|不存在|未|从未|不|毫无|别无|no|not)"
    r"(?:遇到|碰到|发现|存在|出现|发生|有|什么|任何|太大的?|大的|明显的?|特别的?|其他的?|别的|啥|"
    r"多大的?|较大的?|重大的?|太多的?|再|须|必|用)*"
    r"|(?:克服|战胜|化解|破解|排除|攻克|解决|帮扶|慰问|走访|救助|帮助|关爱|纾解)"
    r"(?:了|各种|重重|诸多|一系列|种种|一些|部分|很多|许多)*)$"
)
# 困难不大, 有困难再联系; a form's heading answered "none" (存在问题：无, 需协调事项：暂无).
_NO_TROUBLE_AFTER = re.compile(
    r"不大|不多|较小|很小|可控|再|的话|时|将?及时"
    r"|[^,。;:]{0,10}?[:】\])](?:无(?!法)|暂无|没有|否|/|-)"
)
_SOLVED = re.compile(
    r"(?:已|已经|现已|均已|都已|得到|得以|顺利|成功)(?:(?!需|请|要|待|未|没|不|还)[^,。;!?:]){0,8}?"
    r"(?:解决|化解|打通|排除|克服|消除|理顺|疏通|补齐|补足|到位|落实|批复|批下来|办妥|谈妥|搞定|协调好|"
    r"处理好|签订|达成一致|拿到|取得|疏解|缓解|攻克|做通|同意|恢复|签字)"
    r"|(?:解决|化解|打通|克服|消除|补齐|搞定|协调好|处理好|谈妥|做通)了"
)
# Before 已解决 in its clause, only words that point back at the difficulty (现已解决,
# 经县里协调问题已解决): then it answers a difficulty named in an earlier clause.
_BACK_REFERENCE = re.compile(
    r"现在?|目前|当前|如今|经过?|通过|在|由于?|县(?:里|委|政府|领导)?|乡|镇|市|领导|主要领导|分管领导|"
    r"相关部门|部门|多方|各方|共同|努力|积极|反复|协调|帮助|支持|下|后|之后|的|已|已经|均|都|基本|"
    r"全部|完全|顺利|问题|困难|难题|卡点|堵点|矛盾|缺口|阻力|障碍|纠纷|该|此|这个|这些?|上述|以上|前述|"
    r"相关|此事|我们|我镇|我乡|我局|我单位|了|也|并|且|现场|及时|妥善"
)


# The help asked for earlier is no longer needed: 征地问题已解决, 已协调好, 无需再协调.
# Narrower than `_SOLVED`: 资金已到位 or 已落实 may be progress of any kind, but a flag
# raised on purpose is cleared only by words about the difficulty itself.
_RESOLVED = re.compile(
    r"(?:已|已经|现已|均已|都已|得到|得以|顺利|成功)[^,。;!?:未没不]{0,6}?"
    r"(?:解决|化解|协调好|协调到位|协调完毕|排除|克服|搞定|理顺|疏通|打通)"
    r"|(?:解决|化解|协调好|搞定|克服|理顺|打通)了"
    r"|(?:无需|不需要|不用|不必|不再需要)(?:再)?(?:县里)?(?:协调|帮助|支持)"
    r"|(?<![未没不])(?:问题|困难)(?:已|都已|均已)?(?:解决|消除)"
)


def resolves_trouble(text: str) -> bool:
    """Whether a reply says a difficulty raised before is solved (卡点已打通, 已协调好)."""
    return _RESOLVED.search(text) is not None


def stuck_clauses(text: str, clauses: list[Clause]) -> set[int]:
    """The clauses naming a difficulty that nothing later in the reply answers."""
    starts = [clause.start for clause in clauses]
    events = []  # (position, clause index, is a difficulty) for difficulties and solutions
    for match in _TROUBLE.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        before = text[max(clauses[index].start, match.start() - 16) : match.start()]
        if match["stop"] and _ROUTINE_STOP.search(text):
            continue
        if not _NO_TROUBLE_BEFORE.search(before) and not _NO_TROUBLE_AFTER.match(text, match.end()):
            events.append((match.start(), index, True))
    for match in _SOLVED.finditer(text):
        events.append((match.start(), bisect_right(starts, match.start()) - 1, False))
    stuck: set[int] = set()
    for position, index, trouble in sorted(events):
        if trouble:
            stuck.add(index)
        elif index in stuck:
            stuck.discard(index)  # 困难已解决
        elif not _BACK_REFERENCE.sub("", text[clauses[index].start : position]):
            stuck.clear()  # 卡在征地，现已解决
    return stuck
