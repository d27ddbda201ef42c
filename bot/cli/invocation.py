"""What every command receives, and the words every command shares for trouble."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.core.masking import Masker, mask_url, url_secrets
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Invocation:
    """One command as typed: the settings, the parsed arguments and the clock to use."""

    settings: Settings
    args: argparse.Namespace
    clock: Clock

    @contextmanager
    def runtime(self) -> Iterator[Runtime]:
        """The database and clock for this command, closed however it ends."""
        from bot.runtime import open_runtime

        runtime = open_runtime(self.settings, clock=self.clock)
        try:
            yield runtime
        finally:
            runtime.close()


Command = Callable[[Invocation], int]  # a command's exit code


def database_trouble(
    url: str, error: DBAPIError, *, named: str | None = "DUBAN_DATABASE_URL"
) -> str:
    """What went wrong with the database, in words, without echoing its password.

    `named` is where the user gave the URL (a variable, the demo's `--database`,
    or None for the demo's own file).
    """
    mask = Masker(url_secrets(url))
    message = str(error.orig or error).strip().splitlines()
    reason = mask(message[0]) if message else type(error.orig or error).__name__
    if isinstance(error, IntegrityError):
        advice = "数据与已有记录冲突（可能有另一个导入同时在进行），未写入任何内容，请稍后重试。"
    elif isinstance(error, OperationalError):
        advice = (
            "请检查地址、用户名、数据库是否存在、SQLite 文件所在的文件夹，"
            "以及数据库是否正被其他程序占用。"
        )
    else:
        advice = "数据库拒绝了这次操作，未写入任何内容。"
    where = f"{named}={mask_url(url)}" if named else mask_url(url)
    return f"数据库出错（{where}）：{reason}\n{advice}"


# The operating system's reasons, as the operator reads them (strerror is English).
OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在磁盘只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EEXIST: "已经存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "正被其他程序占用",
    errno.EINVAL: "文件名不合法",
}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's words when there are none)."""
    if error.errno in OS_REASONS:
        return OS_REASONS[error.errno]
    return f"系统错误 {error.errno}（{error.strerror}）" if error.errno else str(error)


def suffix_refused(path: Path, suffix: str, what: str) -> bool:
    """A file named for another format is refused (and said why): the bytes written are
    always `suffix`, and a .csv that is really an .xlsx opens as garbage."""
    if path.suffix.lower() == suffix:
        return False
    print(
        f"{what}只能保存为 {suffix} 文件，{path.name} 的扩展名不符：请改为 {path.stem}{suffix}。",
        file=sys.stderr,
    )
    return True


def write_file(path: Path, content: bytes, done: str) -> int:
    """Save a command's output file, saying where (0) or why it could not (1)."""
    try:
        path.write_bytes(content)
    except OSError as error:
        print(f"无法写入 {path}：{os_reason(error)}", file=sys.stderr)
        return 1
    print(f"{done}：{path}")
    return 0
