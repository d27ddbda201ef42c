"""Read an official's reply about a task: done, a percentage, a call for help, a note.

`parse_progress` is pure: the caller records the result (ledger.report_progress,
ledger's reported-done transition). docs/progress.md gives the conventions and the
decisions taken where the spec is silent; in short:

- The text is normalised (full-width → half-width, a few traditional characters,
  emoji dropped) and cut into clauses at punctuation and at 但/不过/只是 ….
- A percentage is progress unless the words before it in its clause make it
  something else: a rate (到位率, 合格率, but 完成率 is progress), money (资金,
  投资), a change (同比增长, 提高), a share (占比), a target (计划, 力争) or an
  earlier figure (上周, 由40%提高到…). Of several, the task-wide one (整体, 累计)
  wins, else the smallest: a task is as far along as its slowest part.
- Done needs a completion word (完成, 办结, 完工 …) that is not negated, not a
  hedge (基本完成), not a promise (预计完成) and whose object and subject are the
  task as a whole: "已完成。", "任务已办结", not "已完成选址" or "一期已完成".
  A written percentage below 100, a negated completion or an unfinished part
  elsewhere (部分设施暂缓建设) overrules it.
- Needs help: a difficulty word (困难, 受阻, 卡在, 资金缺口, 需协调 …) that is not
  negated (没有困难, 无需协调), not solved later in the text (困难已解决) and not left
  behind by the task's completion (前期受阻，后经协调已全部完成).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Progress:
    """What a reply says. `note` is always the whole reply, stripped of surrounding space."""

    done: bool
    percent: int | None
    needs_help: bool
    note: str


def parse_progress(text: str) -> Progress:
    """Read a reply such as "完成六成，卡在征地" (percent 60, needs help)."""
    note = text.strip()
    normal = _normalise(note)
    if not normal:
        return Progress(done=False, percent=None, needs_help=False, note=note)
    clauses = _clauses(normal)
    # Each reading is skipped when the reply has nothing it looks for: most replies are
    # short and say one thing.
    figure = _progress_figure(normal, clauses) if _ANY_FIGURE.search(normal) else None
    stuck = _stuck(normal, clauses)
    done = all_of_it = False
    if _COMPLETION.search(normal) or (figure and figure.value == 100):
        done, all_of_it, finished_at = _done(clauses, figure, stuck)
        if done:  # 前期受阻，后经协调已全部完成: what the task met before it ended is past
            stuck = {index for index in stuck if index > finished_at}
    percent = 100 if all_of_it else figure.value if figure else None
    return Progress(done=done, percent=percent, needs_help=bool(stuck), note=note)


# --- normalisation and clauses -------------------------------------------------------------

# NFKC folds full-width digits, letters and punctuation (６０％ → 60%, ， → ,); these are
# the traditional forms of the characters the rules look for.
_TRADITIONAL = str.maketrans(
    "辦結畢難協調進還沒無為際資題問經將預計劃爭確現達過約請幫須礙標項這個萬兩幾應務處驗銷號"
    "單鎮鄉縣門點證報與開來後時間級體總積續決權們爲會當缺額劃啟動設層據於擬範圍順圓滿遲",
    "办结毕难协调进还没无为际资题问经将预计划争确现达过约请帮须碍标项这个万两几应务处验销号"
    "单镇乡县门点证报与开来后时间级体总积续决权们为会当缺额划启动设层据于拟范围顺圆满迟",
)
# Idioms whose 不/未/无 negate nothing the rules look at (不折不扣完成 is done).
_IDIOMS = re.compile(
    r"不折不扣|不打折扣|不遗余力|不等不靠|不辞辛劳|不断|不少|不小|不仅|不但|不久|不错|不同(?!意)|"
    r"无论|不论|不管|毫不|未来|不懈|不停|马不停蹄|不失时机|克难|攻坚克难|迎难而上"
)
# Letterlike symbols to dingbats and shapes, joiners and variation selectors, private
# use, emoji and their skin tones; not the punctuation that ends a clause (… — “).
_SYMBOLS = re.compile(
    "[\u00a9\u00ae\u200b-\u200f\u2060-\u206f\u2100-\u2bff\u3030\u303d\u3297\u3299"
    "\ue000-\uf8ff\ufe00-\ufe0f\U0001f000-\U0001faff\U000e0000-\U000e007f]+"
)
_WORD_SPACE = re.compile(r"(?<=[a-z0-9])[^\S\n]+(?=[a-z0-9])")
_SPACE = re.compile(r"[^\S\n]+")
_BEFORE = re.compile(r"[之以]前")
# Slips of the pen: 以完成 for 已完成 (not 可以完成, 难以完成), 完城 for 完成.
_SLIP = re.compile(r"(?<![可所难得足予加用借是以据并从])以(?=经?(?:完成|办结|完工|竣工|整改))")
_SLIP_CITY = re.compile(r"(?<=完)城")


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower().translate(_TRADITIONAL)
    # Emoji, symbols and joiners carry no words (完成✅请审核 reads 完成请审核).
    kept = _SYMBOLS.sub("", folded)
    kept = _WORD_SPACE.sub("_", kept)  # keep "not done" two words
    kept = _SPACE.sub("", kept).replace("_", " ")
    kept = _SLIP_CITY.sub("成", _SLIP.sub("已", _BEFORE.sub("前", kept)))
    return _IDIOMS.sub("", kept)


class _Clause(NamedTuple):
    text: str
    start: int  # offset in the normalised reply
    parts: tuple[str, ...]  # the clause cut again at colons (完成情况:已完成)


# A clause ends at punctuation or before a turn (但/不过 …); a dot between digits is a
# decimal point, not a full stop.
_CLAUSE_END = re.compile(
    r"[。!?;\n…,、()\[\]【】<>《》\"“”‘’|]+|(?<!\d)\.|\.(?!\d)|(?=但是|但|不过|然而|可是|只是)"
)


def _clauses(text: str) -> list[_Clause]:
    clauses = []
    start = 0
    for end in [*_CLAUSE_END.finditer(text), None]:
        stop = end.start() if end else len(text)
        piece = text[start:stop]
        if piece:
            clauses.append(_Clause(piece, start, tuple(p for p in piece.split(":") if p)))
        if end:
            start = end.end()
    return clauses


# --- numbers ------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN = "零〇一二三四五六七八九十百两"


def _integer(word: str) -> int:
    if word.isdigit():
        return int(word)
    total = current = 0
    for ch in word:
        if ch in _CN_DIGITS:
            current = current * 10 + _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _number(word: str) -> float:
    """12, 12.5, 七十五, 九十五点五 → a float."""
    whole, _, fraction = word.replace("点", ".").partition(".")
    digits = "".join(str(_CN_DIGITS.get(ch, ch)) for ch in fraction)
    return _integer(whole) + (float(f"0.{digits}") if digits.isdigit() else 0.0)


# --- percentages ----------------------------------------------------------------------------

_NUM = r"\d+(?:\.\d+)?"
_CN_NUM = rf"[{_CN}\d]+(?:点[{_CN}\d]+)?"
_RANGE = r"(?:-|~|—|–|到|至)"
# Each form of a share of the work; a range (60%-70%, 六七成, 六到七成) keeps its lower end.
_PERCENT = re.compile(
    rf"(?<![\d.])(?P<pct>{_NUM})(?:%?{_RANGE}{_NUM})?(?:%| ?percent)"
    rf"|(?P<den>[{_CN}\d]+)分之(?P<num>{_CN_NUM})"
    rf"|(?<![\d{_CN}统唯万第之千])(?P<tenths>十|\d{{1,2}}|[一二三四五六七八九两])"
    rf"(?:{_RANGE}?(?:十|\d|[一二三四五六七八九]))?成(?P<half>半|五)?"
    rf"(?![立员为功果本绩熟效交型品都长人分份年是能会要]|不变)"
    r"|(?P<halfway>一半|过半|近半|半数)"
    # 完成2/3; a bare 2/3 may be a date.
    r"|(?:(?<=完成)|(?<=完成了)|(?<=进度)|(?<=约))(?P<over>\d{1,2})/(?P<under>\d{1,2})(?![\d/])"
    # 进度80 without the sign, when nothing follows that makes 80 a count.
    rf"|(?<=进度|成率)(?:[:为是达到约近]|已达)*(?P<bare>\d{{1,3}})"
    r"(?=左右|以上|多|[^\d.%a-z\u4e00-\u9fff]|$)"
)
_POINTS = re.compile(r"个?百分点")
_ANY_FIGURE = re.compile(r"\d|[一二三四五六七八九十两]成|分之|半")

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


class _Figure(NamedTuple):
    value: int
    position: int
    kind: str  # "progress", "remaining" (100 less 还剩30%), "earlier" (上周40%), "other"
    overall: bool
    clause: int  # index in the reply's clauses
    scope: int  # what the figure is of: as _subject_scope


def _value(match: re.Match[str]) -> float | None:
    if match["pct"]:
        return float(match["pct"])
    if match["bare"]:
        return float(match["bare"])
    if match["over"]:
        under = int(match["under"])
        return 100 * int(match["over"]) / under if under else None
    if match["den"]:
        den = _integer(match["den"])
        return 100 * _number(match["num"]) / den if den else None
    if match["tenths"]:
        tenths = _integer(match["tenths"])
        return tenths * 10 + (5 if match["half"] else 0) if tenths <= 10 else None
    return 50.0


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


def _progress_figure(text: str, clauses: list[_Clause]) -> _Figure | None:
    """The reply's progress percentage, if it gives one."""
    figures = []
    starts = [clause.start for clause in clauses]
    for match in _PERCENT.finditer(text):
        value = _value(match)
        if value is None or value > 100 or _POINTS.match(text, match.end()):
            continue
        index = bisect_right(starts, match.start()) - 1
        clause = clauses[index]
        start, end = match.start() - clause.start, match.end() - clause.start
        kind, overall = _kind(clause.text, start, end)
        if kind == "rest":  # 还剩30%: 70% is done
            value, kind = 100 - value, "remaining"
        # Only a figure of 100 can make the task done, and then it matters what it is of.
        scope = _subject_scope(_CONTEXT.sub("", clause.text[:start])) if value == 100 else 0
        figures.append(_Figure(int(value), match.start(), kind, overall, index, scope))
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


