"""The live gain (volume keys, mute, closing fade) applied in the audio callback, always ramped.

Rules: a change of target never steps; the gain moves to it along a raised cosine over `RAMP_S`
(more than the 5 ms minimum), counted in samples so the result does not depend on block size.
All buffers are made up front; `apply` allocates nothing. Only the callback calls `apply`.
"""

from __future__ import annotations

import numpy as np

RAMP_S = 0.02


class GainRamp:
    def __init__(self, rate: int, max_frames: int, initial: float = 1.0,
                 ramp_s: float = RAMP_S) -> None:
        self.ramp_frames = max(1, round(ramp_s * rate))
        # shape[i] for i in 0..ramp_frames-1, then 1.0 for every later sample (via clip).
        i = np.arange(self.ramp_frames + 1, dtype=np.float64)
        shape = 0.5 - 0.5 * np.cos(np.pi * np.minimum(i / self.ramp_frames, 1.0))
        self._shape = shape.astype(np.float32)
        self._count = np.arange(max_frames, dtype=np.int64)
        self._index = np.zeros(max_frames, dtype=np.int64)
        self._curve = np.zeros(max_frames, dtype=np.float32)
        self.start_gain = float(initial)
        self.target = float(initial)
        self.start_n = -self.ramp_frames  # steady at `initial` from sample 0

    def value_at(self, n: int) -> float:
        """The gain at sample n under the current ramp."""
        k = min(max(n - self.start_n, 0), self.ramp_frames)
        return self.start_gain + (self.target - self.start_gain) * float(self._shape[k])

    def steady(self, n0: int, target: float) -> bool:
        """True when the gain is `target` for the whole block from n0 (no ramp to apply)."""
        return target == self.target and n0 - self.start_n >= self.ramp_frames

    def retarget(self, n0: int, target: float) -> None:
        if target != self.target:
            self.start_gain = self.value_at(n0)
            self.target = target
            self.start_n = n0

    def apply(self, out: np.ndarray, n0: int, target: float) -> None:
        """Multiply `out` (frames x channels) by the gain for samples [n0, n0 + frames)."""
        self.retarget(n0, target)
        frames = out.shape[0]
        if frames > len(self._count):  # larger than planned: rare, allowed to allocate
            self._grow(frames)
        index, curve = self._index[:frames], self._curve[:frames]
        np.add(self._count[:frames], n0 - self.start_n, out=index)
        np.take(self._shape, index, out=curve, mode="clip")
        np.multiply(curve, self.target - self.start_gain, out=curve)
        np.add(curve, self.start_gain, out=curve)
        np.multiply(out, curve[:, np.newaxis], out=out)

    def _grow(self, frames: int) -> None:
        self._count = np.arange(frames, dtype=np.int64)
        self._index = np.zeros(frames, dtype=np.int64)
        self._curve = np.zeros(frames, dtype=np.float32)
