"""Maps wall-clock time to timeline time through the audio sample clock (audio is the master clock).

Rules: time is an argument; nothing here reads a clock. Sample n of the stream sounds at timeline
time `origin_s + n / rate`. The callback leaves stamps (sample n0 reaches the ear at wall time w);
`SampleClock` turns them into a smooth offset timeline - wall, so the picture does not jitter with
the callbacks, while following the sample clock so long sessions do not drift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SMOOTHING_S = 0.5  # time constant of the offset filter: callback jitter averages out over this
SNAP_S = 0.05  # a jump larger than this (an underrun, a device hiccup) is taken at once


@dataclass(frozen=True, slots=True)
class Stamp:
    """Left by the callback: sample `n0` reaches the ear at `dac_wall_s` (clock.now() units).

    `n_end` is where rendering stops after this block; `callback_wall_s` is when the callback ran.
    """

    n0: int
    n_end: int
    frames: int
    callback_wall_s: float
    dac_wall_s: float


class SampleClock:
    """Smoothed timeline-time = wall-time + offset, fed by the latest stamp.

    Before the first stamp the offset is 0: the output chooses `origin_s` so that sample 0 is heard
    at about wall time `origin_s`. Only the main thread calls `update`; it reads whatever stamp the
    callback left last, so no lock is needed.
    """

    def __init__(self, origin_s: float, rate: int, *, smoothing_s: float = SMOOTHING_S,
                 snap_s: float = SNAP_S) -> None:
        self.origin_s = origin_s
        self.rate = rate
        self.smoothing_s = smoothing_s
        self.snap_s = snap_s
        self.offset_s = 0.0
        self._last: Stamp | None = None

    def raw_offset(self, stamp: Stamp) -> float:
        """Timeline time minus wall time as this one stamp sees it."""
        return self.origin_s + stamp.n0 / self.rate - stamp.dac_wall_s

    def update(self, stamp: Stamp | None) -> None:
        if stamp is None or stamp is self._last:
            return
        raw = self.raw_offset(stamp)
        previous = self._last
        self._last = stamp
        if previous is None or abs(raw - self.offset_s) > self.snap_s:
            self.offset_s = raw
            return
        elapsed_s = max(0.0, stamp.dac_wall_s - previous.dac_wall_s)
        self.offset_s += (raw - self.offset_s) * (1.0 - math.exp(-elapsed_s / self.smoothing_s))

    def heard_time(self, wall_s: float) -> float:
        return wall_s + self.offset_s

    @property
    def last(self) -> Stamp | None:
        return self._last