def _by_value(figure: _Figure) -> tuple[int, int]:
    return figure.value, figure.scope  # of equal figures, the one of a part


# --- done -----------------------------------------------------------------------------------

# "core" words say the work is finished; their negation (尚未完成) anywhere in the reply
# means it is not. "close" words (通过验收, 请销号) say so too, but 待验收 is no
# admission that the work is unfinished.
_COMPLETION = re.compile(
    r"(?P<close>(?:申请|请求|请予|恳请|请)(?:销号|办结)|已销号|"
    r"(?:落实|拆除|清理|整治|安装|处置|清运|修复|治理|配备)到位|通过[^,:]{0,6}?验收|验收合格|"
    r"验收已?通过|已验收|投入使用|交付使用|已投用)"
    r"|(?P<core>完成|办结|完工|竣工|完毕|建成投用|建成|已?整改(?:到位|完毕)|已整改|做完|干完|弄完|搞完|"
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
    r"保证|(?<![提目当此日])前|will|going to|plan"
)
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
_ALL_OF_IT = re.compile(r"全部|百分之?百|100%")
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


def _subject_scope(before: str) -> int:
    """2: the task as a whole, 1: a named part that may be the whole task, 0: a step."""
    if _STEP.search(before) or (_COUNT.search(before) and not _ALL.search(before)):
        return 0
    return 1 if _WHOLE_SUBJECT.sub("", before) else 2


