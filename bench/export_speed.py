"""WAV export speed: seconds of audio written per second of CPU, for an hour-long track.

Baseline, measured in the same run: writing the same number of frames of silence through the
same `wave` module in the same one-second blocks, which is the floor any exporter pays.
"""

from __future__ import annotations

import math
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from bench.results import Result
from bls.commands.export import export_audio
from bls.core.program import plan_sets
from bls.profiles import Library

RATE_HZ = 48_000
TRACK_S = 3600.0
PAUSE_S = 20.0


def _scratch_dir() -> str | None:
    shm = Path("/dev/shm")  # a RAM disk where there is one: less disk noise in the figure
    return str(shm) if shm.is_dir() else None


def export_speed(track_s: float = TRACK_S) -> list[Result]:
    profile = Library.discover().load("tapping")
    one_set_s = plan_sets(profile, 1, PAUSE_S)[0].rest_s + PAUSE_S
    sets = max(1, math.ceil(track_s / one_set_s))
    with tempfile.TemporaryDirectory(prefix="bls-bench-", dir=_scratch_dir()) as folder:
        out = Path(folder) / "track.wav"
        cpu0 = time.process_time()
        summary = export_audio(out, profile, sets, PAUSE_S)
        bls_cpu = time.process_time() - cpu0
        out.unlink()

        frames = round(summary.seconds * RATE_HZ)
        silence = np.zeros((RATE_HZ, 2), dtype="<i2").tobytes()
        floor = Path(folder) / "silence.wav"
        cpu0 = time.process_time()
        with wave.open(str(floor), "wb") as handle:
            handle.setnchannels(2)
            handle.setsampwidth(2)
            handle.setframerate(RATE_HZ)
            for n0 in range(0, frames, RATE_HZ):
                handle.writeframes(silence[: 4 * min(RATE_HZ, frames - n0)])
        floor_cpu = time.process_time() - cpu0
    minutes = summary.seconds / 60
    return [Result.of(f"WAV export, {minutes:.0f}-min track ({sets} tapping sets): audio seconds "
                      "per CPU second (bls vs writing silence)",
                      summary.seconds / bls_cpu, "s/s", summary.seconds / floor_cpu)]


if __name__ == "__main__":
    print(export_speed())
