"""The one place that reads the time. Everything else takes time as an argument.

`Clock(time_function=...)` lets tests drive time by hand (as pyglet's Clock does).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    def __init__(self, time_function: Callable[[], float] = time.perf_counter) -> None:
        self._time = time_function

    def now(self) -> float:
        """Seconds on a monotonic clock (arbitrary origin)."""
        return self._time()


class ManualClock(Clock):
    """A clock for tests: time moves only when told to."""

    def __init__(self, start_s: float = 0.0) -> None:
        self.t = start_s
        super().__init__(lambda: self.t)

    def advance(self, seconds: float) -> None:
        self.t += seconds
