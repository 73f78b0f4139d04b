"""Active time on a document, with idle time left out.

Time counts from one sign of activity (a key, a click, a scroll) to the next when they are at
most ``idle_after`` seconds apart; a longer gap is idle (the person left or did something else)
and counts nothing, as time trackers such as WakaTime count it. Pure arithmetic on the times it
is given: the window feeds it input events and a monotonic clock.
"""
from __future__ import annotations

IDLE_AFTER = 180.0


class ActiveTime:
    def __init__(self, idle_after: float = IDLE_AFTER):
        self.idle_after = idle_after
        self._last: float | None = None
        self._pending = 0.0  # counted, not yet taken by ``take``
        self.total = 0.0  # counted since ``start``

    def start(self, at: float) -> None:
        """A new document opens: counting begins now, from zero."""
        self._last = at
        self._pending = 0.0
        self.total = 0.0

    def activity(self, at: float) -> None:
        if self._last is not None:
            gap = at - self._last
            if 0 < gap <= self.idle_after:
                self._pending += gap
                self.total += gap
        self._last = at

    def idle(self, at: float) -> bool:
        return self._last is None or at - self._last > self.idle_after

    def take(self) -> float:
        """The seconds counted since the last ``take`` (to be saved), and reset that count."""
        seconds, self._pending = self._pending, 0.0
        return seconds
