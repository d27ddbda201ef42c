"""The form the rules read: half-width, lower case, Arabic numerals, few synonyms.

Full-width → half-width, traditional → simplified for the few characters that
matter, Chinese numerals → Arabic, 之前/以前 → 前, 十一/五一 → 国庆/劳动 …, so that
each rule's regular expression has one spelling to look for.
"""

from __future__ import annotations

import re
import unicodedata

# NFKC already folds full-width digits, letters and punctuation; these are the
# traditional forms of the characters the rules look for.
_TRADITIONAL = str.maketrans(
    "週後號兩個點時節內慶勞動際曆國禮當終鐘長結於遲這來過淩",
    "周后号两个点时节内庆劳动际历国礼当终钟长结于迟这来过凌",
)
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_SYNONYMS = (
    (re.compile(r"[之以]前"), "前"),
    (re.compile(r"[之以]内"), "内"),
    (re.compile(r"[之以]后"), "后"),
    (re.compile(r"星期|礼拜"), "周"),
    (re.compile(r"周周"), "周"),  # 下周星期三 is 下周三
    # 下一周, 下一个月, 下一季度 name the next week, month or quarter, not "1 week";
    # 下一个工作日 keeps its number and is read as a duration.
    (re.compile(r"([上下])一个?(?=周|月|季度)"), r"\1个"),
    (re.compile(r"下一?个工作日"), "1个工作日"),
    (re.compile(r"今明两?[天日]"), "明天"),  # 今明两天内: by tomorrow
    # 两 counts, it never names a date: 两日 is two days (2日 would be the 2nd), 两月
    # two months (2月 would be February).
    (re.compile(r"两日"), "两天"),
    (re.compile(r"两月"), "两个月"),
    (re.compile(r"第一时间"), ""),  # "as soon as possible", not 1:00
    (re.compile(r"(?<![后节假])第二天"), "次日"),  # the next day, not "2 days"
    (
        re.compile(r"(?<=[早快晚慢])一点(?![半钟整0-9一二三四五六七八九十])"),
        "",
    ),  # "a bit", not 1:00
    # 明天一早 is first thing in the morning; the 一 of 周一早上 is Monday.
    (re.compile(r"(?<![周十])一早(?![上晨])"), "早上"),
    (re.compile(r"元月"), "一月"),
    (re.compile(r"廿"), "二十"),
    (re.compile(r"卅"), "三十"),
)
_CN_DIGIT = "〇零一二两三四五六七八九十百千"
# 十一 and 五一 are holidays unless they are part of a number or a date (十一月, 三十一日).
_HOLIDAY_ALIASES = (
    (
        re.compile(
            rf"(?<![{_CN_DIGIT}\d])(?:十一国庆|国庆十一|十一)(?![{_CN_DIGIT}\d月日号点时天个周年])"
        ),
        "国庆",
    ),
    (
        re.compile(rf"(?<![{_CN_DIGIT}\d])(?:五一劳动|五一)(?![{_CN_DIGIT}\d月日号点时天个周年])"),
        "劳动",
    ),
)
# "一两天", "三五个工作日": the later of the two is the deadline.
_NUMBER_RANGE = re.compile(
    rf"(?<![{_CN_DIGIT}])([一二两三四五六七八])([二两三四五六七八九])(?=个|天|日|周|月|年|小时)"
)
_CN_NUMBER = re.compile(f"[{_CN_DIGIT}]+")
# 周五(12月4日): the date in brackets says which Friday; the weekday goes.
_WEEKDAY_WITH_DATE = re.compile(
    r"(?:下+|上+|本|这)?个?周[1-7日天]"
    r"\((?P<date>(?:\d{4}[年./-])?\d{1,2}[月./-]\d{1,2}[日号]?)\)"
)
_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_to_arabic(numeral: str) -> str:
    """三十一 → 31, 二〇二六 → 2026."""
    if not any(c in _CN_UNITS for c in numeral):  # 二〇二六: digit by digit
        # Not through int(), which refuses more than 4,300 digits (一一一…).
        return "".join(str(_CN_VALUES[c]) for c in numeral).lstrip("0") or "0"
    total = digit = 0
    for c in numeral:
        if c in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
        else:
            digit = _CN_VALUES[c]
    return str(total + digit)


def _later_of_range(match: re.Match[str]) -> str:
    first, second = (_CN_VALUES[c] for c in match.group(1, 2))
    return match[2] if second > first else match[0]


# 2026-12-31T10:00:00+08:00, as spreadsheets and systems write a moment: the date and
# the clock, seconds and zone dropped (a deadline is to the minute, in local time).
_ISO_MOMENT = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})t(?P<clock>\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?:z|[+-]\d{2}:?\d{2})?"
)


def normalise(text: str) -> str:
    """The form the rules read: half-width, lower case, Arabic numerals, few synonyms."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).lower()
    text = _ISO_MOMENT.sub(r"\g<date> \g<clock>", text)
    text = _SPACE_NEAR_CJK.sub("", " ".join(text.split()))
    for pattern, replacement in (*_SYNONYMS, *_HOLIDAY_ALIASES):
        text = pattern.sub(replacement, text)
    text = _NUMBER_RANGE.sub(_later_of_range, text)
    text = _CN_NUMBER.sub(_arabic, text)
    return _WEEKDAY_WITH_DATE.sub(r"\g<date>", text)


def _arabic(match: re.Match[str]) -> str:
    # 周五17:00 must not become 周517:00: keep a space between two numbers.
    number = _cn_to_arabic(match[0])
    following = match.string[match.end() : match.end() + 1]
    return number + " " if following.isdigit() else number
