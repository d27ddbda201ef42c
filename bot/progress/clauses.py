"""The reply as the rules read it: normalised, then cut into clauses.

Officials write on phones and into forms: full-width digits and punctuation, a few
traditional characters, emoji, stray spaces, slips such as 以完成 for 已完成.
`normalise` folds all of that away so each rule is written once, for one spelling.
`split_clauses` then cuts the reply where a thought ends (punctuation, 但/不过/只是 …):
every rule reads within a clause, so "已完成" and "还有2户未完成" are read apart.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

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


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower().translate(_TRADITIONAL)
    # Emoji, symbols and joiners carry no words (完成✅请审核 reads 完成请审核).
    kept = _SYMBOLS.sub("", folded)
    kept = _WORD_SPACE.sub("_", kept)  # keep "not done" two words
    kept = _SPACE.sub("", kept).replace("_", " ")
    kept = _SLIP_CITY.sub("成", _SLIP.sub("已", _BEFORE.sub("前", kept)))
    return _IDIOMS.sub("", kept)


class Clause(NamedTuple):
    text: str
    start: int  # offset in the normalised reply
    parts: tuple[str, ...]  # the clause cut again at colons (完成情况:已完成)


# A clause ends at punctuation or before a turn (但/不过 …); a dot between digits is a
# decimal point, not a full stop.
_CLAUSE_END = re.compile(
    r"[。!?;\n…,、()\[\]【】<>《》\"“”‘’|]+|(?<!\d)\.|\.(?!\d)|(?=但是|但|不过|然而|可是|只是)"
)


def split_clauses(text: str) -> list[Clause]:
    clauses = []
    start = 0
    for end in [*_CLAUSE_END.finditer(text), None]:
        stop = end.start() if end else len(text)
        piece = text[start:stop]
        if piece:
            clauses.append(Clause(piece, start, tuple(p for p in piece.split(":") if p)))
        if end:
            start = end.end()
    return clauses
