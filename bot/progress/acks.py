"""Whether a message only acknowledges: thanks, "收到", "好的", an emoji alone.

Such a message reports nothing about a task, so it is neither recorded nor answered
with the task picker (docs/progress.md). Only a message made wholly of these words
(and punctuation, emoji, spaces) counts: "收到，正在办" says more and is a report.
"""

from __future__ import annotations

import re

from bot.progress.clauses import normalise

_ACK_WORD = (
    r"谢谢(?:您|你|领导|督查室)?|多谢|感谢|谢了|辛苦(?:了|啦)?|收到(?:了|啦)?|已收到|已收悉|收悉|"
    r"已阅|阅|好的?|好滴|好嘞|好哒|嗯+|哦+|噢+|明白(?:了)?|知道(?:了|啦)?|了解|晓得(?:了)?|"
    r"是的?|对|行|可以|没问题|ok|okay|k|thanks?|thank you|thx|roger|get it|got it|"
    r"[👍👌🙏💪✌☺😊🙂🤝✅]"
)
_ACK = re.compile(rf"(?:{_ACK_WORD})+")
# What is left of a message once words are gone: punctuation, spaces, tildes.
_FILLER = re.compile(r"[\s,.!?~～。，！？、…:;·'\"“”‘’()（）\-]+")
_EMOJI = re.compile(
    "[\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f000-\U0001faff\U0001f3fb-\U0001f3ff]"
)


def is_acknowledgement(text: str) -> bool:
    """True for "谢谢", "收到！", "好的👍", "👍", "ok"; False for anything that says more."""
    raw = _FILLER.sub("", text)
    if not raw:
        return False  # an empty message is not an acknowledgement, it is nothing
    if not _EMOJI.sub("", raw):
        return True  # emoji alone
    words = _FILLER.sub("", normalise(text))
    return bool(words) and _ACK.fullmatch(words) is not None
