"""parse_progress: the corpus (tests/progress_phrases.py) row by row, then each rule alone."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.progress.parsing import Progress, parse_progress
from tests.progress_phrases import PHRASES


def read(text: str) -> tuple[bool, int | None, bool]:
    result = parse_progress(text)
    assert result.note == text.strip()
    return result.done, result.percent, result.needs_help


@pytest.mark.parametrize(("text", "done", "percent", "needs_help"), PHRASES)
def test_corpus(text: str, done: bool, percent: int | None, needs_help: bool) -> None:
    assert read(text) == (done, percent, needs_help)


def test_corpus_has_no_duplicates() -> None:
    texts = [row[0] for row in PHRASES]
    assert len(texts) == len(set(texts))
    assert len(texts) >= 400


# --- the result ----------------------------------------------------------------------------


def test_progress_is_frozen() -> None:
    result = parse_progress("已完成")
    assert result == Progress(done=True, percent=None, needs_help=False, note="已完成")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.done = False  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    ["  已完成60%，卡在征地。\n", "\u3000收到\u3000", "完成" + "，进度正常" * 30, "👍"],
)
def test_note_is_the_whole_reply_stripped(text: str) -> None:
    assert parse_progress(text).note == text.strip()


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000 "])
def test_empty_reply_is_an_empty_note(text: str) -> None:
    assert parse_progress(text) == Progress(done=False, percent=None, needs_help=False, note="")


@pytest.mark.parametrize("text", ["👍", "🙏🙏", "✅", "[强]", "😂😂😂", "👌🏻"])
def test_emoji_alone_say_nothing(text: str) -> None:
    assert read(text) == (False, None, False)


# --- done ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["已完成", "完成了", "办结", "已办结", "全部完成", "已经完成", "完工", "已竣工", "已完成。"],
)
def test_completion_words(text: str) -> None:
    assert read(text)[0]


@pytest.mark.parametrize(
    "text",
    ["尚未完成", "还没完成", "未能完成", "没有完成", "未完成", "不能按期完成", "无法完成",
     "完成不了", "还未办结", "月底前完不成", "not done yet"],
)  # fmt: skip
def test_negated_completion_is_not_done(text: str) -> None:
    assert read(text) == (False, None, False)


@pytest.mark.parametrize(
    "text", ["已完成。", "该项工作已全部完成", "任务已办结", "已完成，请销号", "全部完成了"]
)
def test_completion_of_the_whole_task(text: str) -> None:
    assert read(text)[0]


@pytest.mark.parametrize(
    "text", ["已完成选址", "已完成招标", "完成了初步设计", "已完成第一阶段", "一期已完工"]
)
def test_a_finished_step_is_not_the_task_done(text: str) -> None:
    assert read(text) == (False, None, False)


def test_a_finished_share_is_a_percent_not_done() -> None:
    assert read("已完成60%") == (False, 60, False)


@pytest.mark.parametrize("text", ["预计下周完成", "力争月底前完成", "确保按期完成", "能按期完成"])
def test_a_promise_is_not_done(text: str) -> None:
    assert not read(text)[0]


@pytest.mark.parametrize("text", ["基本完成", "大部分已完成", "快完成了", "接近完成"])
def test_a_hedge_is_not_done(text: str) -> None:
    assert not read(text)[0]


def test_a_named_part_is_done_unless_work_remains() -> None:
    assert read("道路硬化已完工")[0]
    assert not read("路基已完成，正在铺设路面")[0]
    assert read("已完工，正在准备验收资料")[0]  # paperwork after the work


def test_percent_below_100_overrules_a_completion_word() -> None:
    assert read("已完成，完成率95%") == (False, 95, False)


def test_negated_completion_elsewhere_overrules() -> None:
    assert not read("已完成，还有2户未完成")[0]
    assert read("项目已完工，但审计结算还没完成")[0]  # paperwork, not work


def test_question_is_not_a_report() -> None:
    assert not read("是否已完成？")[0]


# --- percent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent"),
    [("60%", 60), ("60％", 60), ("６０％", 60), ("完成六成", 60), ("六成", 60), ("一半", 50),
     ("过半", 50), ("百分之四十", 40), ("完成了40%", 40), ("进度80%", 80), ("三分之二", 66),
     ("七成左右", 70), ("约六成", 60), ("百分之七十五", 75), ("十成", 100), ("百分之二十五", 25),
     ("完成率60%", 60), ("完成2/3", 66), ("进度80", 80), ("七成半", 75), ("87.9%", 87)],
)  # fmt: skip
def test_percent_forms(text: str, percent: int) -> None:
    assert read(text)[1] == percent


@pytest.mark.parametrize("text", ["60%-70%", "60-70%", "六七成", "六到七成", "百分之六十到七十"])
def test_range_keeps_its_lower_end(text: str) -> None:
    assert read(text)[1] == 60


@pytest.mark.parametrize("text", ["完成120%", "150%", "百分之一百二十"])
def test_over_100_is_not_a_percent(text: str) -> None:
    assert read(text)[1] is None


@pytest.mark.parametrize(
    "text",
    ["资金到位率30%", "同比增长15%", "环比下降5%", "覆盖率90%", "合格率98%", "增长率12%",
     "占比20%", "投资完成率60%", "资金支付进度60%", "提高5个百分点", "力争月底完成80%"],
)  # fmt: skip
def test_percent_that_is_not_progress(text: str) -> None:
    assert read(text)[1] is None


def test_the_task_wide_figure_wins_then_the_smallest() -> None:
    assert read("累计完成75%，其中一组90%、二组60%")[1] == 75
    assert read("一组完成80%，二组完成60%")[1] == 60
    assert read("由40%提高到60%")[1] == 60
    assert read("上周40%，本周60%")[1] == 60
    assert read("还剩30%")[1] == 70


@pytest.mark.parametrize(
    "text",
    ["2026年", "第3季度", "3个村", "13812345678", "12月15日", "联系电话0371-12345678",
     "2025-12-15", "12/15开工", "第二季度完成3个村", "投资1200万元", "10.5公里"],
)  # fmt: skip
def test_numbers_that_are_no_percent(text: str) -> None:
    assert read(text)[1] is None


@pytest.mark.parametrize(
    ("text", "result"),
    [("100%", (True, 100, False)), ("全部完成", (True, 100, False)),
     ("已完成", (True, None, False)), ("完成率100%", (True, 100, False)),
     ("知晓率100%", (False, None, False))],
)  # fmt: skip
def test_done_and_100(text: str, result: tuple[bool, int | None, bool]) -> None:
    assert read(text) == result


# --- needs help ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["困难", "需协调", "需要协调", "卡在征地", "受阻", "请求支持", "难以推进", "资金缺口较大",
     "存在困难：资金缺口200万"],
)  # fmt: skip
def test_calls_for_help(text: str) -> None:
    assert read(text)[2]


@pytest.mark.parametrize(
    "text",
    ["困难已解决", "问题已协调解决", "不需要协调", "无需协调", "没有困难", "卡点已打通",
     "前期卡在征地，现已协调解决", "存在困难：无", "如有困难及时报告", "困难群众已全部走访"],
)  # fmt: skip
def test_no_call_for_help(text: str) -> None:
    assert not read(text)[2]


def test_a_solution_answers_only_its_own_difficulty() -> None:
    assert read("卡在征地，资金已到位")[2]
    assert read("困难已解决，但还需协调资金")[2]


# --- mixed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [("完成60%，已完成选址", (False, 60, False)), ("已完成，但资金到位率30%", (True, None, False)),
     ("卡在征地，完成四成", (False, 40, True))],
)  # fmt: skip
def test_mixed(text: str, result: tuple[bool, int | None, bool]) -> None:
    assert read(text) == result


# --- size and speed ------------------------------------------------------------------------


def test_long_reply_is_read_whole() -> None:
    text = ("今天继续施工，" * 720)[:4991] + "卡在征地，完成四成"
    assert len(text) == 5000
    started = time.perf_counter()
    assert read(text) == (False, 40, True)
    assert time.perf_counter() - started < 0.5


def test_ten_thousand_replies_are_fast() -> None:
    replies = [row[0] for row in PHRASES] * (10_000 // len(PHRASES) + 1)
    started = time.perf_counter()
    for reply in replies[:10_000]:
        parse_progress(reply)
    # docs/progress.md has the measured time; this bound only catches a blow-up.
    assert time.perf_counter() - started < 3
