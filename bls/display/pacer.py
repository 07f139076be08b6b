"""The one frame pacer: every timed picture in bls is shown through it.

Rules (PsychoPy's `flip` is the model): `next_flip` predicts when the frame being drawn will
appear, so the caller draws for that moment; `show` presents it and returns the flip's time;
late frames are counted by `FrameTimer`. With vsync the present itself waits for the display;
without it (`paced`), the present is started so that it completes at the predicted flip. When
nothing changed, `rest` keeps the beat without presenting. This is the only place in bls that
presents a frame or sleeps to pace one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from bls.clock import Clock
from bls.display.frames import FrameStats, FrameTimer


class Presentable(Protocol):
    """A drawn frame that one call shows on screen (a picture, a window's surface)."""

    def present(self) -> None: ...


class FramePacer:
    """Paces the frames of one timed window; make a new one, or `restart`, for a new window."""

    def __init__(self, clock: Clock, period_s: float, *, vsync: bool,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.clock = clock
        self.timer = FrameTimer(period_s)
        self.paced = not vsync  # no vsync to wait on: the clock times each present
        self._sleep = sleep
        self._work_start_s = clock.now()
        self._flip_at_s = self._work_start_s
        self._fallback_said = False

    @property
    def late(self) -> int:
        return self.timer.late

    def next_flip(self) -> float:
        """The predicted time of the next flip; call before drawing the frame for it."""
        self._work_start_s = now = self.clock.now()
        self._flip_at_s = self.timer.next_flip(now)
        return self._flip_at_s

    def show(self, frame: Presentable) -> float:
        """Present the frame drawn since `next_flip`; returns the time the flip completed."""
        clock = self.clock
        cost_s = clock.now() - self._work_start_s
        if self.paced:
            wait = self._flip_at_s - self.timer.present_estimate_s() - clock.now()
            if wait > 0:
                self._sleep(wait)
        present_start = clock.now()
        frame.present()
        flip_s = clock.now()
        self.timer.flipped(flip_s, cost_s, flip_s - present_start)
        return flip_s

    def rest(self) -> None:
        """Nothing changed (the target at rest): present nothing and keep the loop's beat; the
        next flip is not judged against this pause."""
        self.timer.resync()
        self._sleep(max(0.0, self._flip_at_s - self.clock.now()))

    def restart(self, period_s: float, *, vsync: bool) -> None:
        """A new window: its refresh period and way of presenting; counts carry on."""
        self.timer.period_s = period_s
        self.timer.resync()
        self.paced = not vsync

    def resync(self) -> None:
        """After a pause the loop chose (a window change), the next flip is not 'late'."""
        self.timer.resync()

    def vsync_fallback(self) -> str | None:
        """Once, when vsync presents do not wait for the display or make frames late: the line
        to say. The caller then reopens its window without vsync and calls `restart`."""
        if self.paced or self._fallback_said:
            return None
        if self.timer.vsync_paces() is not False and not self.timer.presents_too_slow():
            return None
        self._fallback_said = True
        late = self.timer.late
        if not late:
            return "vsync: flips do not wait for the display here; timing frames with the clock"
        return (f"vsync: {late} late frames with full-window presents; "
                "updating only what moves and timing frames with the clock")

    def stats(self) -> FrameStats:
        return self.timer.stats()
