"""WAV export cost: CPU seconds per hour of audio for one track cut into 1, 100 and 1 000 sets.

The same length of audio in more sets must cost the same per hour: the figures at 100 and 1 000
sets show whether export time grows with the number of sets (it once grew with its square).
Baseline, measured in the same run for each track: writing the same number of frames of silence
through the same `wave` module in the same one-second blocks, which is the floor any exporter pays.
"""

from __future__ import annotations

import tempfile
import time
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.results import Result
from bls.commands.export import export_audio
from bls.core.profile import SetLength
from bls.core.program import plan_sets
from bls.profiles import Library

RATE_HZ = 48_000
TRACK_S = 3600.0
SET_COUNTS = (1, 100, 1000)
MAX_SET_S = 3600.0  # the profile's longest set
HOUR_S = 3600.0


def _scratch_dir() -> str | None:
    shm = Path("/dev/shm")  # a RAM disk where there is one: less disk noise in the figure
    return str(shm) if shm.is_dir() else None


def _silence_cpu_s(path: Path, frames: int) -> float:
    silence = np.zeros((RATE_HZ, 2), dtype="<i2").tobytes()
    cpu0 = time.process_time()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(RATE_HZ)
        for n0 in range(0, frames, RATE_HZ):
            handle.writeframes(silence[: 4 * min(RATE_HZ, frames - n0)])
    return time.process_time() - cpu0


def export_speed(track_s: float = TRACK_S) -> list[Result]:
    """One result per set count: bls's CPU seconds per hour of audio vs writing silence."""
    tapping = Library.discover().load("tapping")
    results = []
    with tempfile.TemporaryDirectory(prefix="bls-bench-", dir=_scratch_dir()) as folder:
        for sets in SET_COUNTS:
            slot_s = track_s / sets  # one set and its pause
            # One set fills the track; more sets keep a quarter of each slot for the pause.
            set_s = min(MAX_SET_S, max(1.0, round(slot_s - 2 if sets == 1 else 0.75 * slot_s)))
            profile = replace(tapping, length=SetLength(None, set_s))
            sounding_s = plan_sets(profile, 1, 0.0)[0].rest_s
            pause_s = max(0.0, slot_s - sounding_s)
            out = Path(folder) / "track.wav"
            cpu0 = time.process_time()
            summary = export_audio(out, profile, sets, pause_s, force=True)
            bls_cpu_s = time.process_time() - cpu0
            out.unlink()
            floor_cpu_s = _silence_cpu_s(Path(folder) / "silence.wav",
                                         round(summary.seconds * RATE_HZ))
            hours = summary.seconds / HOUR_S
            results.append(Result.of(
                f"WAV export, {summary.seconds / 60:.0f}-min track in {sets} set(s) of "
                f"{set_s:g} s: CPU seconds per hour of audio (bls vs writing silence)",
                bls_cpu_s / hours, "s/h", floor_cpu_s / hours))
    return results


if __name__ == "__main__":
    for result in export_speed():
        print(result)
