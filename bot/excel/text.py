"""How a cell's text is cleaned before it is compared or stored."""

from __future__ import annotations

import re

# Characters that look like nothing but make two names differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[ \t\u3000]+")


def cell_text(value: object) -> str:
    """A cell as clean text: no invisible characters, runs of spaces made one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_INVISIBLE)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().splitlines())


def cell_name(value: object) -> str:
    """A unit's, leader's or column's name on one line. Full-width brackets stay:
    县委办（县档案局） is how the unit is written everywhere, and folding it would
    make a second unit."""
    return cell_text(value).replace("\n", " ")
