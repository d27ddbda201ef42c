"""Text helpers every reply goes through."""

from __future__ import annotations

from bot.core.text import cut, display_width, fit_message, table


def test_fit_message_keeps_whole_lines_and_says_what_was_left_out() -> None:
    text = "\n".join(f"第{n}行" + "字" * 40 for n in range(200))
    fitted = fit_message(text, limit=500)
    assert len(fitted) <= 500
    lines = fitted.splitlines()
    assert lines[-1] == "……内容过长，以下从略。"
    assert all(line in text.splitlines() for line in lines[:-1])
    assert fit_message("短消息") == "短消息"


def test_cut_counts_what_it_leaves_out() -> None:
    assert cut(["a", "b", "c"], 2, "个单位") == ["a", "b", "……另有 1 个单位未列出"]
    assert cut(["a"], 2) == ["a"]


def test_tables_line_up_chinese_and_digits() -> None:
    rendered = table(["单位", "红灯"], [["城关镇", 2], ["县乡村振兴局", 10]]).splitlines()
    assert {display_width(line) for line in rendered} == {display_width(rendered[0])}
    assert rendered[2].endswith(" 2") and rendered[3].endswith("10")