def _object_scope(after: str) -> int:
    # Both patterns match at the start, if only the empty string: strip that match.
    rest = _PARTICLES.sub("", after, count=1)
    if not rest:
        return 2
    tail = _WHOLE_OBJECT.sub("", rest, count=1)
    if not tail or _OPENER.match(tail):
        return 2
    if _STEP.search(rest) or _PERCENT.search(rest):
        return 0
    if _COUNT.search(rest) or re.search(r"\d", rest):
        return 1 if _ALL.search(rest) else 0  # 完成全部18户改造, not 完成3个村
    return 1 if _TASK_NOUN.search(rest) else 0


def _done(
    clauses: list[_Clause], figure: _Figure | None, stuck: set[int]
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
            for match in _COMPLETION.finditer(part):
                before, after = part[: match.start()], part[match.end() :]
                if _NEGATED_BEFORE.search(before[-16:]) or _NEGATED_AFTER.match(after):
                    # 审计结算还没完成 is paperwork after the work, not work left.
                    if match["core"] and not _PAPERWORK.search(part):
                        return False, False, -1
                    continue
                promised = "已" not in before and _PROMISED.search(before)
                if promised or _HEDGED.search(before[-12:]):
                    continue
                scope = min(_subject_scope(before), _object_scope(after))
                if scope == 2:
                    finished, finished_at = True, index
                elif scope == 1:
                    named.append(index)
                if scope:
                    all_of_it = all_of_it or bool(_ALL_OF_IT.search(before + after[:4]))
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


# --- needs help -----------------------------------------------------------------------------

# A difficulty, a blockage, a shortage or a request for someone else to act.
_TROUBLE = re.compile(
    r"困难(?!群众|户|家庭|职工|学生|人员|党员|老人|儿童|对象|人群|企业|残疾|退役|帮扶|救助|补助|户籍)"
    r"|难题|阻力|障碍|瓶颈|卡点|堵点|卡在|卡住|卡壳|卡脖子|被卡|受阻|阻工|阻挠|停滞|推不动|推进不了|"
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


def _stuck(text: str, clauses: list[_Clause]) -> set[int]:
    """The clauses naming a difficulty that nothing later in the reply answers."""
    starts = [clause.start for clause in clauses]
    events = []  # (position, clause index, is a difficulty) for difficulties and solutions
    for match in _TROUBLE.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        before = text[max(clauses[index].start, match.start() - 16) : match.start()]
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
