"""Frame timing: predict when the next frame appears, count late frames, measure frame cost.

Rules: pure (times are arguments, as in PsychoPy's `getFutureFlipTime`). The next flip is the
last flip plus one refresh period; a flip interval longer than 1.5 periods is a late frame
(a frame shown twice); a new window's first flips are not judged. `vsync_paces` tells whether
the flips really wait for the display.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

LATE_FACTOR = 1.5  # an interval longer than this many periods shows one frame twice
WARM_UP_FLIPS = 3  # the first flips of a window (while it is mapped) are not judged
PACE_CHECK_FRAMES = 30  # frames needed before judging whether vsync paces the flips
JUDGE_FROM_S = 1.0  # presents are judged from this long after a window's first flip...
JUDGE_FOR_S, JUDGE_FRAMES = 2.0, 60  # ...over at least this long and this many flips
LATE_SHARE_LIMIT = 0.1  # more late frames than this: the vsync present is too slow here
COST_SAMPLES = 4096  # keep this many recent frame costs for the percentile


@dataclass(frozen=True, slots=True)
class FrameStats:
    frames: int
    late: int
    period_s: float
    cost_median_ms: float
    cost_p99_ms: float
    interval_median_ms: float
    present_median_ms: float

    def summary(self) -> str:
        share = 100.0 * self.late / max(1, self.frames - 1)
        return (f"{self.frames} frames at {1.0 / self.period_s:.0f} Hz, {self.late} late "
                f"({share:.1f}%), frame cost {self.cost_median_ms:.2f} ms median / "
                f"{self.cost_p99_ms:.2f} ms p99, present {self.present_median_ms:.2f} ms median, "
                f"flip interval {self.interval_median_ms:.1f} ms median")


class FrameTimer:
    """Flip bookkeeping for one window."""

    def __init__(self, period_s: float) -> None:
        self.period_s = period_s
        self.frames = 0
        self.late = 0
        self.last_flip_s: float | None = None
        self._intervals: list[float] = []
        self._costs: list[float] = []
        self._presents: list[float] = []
        self._first_flip_s: float | None = None
        self._judge_start: tuple[int, int, float] | None = None  # frames, late, time at start
        self._judged = False

    def next_flip(self, now_s: float) -> float:
        """Predicted time of the next flip: the first refresh after now on the last flip's grid."""
        if self.last_flip_s is None:
            return now_s + self.period_s
        periods = max(1, math.ceil((now_s - self.last_flip_s) / self.period_s))
        return self.last_flip_s + periods * self.period_s

    def flipped(self, flip_s: float, cost_s: float, present_s: float = 0.0) -> None:
        """Record a flip that happened at flip_s: `cost_s` is the CPU time spent drawing it,
        `present_s` the time the update call took (with vsync, it includes the wait)."""
        if self.last_flip_s is not None:
            interval = flip_s - self.last_flip_s
            if len(self._intervals) < COST_SAMPLES:
                self._intervals.append(interval)
            else:
                self._intervals[self.frames % COST_SAMPLES] = interval
            if interval > LATE_FACTOR * self.period_s and self.frames >= WARM_UP_FLIPS:
                self.late += 1
        _keep(self._costs, cost_s, self.frames)
        _keep(self._presents, present_s, self.frames)
        self.last_flip_s = flip_s
        self.frames += 1
        if self._first_flip_s is None:
            self._first_flip_s = flip_s
        elif self._judge_start is None and flip_s - self._first_flip_s >= JUDGE_FROM_S:
            self._judge_start = (self.frames, self.late, flip_s)

    def resync(self) -> None:
        """Forget the last flip (after a pause such as a window change) so it is not 'late'."""
        self.last_flip_s = None

    def vsync_paces(self) -> bool | None:
        """None until enough frames; then whether flips come about one period apart or slower."""
        if len(self._intervals) < PACE_CHECK_FRAMES:
            return None
        return statistics.median(self._intervals[-PACE_CHECK_FRAMES:]) > 0.8 * self.period_s

    def presents_too_slow(self) -> bool:
        """Asked every frame; True once, if more than 10% of the flips judged (at least 60 over
        2 s, from a window's second second on) were late while drawing itself was cheap."""
        if self._judged or self._judge_start is None or self.last_flip_s is None:
            return False
        start_frames, start_late, start_s = self._judge_start
        frames, late = self.frames - start_frames, self.late - start_late
        if frames < JUDGE_FRAMES or self.last_flip_s - start_s < JUDGE_FOR_S:
            return False
        self._judged = True
        drawing_cheap = statistics.median(self._costs) < 0.5 * self.period_s
        return drawing_cheap and late > LATE_SHARE_LIMIT * frames

    def stats(self) -> FrameStats:
        costs = sorted(self._costs) or [0.0]
        p99 = costs[min(len(costs) - 1, math.ceil(0.99 * len(costs)) - 1)]
        interval = statistics.median(self._intervals) if self._intervals else 0.0
        present = statistics.median(self._presents) if self._presents else 0.0
        return FrameStats(self.frames, self.late, self.period_s,
                          1e3 * statistics.median(costs), 1e3 * p99, 1e3 * interval,
                          1e3 * present)

    def present_estimate_s(self) -> float:
        """Typical time an update takes (recent median), to start it that much before the flip."""
        recent = self._presents[-PACE_CHECK_FRAMES:]
        return statistics.median(recent) if recent else 0.0


def _keep(samples: list[float], value: float, index: int) -> None:
    if len(samples) < COST_SAMPLES:
        samples.append(value)
    else:
        samples[index % COST_SAMPLES] = value
