"""Where a reply writes a share of the work, and the number it writes.

`PERCENT` finds each form (60%, 百分之七十五, 六成, 七成半, 一半, 三分之二, 完成2/3,
进度80) and `percent_value` turns a match into a number, reading Chinese numerals.
Which figure is the task's progress is decided in `bot.progress.figures`; this module
only knows what a figure looks like, so that the done rules can also ask whether the
words after a completion are a figure (完成80% is a share, not the task done).
"""

from __future__ import annotations

import re

# Chinese numerals as a share is written in words: 七成, 百分之七十五, 三分之二.
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


_NUM = r"\d+(?:\.\d+)?"
_CN_NUM = rf"[{_CN}\d]+(?:点[{_CN}\d]+)?"
_RANGE = r"(?:-|~|—|–|到|至)"
# Each form of a share of the work; a range (60%-70%, 六七成, 六到七成) keeps its lower end.
PERCENT = re.compile(
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
POINTS = re.compile(r"个?百分点")
ANY_FIGURE = re.compile(r"\d|[一二三四五六七八九十两]成|分之|半")


def percent_value(match: re.Match[str]) -> float | None:
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
