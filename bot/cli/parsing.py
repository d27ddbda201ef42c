"""Argument parsing in Chinese: argparse's own words translated, and one way to add a command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

# argparse's own words, which it looks up through gettext each time it needs one.
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：出错了：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "没有 %(value)r 这一项（可选：%(choices)s）"
    ),
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "expected one argument": "后面要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效（应为 %(type)s）",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "one of the arguments %s is required": "参数 %s 至少要给出一个",
    "unexpected option string: %s": "多余的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
}
ARGPARSE_PLURAL_WORDS = {"expected %s argument": "后面要跟 %s 个值"}


def positive_int(text: str) -> int:
    """An argument that counts or numbers something: 1 or more."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


# What a value should be, for "值 'x' 无效（应为…）": argparse would say the type's name.
TYPE_WORDS: dict[object, str] = {int: "整数", float: "数字", positive_int: "正整数"}


@contextmanager
def _argparse_in_chinese() -> Iterator[None]:
    """Make argparse's gettext lookups return Chinese while the parser works."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def plural(singular: str, many: str, count: int) -> str:
        return ARGPARSE_PLURAL_WORDS.get(singular, singular if count == 1 else many)

    argparse._ = lambda words: ARGPARSE_WORDS.get(words, words)  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Chinese; subcommands inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _argparse_in_chinese():  # the section titles and -h's help are made here
            super().__init__(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():  # "unrecognized arguments" is worded here
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():
            return super().parse_known_args(*args, **kwargs)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            if action.type not in TYPE_WORDS:
                raise
            word = TYPE_WORDS[action.type]
            raise argparse.ArgumentError(action, f"值 {arg_string!r} 无效（应为{word}）") from None

    def format_usage(self) -> str:
        with _argparse_in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _argparse_in_chinese():
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：出错了：{message}\n查看帮助：{self.prog} -h\n")


def add_command(
    commands: Commands, name: str, summary: str, details: str = ""
) -> argparse.ArgumentParser:
    """A subcommand: `summary` in the list of commands, `details` (or the summary) atop its -h."""
    return commands.add_parser(name, help=summary, description=details or summary)
