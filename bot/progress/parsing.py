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

Each reading has its module: `clauses` (normalising, clauses), `percentages` (what a
figure looks like), `figures` (which figure is progress), `scope` (whether a completion
is of the whole task), `done` and `trouble`. This one puts their answers together.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.progress.clauses import normalise, split_clauses
from bot.progress.done import COMPLETION, reports_done
from bot.progress.figures import progress_figure
from bot.progress.percentages import ANY_FIGURE
from bot.progress.trouble import resolves_trouble, stuck_clauses


@dataclass(frozen=True, slots=True)
class Progress:
    """What a reply says. `note` is always the whole reply, stripped of surrounding space."""

    done: bool
    percent: int | None
    needs_help: bool
    note: str
    # The reply says an earlier difficulty is solved (and names no new one): the unit's
    # word that clears 需协调, which otherwise stays until cleared on purpose.
    solved: bool = False


def parse_progress(text: str) -> Progress:
    """Read a reply such as "完成六成，卡在征地" (percent 60, needs help)."""
    note = text.strip()
    normal = normalise(note)
    if not normal:
        return Progress(done=False, percent=None, needs_help=False, note=note)
    clauses = split_clauses(normal)
    # Each reading is skipped when the reply has nothing it looks for: most replies are
    # short and say one thing.
    figure = progress_figure(normal, clauses) if ANY_FIGURE.search(normal) else None
    stuck = stuck_clauses(normal, clauses)
    done = all_of_it = False
    if COMPLETION.search(normal) or (figure and figure.value == 100):
        done, all_of_it, finished_at = reports_done(clauses, figure, stuck)
        if done:  # 前期受阻，后经协调已全部完成: what the task met before it ended is past
            stuck = {index for index in stuck if index > finished_at}
    percent = 100 if all_of_it else figure.value if figure else None
    solved = not stuck and resolves_trouble(normal)
    return Progress(done=done, percent=percent, needs_help=bool(stuck), note=note, solved=solved)
