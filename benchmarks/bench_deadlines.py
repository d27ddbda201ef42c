"""How long parse_deadline takes on 10,000 mixed phrases (target: under 2 s in total).

Run from the repository root: python -m benchmarks.bench_deadlines
The phrases mix the forms officials use, a few English ones (which go through
dateparser) and some that are refused; `now` moves a second per phrase, as it
does in the bot, so nothing is served from a cache keyed on the moment.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.deadlines import DeadlineError, parse_deadline

PHRASES = (
    "今天", "明天", "后天下午3点", "明天上午10点", "明天下午三点前", "今天17:30", "今晚8点",
    "今天下班前", "周五", "本周五", "下周五前", "下周三", "下周一上午9点", "下下周一",
    "本月底", "5月底前", "6月中旬", "下个月10号", "10号前", "6月15日前", "五月二十日",
    "2026年6月30日", "2026-06-30", "2026.6.30", "6/30", "6.30", "三天内", "3天后", "一周内",
    "两周内", "半个月内", "一个月内", "3个工作日内", "5个工作日内", "五一前", "五一假期后",
    "节后第一个工作日", "端午节前", "国庆节前", "第二季度末", "上半年", "年底前",
    "请于下周五前报送材料", "本周内", "本周末", "下周末", "月底", "下月底", "下月初",
    "年前", "春节前", "3月前", "12月31日24时", "9月30日前", "二〇二六年十月八日",
    "10月8日上午", "2026年第三季度", "今年年底", "明年3月底", "两个工作日内",
    "十个工作日内", "下周内", "本月内", "三日内", "7日内", "10天内", "一个星期内", "半月内",
    "两个月内", "一周后", "周末前", "十一前", "国庆节后第一个工作日", "中秋节前",
    "请各单位于2026年6月30日前将材料报送督查室", "务必在3个工作日内完成整改",
    "今天开会布置，明天下午三点前报送", "６月３０日", "２０２６－０６－３０",
    "tomorrow 5pm", "30 June", "next Friday", "within 3 days",
    "昨天", "上周一", "2025年1月1日", "随便写写", "",
)  # fmt: skip
COUNT = 10_000


def main() -> None:
    start_moment = datetime(2026, 4, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    phrases = list(itertools.islice(itertools.cycle(PHRASES), COUNT))
    refused = 0
    started = time.perf_counter()
    for index, phrase in enumerate(phrases):
        try:
            parse_deadline(phrase, start_moment + timedelta(seconds=index))
        except DeadlineError:
            refused += 1
    elapsed = time.perf_counter() - started
    print(
        f"parsed {COUNT} phrases ({len(PHRASES)} distinct, {refused} refused) "
        f"in {elapsed:.2f} s, {elapsed / COUNT * 1e6:.0f} µs each (target: under 2 s)"
    )


if __name__ == "__main__":
    main()
