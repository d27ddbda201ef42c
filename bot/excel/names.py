"""Names in ledger cells: several in one cell, compared folded, and one character apart
(to catch 县财正局 typed for 县财政局)."""

from __future__ import annotations

import re
import unicodedata

# Characters that tell real units apart (第一中学 / 第二中学, 城东 / 城西街道):
# names that differ only in one of these are not flagged.
DISTINGUISHING = frozenset("0123456789０１２３４５６７８９〇零一二三四五六七八九十百东南西北中")
# In a shorter name one character is half of it: a difference there says nothing.
SHORTEST_CHECKED = 3
PLACE_ENDINGS = ("镇", "乡", "街道", "街道办", "社区", "村", "村委会")


class NearNames:
    """Names that differ from a given one in one character changed, added or left out.

    Each name is indexed with each of its characters blanked and with each left
    out, so a look-up costs a few dictionary hits however many names there are.
    """

    def __init__(self, names: list[str] | None = None) -> None:
        self._order: dict[str, int] = {}
        self._blanked: dict[str, list[str]] = {}  # 县财_局 → 县财政局, 县财务局
        self._shortened: dict[str, list[str]] = {}  # 县财局 → 县财政局, 县财务局
        for name in names or []:
            self.add(name)

    def add(self, name: str) -> None:
        if name in self._order:
            return
        self._order[name] = len(self._order)
        for index in range(len(name)):
            self._blanked.setdefault(_blank(name, index), []).append(name)
            self._shortened.setdefault(_drop(name, index), []).append(name)

    def near(self, name: str) -> list[str]:
        """The known names one character from `name`, in the order they were added."""
        if len(name) < SHORTEST_CHECKED:
            return []
        found: set[str] = set()
        for index in range(len(name)):
            # One character changed: same length, same blank.
            for other in self._blanked.get(_blank(name, index), []):
                if other != name and not _different_places(name, other, index):
                    found.add(other)
            # One character added in `name`: leaving it out gives a known name.
            shorter = _drop(name, index)
            if shorter in self._order and name[index] not in DISTINGUISHING:
                found.add(shorter)
        # One character left out of `name`: a known name without one of its own.
        for other in self._shortened.get(name, []):
            if _extra(other, name) not in DISTINGUISHING:
                found.add(other)
        return sorted(found, key=self._order.__getitem__)


def _different_places(name: str, other: str, index: int) -> bool:
    """Whether two names one character apart at `index` are plainly two units: the
    character is one that tells units apart (第一 / 第二中学), or both are places
    (东关镇 / 城关镇: a township's name is a few characters, each one counts)."""
    if {name[index], other[index]} & DISTINGUISHING:
        return True
    return name.endswith(PLACE_ENDINGS) and other.endswith(PLACE_ENDINGS)


def _blank(name: str, index: int) -> str:
    return f"{name[:index]}\0{name[index + 1 :]}"


def _drop(name: str, index: int) -> str:
    return name[:index] + name[index + 1 :]


def _extra(longer: str, shorter: str) -> str:
    """The character `longer` has that `shorter` (one shorter, otherwise the same) lacks."""
    for index, character in enumerate(shorter):
        if longer[index] != character:
            return longer[index]
    return longer[-1]


# What separates names in one cell: 县住建局、县交通运输局 / 刘德明，王建国 / one a line.
_NAME_SEPARATORS = re.compile(r"[、,，;；/／\n]+")
_BRACKETS = tuple("（(【[〔")


def split_names(text: str) -> list[str]:
    """The names one cell holds, each once, in the order written, inner spaces gone.

    Spaces separate names only when every piece is a name of its own (城关镇 东关镇,
    刘德明 王建国); offices pad two-character names (王　伟) and type 县 住建局,
    and those are one name.
    """
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        pieces = part.split()
        if len(pieces) > 1 and all(
            len(piece) >= 2 and not piece.startswith(_BRACKETS) for piece in pieces
        ):
            names.extend(pieces)
        elif pieces:
            names.append("".join(pieces))
    return list(dict.fromkeys(names))


def name_key(name: str) -> str:
    """A name as compared: full-width forms folded and no spaces, so 县委办(县档案局)
    and 县委办（县档案局）, 县 住建局 and 县住建局 are the same unit. The name is
    stored as first written."""
    return "".join(unicodedata.normalize("NFKC", name).split())
