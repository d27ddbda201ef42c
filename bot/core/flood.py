"""A flood from one person does not starve the others.

Each person may send `per_minute` updates in any sliding minute; the first one
over gets one notice, the rest are ignored until the minute has passed. Only
counts are kept, in memory: a restart forgets them, which costs nothing.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from enum import StrEnum

WINDOW = timedelta(minutes=1)
NOTICE = "您发送得太快了。本分钟内的其余消息将不予处理，请一分钟后再发送。"


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"  # the first one over the limit: tell them once
    DROP = "drop"


class FloodGate:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[datetime]] = {}
        self._warned: set[int] = set()

    def admit(self, user_id: int, now: datetime) -> Verdict:
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - WINDOW:
            seen.popleft()
        if len(seen) < self.per_minute:
            seen.append(now)
            self._warned.discard(user_id)
            return Verdict.PASS
        if user_id in self._warned:
            return Verdict.DROP
        self._warned.add(user_id)
        return Verdict.WARN

    def forget_idle(self, now: datetime) -> None:
        """Drop the people who sent nothing this minute, so the map stays small."""
        for user_id in [
            u for u, seen in self._seen.items() if not seen or seen[-1] <= now - WINDOW
        ]:
            del self._seen[user_id]
            self._warned.discard(user_id)
